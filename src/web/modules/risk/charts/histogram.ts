import type { ExceedancePoint } from '../../../../contracts/risk-simulation.js';

/** Quantile levels of the engine's curves are 1% apart at most (finer in the far tail). */
const LEVEL_STEP = 0.0101;

export interface HistogramBin {
  from: number;
  to: number;
  /** Share of all simulated years with an annual loss in [from, to). */
  probability: number;
}

export interface Histogram {
  bins: HistogramBin[];
  /** Share of years without any loss. */
  noLoss: number;
  /** Share of years with a loss at or above the last bin. */
  tail: number;
}

/** The valid points of a curve: it starts at loss 0 and never goes back (engines pad with (0, 0)). */
function pointsOf(curve: readonly ExceedancePoint[]): ExceedancePoint[] {
  const points: ExceedancePoint[] = [];
  for (const point of curve) {
    const last = points.at(-1);
    if (last && point.loss < last.loss) break;
    points.push(point);
  }
  return points;
}

/** A loss a little past most of the curve: where P(annual loss > x) falls to `share`. */
export function histogramUpper(curves: readonly (readonly ExceedancePoint[])[], share = 0.01): number {
  let upper = 0;
  for (const curve of curves) {
    const points = pointsOf(curve);
    const at = points.find((point) => point.loss > 0 && point.probability <= share) ?? points.at(-1);
    upper = Math.max(upper, at?.loss ?? 0);
  }
  return upper;
}

/**
 * The histogram of annual losses recovered from a loss exceedance curve. Between two points of the
 * curve, the years' share (the drop of the curve) is spread evenly over the interval, except for a
 * drop larger than the step between two quantile levels: that is an atom (many years with the very
 * same loss, as with fixed estimates) and sits at the interval's upper end, where the loss is.
 */
export function histogramFromExceedance(
  curve: readonly ExceedancePoint[],
  upper: number,
  binCount = 30,
): Histogram {
  const points = pointsOf(curve);
  const first = points[0];
  const positive = first && first.loss === 0 ? first.probability : 1;
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, k) => ({
    from: (k * upper) / binCount,
    to: ((k + 1) * upper) / binCount,
    probability: 0,
  }));
  let tail = 0;
  const width = upper / binCount;
  const addAt = (loss: number, mass: number) => {
    if (upper <= 0 || loss >= upper) tail += mass;
    else {
      const bin = bins[Math.min(binCount - 1, Math.floor(loss / width))];
      if (bin) bin.probability += mass;
    }
  };
  const spread = (from: number, to: number, mass: number) => {
    if (to <= from) return addAt(to, mass);
    const inside = Math.max(0, Math.min(to, upper) - from);
    if (to > upper) tail += (mass * (to - Math.max(from, upper))) / (to - from);
    for (const bin of bins) {
      const overlap = Math.min(bin.to, from + inside) - Math.max(bin.from, from);
      if (overlap > 0) bin.probability += (mass * overlap) / (to - from);
    }
  };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (!a || !b) continue;
    const drop = a.probability - b.probability;
    if (drop <= 0) continue;
    const continuous = Math.min(drop, LEVEL_STEP * positive);
    spread(a.loss, b.loss, continuous);
    if (drop > continuous) addAt(b.loss, drop - continuous);
  }
  return { bins, noLoss: Math.max(0, 1 - positive), tail };
}
