import type { Distribution, SimulationRequest } from '../../../../contracts/risk-simulation.js';
import { lognormalParameters } from './distributions.js';

/*
 * A straightforward single-threaded simulation, written to be obviously correct rather than fast:
 * textbook samplers (Box–Muller, Marsaglia–Tsang, Knuth's Poisson), every sample of a scenario kept
 * and sorted. The benchmark measures the engine's speed-up over it and the tests compare the two
 * statistically. It does not reproduce the engine's numbers draw for draw (other generator, other
 * samplers), only their distribution.
 */

/** mulberry32: a tiny seeded generator, good enough for a reference. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

function gammaDraw(random: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(random, shape + 1) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = Math.pow(1 + c * x, 3);
    if (v <= 0) continue;
    if (Math.log(random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function draw(random: () => number, dist: Distribution): number {
  switch (dist.type) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return dist.min + (dist.max - dist.min) * random();
    case 'triangular': {
      const { min, mode, max } = dist;
      if (max === min) return min;
      const u = random();
      const c = (mode - min) / (max - min);
      return u < c
        ? min + Math.sqrt(u * (max - min) * (mode - min))
        : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    }
    case 'pert': {
      const { min, mode, max, lambda } = dist;
      if (max === min) return min;
      const x = gammaDraw(random, 1 + (lambda * (mode - min)) / (max - min));
      const y = gammaDraw(random, 1 + (lambda * (max - mode)) / (max - min));
      return min + ((max - min) * x) / (x + y);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(dist);
      return Math.exp(mu + sigma * normal(random));
    }
  }
}

// Knuth: multiply uniforms until the product falls below e^-λ (fine for the rates of a register).
function poissonDraw(random: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let product = random();
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

function percentile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0;
  return a + (h - lo) * (b - a);
}

/** Mean and a few percentiles, from the sorted samples. */
export interface ReferenceStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  probabilityOfLoss: number;
}

function statsOf(samples: Float64Array): ReferenceStats {
  let sum = 0;
  let positive = 0;
  for (const v of samples) {
    sum += v;
    if (v > 0) positive++;
  }
  const sorted = samples.slice().sort();
  return {
    mean: sum / samples.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    probabilityOfLoss: positive / samples.length,
  };
}

/** Simulates the request the plain way: per-scenario and portfolio statistics. */
export function referenceSimulate(
  request: SimulationRequest,
  seed: number,
): { scenarios: ReferenceStats[]; portfolio: ReferenceStats } {
  const random = mulberry32(seed);
  const n = request.iterations;
  const portfolio = new Float64Array(n);
  const scenarios = request.scenarios.map((scenario) => {
    const losses = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const rate = scenario.frequency
        ? draw(random, scenario.frequency)
        : draw(random, scenario.threatEventFrequency ?? { type: 'constant', value: 0 }) *
          draw(random, scenario.vulnerability ?? { type: 'constant', value: 0 });
      const secondaryChance = scenario.secondary ? draw(random, scenario.secondary.probability) : 0;
      let loss = 0;
      if (scenario.aggregation === 'product') {
        const secondary = scenario.secondary
          ? secondaryChance * draw(random, scenario.secondary.magnitude)
          : 0;
        loss = rate * (draw(random, scenario.magnitude) + secondary);
      } else {
        const count = poissonDraw(random, rate);
        for (let k = 0; k < count; k++) {
          loss += draw(random, scenario.magnitude);
          if (scenario.secondary && random() < secondaryChance)
            loss += draw(random, scenario.secondary.magnitude);
        }
      }
      losses[i] = loss;
      portfolio[i] = (portfolio[i] ?? 0) + loss;
    }
    return statsOf(losses);
  });
  return { scenarios, portfolio: statsOf(portfolio) };
}
