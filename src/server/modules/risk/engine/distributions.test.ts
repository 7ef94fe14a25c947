import { describe, expect, it } from 'vitest';
import { distributionSupport, type Distribution } from '../../../../contracts/risk-simulation.js';
import { distributionMean, poisson, Sampler, standardNormal } from './distributions.js';
import { Xoshiro128 } from './random.js';
import { inverseNormalCdf } from './tables.js';

const N = 400_000;

function draws(sampler: Sampler, seed: number): Float64Array {
  const rng = new Xoshiro128();
  rng.reseed(seed, 0, 0);
  const out = new Float64Array(N);
  sampler.fill(rng, out, 0, N);
  return out;
}

function moments(values: Float64Array) {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, stdev: Math.sqrt(squares / (values.length - 1)), sorted: values.slice().sort() };
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

describe('samplers', () => {
  it('xoshiro128** streams are reproducible and differ by scenario and block', () => {
    const a = new Xoshiro128();
    const b = new Xoshiro128();
    a.reseed(1, 2, 3);
    b.reseed(1, 2, 3);
    const first = Array.from({ length: 8 }, () => a.nextInt32());
    expect(Array.from({ length: 8 }, () => b.nextInt32())).toEqual(first);
    b.reseed(1, 2, 4);
    expect(Array.from({ length: 8 }, () => b.nextInt32())).not.toEqual(first);
    b.reseed(1, 3, 3);
    expect(Array.from({ length: 8 }, () => b.nextInt32())).not.toEqual(first);
    for (let i = 0; i < 1000; i++) {
      const u = a.nextDouble();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('Φ⁻¹ matches known quantiles', () => {
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(inverseNormalCdf(0.95)).toBeCloseTo(1.6448536269514722, 14);
    expect(inverseNormalCdf(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(inverseNormalCdf(1e-10)).toBeCloseTo(-6.361340902404056, 12);
  });

  it('the ziggurat normal has mean 0, variance 1 and normal quantiles', () => {
    const rng = new Xoshiro128();
    rng.reseed(5, 0, 0);
    const values = Float64Array.from({ length: N }, () => standardNormal(rng));
    const { mean, stdev, sorted } = moments(values);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(stdev - 1)).toBeLessThan(0.01);
    expect(quantile(sorted, 0.975)).toBeCloseTo(1.96, 1);
    expect(quantile(sorted, 0.001)).toBeCloseTo(-3.09, 1);
  });

  // Each estimate both drawn directly (few draws) and through its table (many draws).
  const estimates: Distribution[] = [
    { type: 'pert', min: 100, mode: 1000, max: 20000, lambda: 4 },
    { type: 'pert', min: 0, mode: 0, max: 1, lambda: 4 },
    { type: 'pert', min: 0, mode: 1, max: 1, lambda: 4 },
    { type: 'pert', min: 0, mode: 0.3, max: 1, lambda: 300 },
    { type: 'pert', min: 5, mode: 6, max: 9, lambda: 0.3 },
    { type: 'lognormal', low: 200, high: 10000 },
    { type: 'lognormal', mu: 1, sigma: 0.05 },
    { type: 'lognormal', mu: 0, sigma: 2 },
    { type: 'triangular', min: 1, mode: 2, max: 10 },
    { type: 'uniform', min: 3, max: 4 },
  ];
  for (const dist of estimates) {
    for (const expectedDraws of [0, 1e9]) {
      it(`${JSON.stringify(dist)} (${expectedDraws ? 'table' : 'direct'}): closed-form mean, support and quantiles`, () => {
        const { mean, stdev, sorted } = moments(draws(Sampler.of(dist, expectedDraws), 17));
        expect(Math.abs(mean - distributionMean(dist))).toBeLessThan((5 * stdev) / Math.sqrt(N));
        if (dist.type === 'lognormal') {
          const mu = dist.mu ?? Math.log(Math.sqrt((dist.low ?? 1) * (dist.high ?? 1)));
          const sigma = dist.sigma ?? Math.log((dist.high ?? 1) / (dist.low ?? 1)) / (2 * 1.6448536269514722);
          for (const q of [0.001, 0.05, 0.5, 0.95, 0.999]) {
            const exact = Math.exp(mu + sigma * inverseNormalCdf(q));
            expect(Math.abs(Math.log(quantile(sorted, q) / exact))).toBeLessThan(0.04 * sigma + 0.002);
          }
        } else {
          const support = distributionSupport(dist);
          expect(sorted[0]).toBeGreaterThanOrEqual(support.min);
          expect(sorted[N - 1]).toBeLessThanOrEqual(support.max);
        }
      });
    }
  }

  it('Poisson: mean and variance λ, for inversion (λ < 10) and PTRS (λ ≥ 10)', () => {
    const rng = new Xoshiro128();
    rng.reseed(3, 0, 0);
    for (const lambda of [0.05, 1, 7.5, 10, 42, 1000]) {
      const values = Float64Array.from({ length: N }, () => poisson(rng, lambda));
      const { mean, stdev } = moments(values);
      expect(Math.abs(mean - lambda)).toBeLessThan((5 * Math.sqrt(lambda)) / Math.sqrt(N));
      expect(Math.abs(stdev / Math.sqrt(lambda) - 1)).toBeLessThan(0.02);
      if (lambda === 1) {
        const zeros = values.filter((v) => v === 0).length / N;
        expect(Math.abs(zeros - Math.exp(-1))).toBeLessThan(0.005);
      }
    }
    expect(poisson(rng, 0)).toBe(0);
  });
});
