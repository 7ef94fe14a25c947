import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Summarizer } from './statistics.js';

/** The obvious way: sort everything, interpolate (type 7), count. */
function bySorting(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const percentile = (q: number) => {
    const h = (n - 1) * q;
    const lo = Math.floor(h);
    const a = sorted[lo]!;
    const b = sorted[Math.min(lo + 1, n - 1)]!;
    return Math.min(Math.max(a + (h - lo) * (b - a), a), b);
  };
  return {
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p5: percentile(0.05),
    p10: percentile(0.1),
    p25: percentile(0.25),
    p50: percentile(0.5),
    p75: percentile(0.75),
    p90: percentile(0.9),
    p95: percentile(0.95),
    p99: percentile(0.99),
    exceeding: (x: number) => sorted.filter((v) => v > x).length / n,
  };
}

// Samples as the engine produces them: zeros (loss-free years), ties, and values over many octaves.
const samples = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 1e12, noNaN: true }),
    fc.integer({ min: 0, max: 20 }),
    fc.constantFrom(1e-300, 5e-324, 1e300),
  ),
  { minLength: 1, maxLength: 3000 },
);

describe('Summarizer', () => {
  it('percentiles, min and max equal those of a full sort, exactly', () => {
    const summarizer = new Summarizer();
    fc.assert(
      fc.property(samples, (values) => {
        const expected = bySorting(values);
        const { stats, probabilityOfLoss, lossExceedance } = summarizer.summarize(Float64Array.from(values));
        for (const key of ['min', 'max', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99'] as const)
          expect(stats[key]).toBe(expected[key]);
        expect(probabilityOfLoss).toBe(expected.exceeding(0));
        expect(lossExceedance).toHaveLength(105);
        for (const point of lossExceedance) expect(point.probability).toBe(expected.exceeding(point.loss));
        for (const point of lossExceedance.slice(1))
          if (values.some((v) => v > 0)) expect(values).toContain(point.loss);
      }),
      { numRuns: 300 },
    );
  });

  it('counts: the histogram path equals the general one', () => {
    const summarizer = new Summarizer();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 2000 }), (counts) => {
        const values = Float64Array.from(counts);
        const general = summarizer.summarize(values.slice(), false).stats;
        const histogram = summarizer.summarizeCounts(values);
        for (const key of ['min', 'max', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99'] as const)
          expect(histogram[key]).toBe(general[key]);
        expect(histogram.mean).toBeCloseTo(general.mean, 9);
        expect(histogram.stdev).toBeCloseTo(general.stdev, 6);
      }),
      { numRuns: 200 },
    );
  });

  it('mean and stdev: exact for equal samples, accurate otherwise', () => {
    const summarizer = new Summarizer();
    const equal = summarizer.summarize(new Float64Array(1000).fill(0.1)).stats;
    expect(equal.mean).toBe(0.1);
    expect(equal.stdev).toBe(0);
    const values = Float64Array.from({ length: 10_001 }, (_, i) => i);
    const stats = summarizer.summarize(values).stats;
    expect(stats.mean).toBe(5000);
    expect(stats.stdev).toBeCloseTo(Math.sqrt((10_001 * 10_002) / 12), 6);
  });

  it('refuses negative or non-finite samples', () => {
    const summarizer = new Summarizer();
    expect(() => summarizer.summarize(Float64Array.from([1, -1]))).toThrow();
    expect(() => summarizer.summarize(Float64Array.from([1, Number.NaN]))).toThrow();
  });
});
