import type { ExceedancePoint, SimulationStats } from '../../../../contracts/risk-simulation.js';

/** What the answer says about one set of simulated years. */
export interface Summary {
  stats: SimulationStats;
  probabilityOfLoss: number;
  lossExceedance: ExceedancePoint[];
}

const PERCENTILES = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

/**
 * Levels of the loss exceedance curve, as quantiles of the non-zero annual losses: the percentiles,
 * the far tail, then the maximum. The curve starts with (0, P(loss > 0)): 105 points in all.
 */
const EXCEEDANCE_LEVELS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => (i + 1) / 100),
  0.995,
  0.999,
  0.9995,
  0.9999,
  1,
];

// Few enough buckets for their counters to stay in the L1 cache (the passes index them at random).
const MAX_BUCKETS = 4096;
/** Counts up to this use a histogram of every value (summarizeCounts). */
const MAX_COUNT = 1 << 22;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Exact statistics of non-negative samples in O(n): the samples are bucketed by the high bits of
 * their IEEE-754 representation (which order non-negative doubles like their values), and only the
 * buckets holding a wanted order statistic are gathered and sorted. One instance per thread reuses
 * its scratch arrays from call to call.
 */
export class Summarizer {
  private counts = new Int32Array(0);
  private starts = new Float64Array(0);
  private slots = new Int32Array(0);
  private fill = new Int32Array(0);
  private gather = new Float64Array(0);
  private histogram = new Float64Array(0);

