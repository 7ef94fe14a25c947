import { Z95, type Distribution } from '../../../contracts/risk-simulation.js';

/**
 * A calibrated estimate as people give it: a range with a most likely value (PERT), or a 90%
 * confidence interval (lognormal: 5th and 95th percentiles, for quantities with a long right tail).
 */
export type EstimateShape = 'pert' | 'lognormal';

export interface RangeEstimate {
  shape: EstimateShape;
  min: number | string;
  mode: number | string;
  max: number | string;
}

export const emptyEstimate = (shape: EstimateShape = 'pert'): RangeEstimate => ({
  shape,
  min: '',
  mode: '',
  max: '',
});

const num = (value: number | string): number => (typeof value === 'number' ? value : Number.NaN);

/**
 * The distribution of an estimate, scaled (a percentage becomes a probability with scale 0.01), or
 * null while a number is missing. Order checks are left to the contract, which names the field.
 */
export function toDistribution(estimate: RangeEstimate, scale = 1): Distribution | null {
  const min = num(estimate.min) * scale;
  const max = num(estimate.max) * scale;
  if (estimate.shape === 'lognormal') {
    if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
    return { type: 'lognormal', low: min, high: max };
  }
  const mode = num(estimate.mode) * scale;
  if (![min, mode, max].every(Number.isFinite)) return null;
  if (min === max && mode === min) return { type: 'constant', value: min };
  return { type: 'pert', min, mode, max, lambda: 4 };
}

/** The estimate that a stored distribution came from (to re-run or adjust it), if it is one of ours. */
export function fromDistribution(dist: Distribution | undefined, scale = 1): RangeEstimate | null {
  if (!dist) return null;
  const unscale = (value: number) => Number((value / scale).toPrecision(12));
  switch (dist.type) {
    case 'constant':
      return { shape: 'pert', min: unscale(dist.value), mode: unscale(dist.value), max: unscale(dist.value) };
    case 'pert':
    case 'triangular':
      return { shape: 'pert', min: unscale(dist.min), mode: unscale(dist.mode), max: unscale(dist.max) };
    case 'lognormal':
      if (dist.low === undefined || dist.high === undefined) return null;
      return { shape: 'lognormal', min: unscale(dist.low), mode: '', max: unscale(dist.high) };
    default:
      return null;
  }
}

/** The mean of a distribution in closed form (PERT: (min + λ·mode + max) / (λ + 2)). */
export function meanOf(dist: Distribution): number {
  switch (dist.type) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'triangular':
      return (dist.min + dist.mode + dist.max) / 3;
    case 'pert':
      return (dist.min + dist.lambda * dist.mode + dist.max) / (dist.lambda + 2);
    case 'lognormal': {
      const mu = dist.mu ?? (Math.log(dist.low ?? 1) + Math.log(dist.high ?? 1)) / 2;
      const sigma = dist.sigma ?? (Math.log(dist.high ?? 1) - Math.log(dist.low ?? 1)) / (2 * Z95);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
  }
}
