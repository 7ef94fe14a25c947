import { describe, expect, it } from 'vitest';
import { parseSimulationRequest, simulate } from '../../../server/modules/risk/index.js';
import { histogramFromExceedance, histogramUpper } from './charts/histogram.js';
import { fromDistribution, meanOf, toDistribution } from './estimates.js';
import { filtersFrom, sameFilters, searchOf } from './filters.js';
import { fieldOf, toRequest, type QuantifyValues } from './quantifyForm.js';
import { parseEventStream } from './stream.js';

describe('histogramFromExceedance', () => {
  it('recovers the distribution of simulated annual losses from the curve', async () => {
    const request = parseSimulationRequest({
      iterations: 100_000,
      seed: 5,
      scenarios: [
        {
          frequency: { type: 'pert', min: 0.1, mode: 0.5, max: 2 },
          magnitude: { type: 'pert', min: 1000, mode: 5000, max: 20_000 },
        },
      ],
    });
    const result = (await simulate(request, { threads: 0 })).scenarios[0]!;
    const upper = histogramUpper([result.lossExceedance]);
    expect(upper).toBeGreaterThanOrEqual(result.annualLoss.p99 * 0.95);
    const histogram = histogramFromExceedance(result.lossExceedance, upper, 20);
    const total = histogram.noLoss + histogram.tail + histogram.bins.reduce((s, b) => s + b.probability, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(histogram.noLoss).toBeCloseTo(1 - result.probabilityOfLoss, 9);
    // The histogram's median band holds the simulated median.
    let cumulative = histogram.noLoss;
    const medianBin = histogram.bins.find((bin) => (cumulative += bin.probability) >= 0.5)!;
    expect(result.annualLoss.p50).toBeGreaterThanOrEqual(medianBin.from - upper / 20);
    expect(result.annualLoss.p50).toBeLessThanOrEqual(medianBin.to + upper / 20);
  });

  it('keeps an atom (the same loss every year) in one band instead of smearing it', () => {
    const curve = [
      { loss: 0, probability: 1 },
      ...Array.from({ length: 104 }, () => ({ loss: 2000, probability: 0 })),
    ];
    const histogram = histogramFromExceedance(curve, 4000, 4);
    // All but at most one quantile step (1%) of the years sit in the band of the loss.
    expect(histogram.bins[2]!.probability).toBeGreaterThanOrEqual(0.989);
    expect(histogram.bins[3]!.probability).toBe(0);
    expect(histogram.bins.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 12);
    expect(histogram.noLoss).toBe(0);
  });

  it('has nothing to draw for a curve without losses', () => {
    const curve = Array.from({ length: 105 }, () => ({ loss: 0, probability: 0 }));
    expect(histogramUpper([curve])).toBe(0);
    const histogram = histogramFromExceedance(curve, 0, 4);
    expect(histogram.noLoss).toBe(1);
    expect(histogram.bins.every((b) => b.probability === 0)).toBe(true);
  });
});

describe('calibrated estimates', () => {
  it('turns a range into PERT, a 90% interval into a lognormal, equal values into a constant', () => {
    expect(toDistribution({ shape: 'pert', min: 1, mode: 2, max: 6 })).toEqual({
      type: 'pert',
      min: 1,
      mode: 2,
      max: 6,
      lambda: 4,
    });
    expect(toDistribution({ shape: 'lognormal', min: 1e3, mode: '', max: 1e5 })).toEqual({
      type: 'lognormal',
      low: 1e3,
      high: 1e5,
    });
    expect(toDistribution({ shape: 'pert', min: 3, mode: 3, max: 3 })).toEqual({
      type: 'constant',
      value: 3,
    });
    expect(toDistribution({ shape: 'pert', min: 1, mode: '', max: 6 })).toBeNull();
  });
  it('scales percentages and reads stored distributions back', () => {
    const dist = toDistribution({ shape: 'pert', min: 10, mode: 30, max: 60 }, 0.01);
    expect(dist).toEqual({ type: 'pert', min: 0.1, mode: 0.3, max: 0.6, lambda: 4 });
    expect(fromDistribution(dist ?? undefined, 0.01)).toEqual({ shape: 'pert', min: 10, mode: 30, max: 60 });
    expect(fromDistribution({ type: 'lognormal', low: 5, high: 50 })).toEqual({
      shape: 'lognormal',
      min: 5,
      mode: '',
      max: 50,
    });
  });
  it('computes means in closed form', () => {
    expect(meanOf({ type: 'pert', min: 0, mode: 3, max: 12, lambda: 4 })).toBe(4);
    // A lognormal given by its 5th/95th percentiles 1 and e^(2·1.645): median e^1.645.
    const lognormal = meanOf({ type: 'lognormal', low: 1, high: Math.exp(2 * 1.6448536269514722) });
    expect(lognormal).toBeCloseTo(Math.exp(1.6448536269514722 + 0.5), 9);
  });
});

describe('register filters', () => {
  it('keeps known, non-empty filters in a stable order', () => {
    const filters = filtersFrom(
      new URLSearchParams('impact=5&likelihood=4&rating=inherent&x=1&q=+&tag=dock'),
    );
    expect(filters).toEqual({ impact: '5', likelihood: '4', rating: 'inherent', tag: 'dock' });
    expect(searchOf(filters)).toBe('?tag=dock&likelihood=4&impact=5&rating=inherent');
    expect(searchOf({})).toBe('');
  });
  it('drops a rating that qualifies no heat-map cell and compares filters', () => {
    expect(filtersFrom([['rating', 'residual']])).toEqual({});
    expect(sameFilters({ status: 'assessed', q: '' }, { status: 'assessed' })).toBe(true);
    expect(sameFilters({ status: 'assessed' }, { status: 'closed' })).toBe(false);
  });
});

describe('parseEventStream', () => {
  it('splits complete events and keeps the rest for the next chunk', () => {
    const { events, rest } = parseEventStream(
      'event: progress\ndata: {"fraction":0}\n\n: comment\n\nevent: result\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: prog',
    );
    expect(events).toEqual([
      { event: 'progress', data: '{"fraction":0}' },
      { event: 'result', data: '{"a":\n1}' },
    ]);
    expect(rest).toBe('event: prog');
  });
});

describe('the quantification form', () => {
  const base: QuantifyValues = {
    label: 'current',
    frequency: { shape: 'pert', min: 0.5, mode: 2, max: 6 },
    magnitude: { shape: 'lognormal', min: 1000, mode: '', max: 100_000 },
    withSecondary: false,
    secondaryProbability: { shape: 'pert', min: '', mode: '', max: '' },
    secondaryMagnitude: { shape: 'lognormal', min: '', mode: '', max: '' },
    iterations: '100000',
    seed: '',
    controlCost: 5000,
    note: '',
  };

  it('builds the request of the contract (no control cost on the current state)', () => {
    const { body, errors } = toRequest(base);
    expect(errors).toBeNull();
    expect(body).toEqual({
      label: 'current',
      scenario: {
        frequency: { type: 'pert', min: 0.5, mode: 2, max: 6, lambda: 4 },
        magnitude: { type: 'lognormal', low: 1000, high: 100_000 },
      },
      iterations: 100_000,
      controlCost: 0,
      note: '',
    });
    const proposed = toRequest({
      ...base,
      label: 'proposed',
      seed: 42,
      withSecondary: true,
      secondaryProbability: { shape: 'pert', min: 5, mode: 10, max: 30 },
      secondaryMagnitude: { shape: 'lognormal', min: 10_000, mode: '', max: 1e6 },
    });
    expect(proposed.body).toMatchObject({
      label: 'proposed',
      seed: 42,
      controlCost: 5000,
      scenario: { secondary: { probability: { type: 'pert', min: 0.05, mode: 0.1, max: 0.3 } } },
    });
  });

  it('puts missing numbers and the contract’s objections on the right field, in plain words', () => {
    const missing = toRequest({ ...base, frequency: { shape: 'pert', min: 1, mode: '', max: 3 } });
    expect(missing.errors).toEqual({ frequency: 'Enter minimum, most likely and maximum' });
    const disordered = toRequest({ ...base, frequency: { shape: 'pert', min: 5, mode: 2, max: 6 } });
    expect(disordered.errors).toEqual({
      frequency: 'The most likely value must lie between the minimum and the maximum',
    });
    const interval = toRequest({ ...base, magnitude: { shape: 'lognormal', min: 5000, mode: '', max: 100 } });
    expect(interval.errors).toEqual({ magnitude: 'The low end must be below the high end' });
    const percent = toRequest({
      ...base,
      withSecondary: true,
      secondaryProbability: { shape: 'pert', min: 50, mode: 90, max: 150 },
      secondaryMagnitude: { shape: 'pert', min: 1, mode: 2, max: 3 },
    });
    expect(percent.errors).toEqual({ secondaryProbability: 'Percentages lie between 0 and 100' });
    expect(fieldOf(['body', 'scenario', 'secondary', 'magnitude'])).toBe('secondaryMagnitude');
    expect(fieldOf(['body', 'controlCost'])).toBe('controlCost');
    expect(fieldOf(['body'])).toBe('form');
  });
});