  /**
   * Statistics of whole numbers ≥ 0 (loss event counts) from a histogram of their values: exact,
   * and faster than the general path when many samples are equal.
   */
  summarizeCounts(values: Float64Array): SimulationStats {
    const n = values.length;
    let max = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? 0;
      if (!(v >= 0 && v <= MAX_COUNT && Math.floor(v) === v)) return this.summarize(values, false).stats;
      if (v > max) max = v;
      sum += v;
    }
    if (this.histogram.length < max + 1) this.histogram = new Float64Array(Math.max(max + 1, 256));
    const histogram = this.histogram;
    histogram.fill(0, 0, max + 1);
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? 0;
      histogram[v] = (histogram[v] ?? 0) + 1;
    }
    let min = 0;
    while ((histogram[min] ?? 0) === 0) min++;
    // Sums of whole numbers below 2^53 are exact, so the mean is correctly rounded.
    const mean = sum / n;
    let squares = 0;
    for (let k = min; k <= max; k++) {
      const d = k - mean;
      squares += (histogram[k] ?? 0) * d * d;
    }
    const valueAt = (rank: number) => {
      let seen = 0;
      for (let k = min; k <= max; k++) {
        seen += histogram[k] ?? 0;
        if (seen > rank) return k;
      }
      return max;
    };
    const percentile = (q: number) => {
      const h = (n - 1) * q;
      const lo = Math.floor(h);
      const a = valueAt(lo);
      const b = valueAt(Math.min(lo + 1, n - 1));
      return Math.min(Math.max(a + (h - lo) * (b - a), a), b);
    };
    return {
      mean,
      stdev: min === max || n < 2 ? 0 : Math.sqrt(squares / (n - 1)),
      min,
      max,
      p5: percentile(0.05),
      p10: percentile(0.1),
      p25: percentile(0.25),
      p50: percentile(0.5),
      p75: percentile(0.75),
      p90: percentile(0.9),
      p95: percentile(0.95),
      p99: percentile(0.99),
    };
  }

  /**
   * Statistics, P(value > 0) and (unless `curve` is false) the exceedance curve of the samples, which
   * must all be finite and ≥ 0.
   */
  summarize(values: Float64Array, curve = true): Summary {
    const n = values.length;
    if (n === 0) throw new Error('nothing to summarize');
    const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
    const hiOffset = littleEndian ? 1 : 0;

    let zeros = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let minHi = 0xffffffff;
    let maxHi = 0;
    // Neumaier's compensated sum: the mean stays accurate over ten million years of losses.
    let sum = 0;
    let compensation = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? 0;
      if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) throw new Error(`sample ${i} is ${v}; expected ≥ 0`);
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) {
        zeros++;
        continue;
      }
      const hi = words[2 * i + hiOffset] ?? 0;
      if (hi < minHi) minHi = hi;
      if (hi > maxHi) maxHi = hi;
      const t = sum + v;
      compensation += Math.abs(sum) >= v ? sum - t + v : v - t + sum;
      sum = t;
    }
    const positives = n - zeros;
    // Equal samples have an exact mean and no spread; rounding must not invent one.
    const mean = min === max ? min : Math.min(Math.max((sum + compensation) / n, min), max);

    let shift = 0;
    while (positives > 0 && (maxHi - minHi) >>> shift >= MAX_BUCKETS) shift++;
    const bucketCount = positives > 0 ? ((maxHi - minHi) >>> shift) + 1 : 0;
    if (this.counts.length < bucketCount) {
      this.counts = new Int32Array(bucketCount);
      this.starts = new Float64Array(bucketCount);
      this.slots = new Int32Array(bucketCount);
      this.fill = new Int32Array(bucketCount);
    }
    const counts = this.counts;
    counts.fill(0, 0, bucketCount);
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? 0;
      const d = v - mean;
      squares += d * d;
      if (v !== 0) {
        const b = ((words[2 * i + hiOffset] ?? 0) - minHi) >>> shift;
        counts[b] = (counts[b] ?? 0) + 1;
      }
    }
    const stdev = min === max || n < 2 ? 0 : Math.sqrt(squares / (n - 1));

    // Global rank where each bucket starts (zeros come first).
    const starts = this.starts;
    let running = zeros;
    for (let b = 0; b < bucketCount; b++) {
      starts[b] = running;
      running += counts[b] ?? 0;
    }

    const wanted: number[] = [];
    for (const q of PERCENTILES) {
      const lo = Math.floor((n - 1) * q);
      wanted.push(lo, Math.min(lo + 1, n - 1));
    }
    const exceedanceRanks =
      curve && positives > 0
        ? EXCEEDANCE_LEVELS.map((level) => zeros + Math.floor(level * (positives - 1)))
        : [];
    wanted.push(...exceedanceRanks);

    const bucketOfRank = (rank: number): number => {
      // The last bucket whose start is ≤ rank (buckets are ordered by start).
      let lo = 0;
      let hi = bucketCount - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((starts[mid] ?? 0) <= rank) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };

    const slots = this.slots;
    slots.fill(-1, 0, bucketCount);
    let gathered = 0;
    const marked: number[] = [];
    for (const rank of wanted) {
      if (rank < zeros) continue;
      const b = bucketOfRank(rank);
      if (slots[b] === -1) {
        slots[b] = gathered;
        gathered += counts[b] ?? 0;
        marked.push(b);
      }
    }
    if (this.gather.length < gathered) this.gather = new Float64Array(Math.max(gathered, 1024));
    const gather = this.gather;
    const fill = this.fill;
    if (marked.length > 0) {
      for (const b of marked) fill[b] = slots[b] ?? 0;
      for (let i = 0; i < n; i++) {
        const v = values[i] ?? 0;
        if (v === 0) continue;
        const b = ((words[2 * i + hiOffset] ?? 0) - minHi) >>> shift;
        if ((slots[b] ?? -1) >= 0) {
          const at = fill[b] ?? 0;
          gather[at] = v;
          fill[b] = at + 1;
        }
      }
      for (const b of marked) {
        const from = slots[b] ?? 0;
        const to = from + (counts[b] ?? 0);
        let same = true;
        const first = gather[from];
        for (let i = from + 1; i < to && same; i++) same = gather[i] === first;
        if (!same) gather.subarray(from, to).sort();
      }
    }

    const valueAt = (rank: number): number => {
      if (rank < zeros) return 0;
      const b = bucketOfRank(rank);
      return gather[(slots[b] ?? 0) + rank - (starts[b] ?? 0)] ?? 0;
    };
    // P(value > x) for a sample value x: one past the last rank holding x, found in x's bucket.
    const exceedance = (rank: number): number => {
      if (rank < zeros) return positives / n;
      const b = bucketOfRank(rank);
      const from = slots[b] ?? 0;
      const x = gather[from + rank - (starts[b] ?? 0)] ?? 0;
      let lo = rank - (starts[b] ?? 0);
      let hi = counts[b] ?? 0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((gather[from + mid] ?? 0) <= x) lo = mid + 1;
        else hi = mid;
      }
      return (n - ((starts[b] ?? 0) + lo)) / n;
    };

    // Percentiles interpolate between order statistics (Hyndman & Fan type 7, as R and NumPy).
    const percentile = (q: number): number => {
      const h = (n - 1) * q;
      const lo = Math.floor(h);
      const a = valueAt(lo);
      const b = valueAt(Math.min(lo + 1, n - 1));
      return Math.min(Math.max(a + (h - lo) * (b - a), a), b);
    };

    const lossExceedance: ExceedancePoint[] = [];
    if (curve) {
      lossExceedance.push({ loss: 0, probability: positives / n });
      for (const rank of exceedanceRanks)
        lossExceedance.push({ loss: valueAt(rank), probability: exceedance(rank) });
      // Without any loss the curve is flat at zero, still with every point.
      while (lossExceedance.length <= EXCEEDANCE_LEVELS.length)
        lossExceedance.push({ loss: 0, probability: 0 });
    }

    return {
      stats: {
        mean,
        stdev,
        min,
        max,
        p5: percentile(0.05),
        p10: percentile(0.1),
        p25: percentile(0.25),
        p50: percentile(0.5),
        p75: percentile(0.75),
        p90: percentile(0.9),
        p95: percentile(0.95),
        p99: percentile(0.99),
      },
      probabilityOfLoss: positives / n,
      lossExceedance,
    };
  }
}
