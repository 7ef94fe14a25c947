import type { SimulationRequestInput } from '../src/contracts/risk-simulation.js';

/** A small seeded generator so the benchmark portfolio is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (x: number) => Number(x.toPrecision(4));

/**
 * The reference portfolio of the issue: mixed PERT / lognormal estimates, "poisson" aggregation,
 * rates between 0.05 and 50 a year. Most likely rates are log-uniform over that range (a register
 * holds many rare risks and a few frequent ones: mean ≈ 7 loss events a year per scenario);
 * magnitudes are log-uniform between 1,000 and 1,000,000; one scenario in five is given as threat
 * event frequency × vulnerability and one in three has secondary losses.
 */
export function benchmarkPortfolio(
  scenarios: number,
  iterations: number,
  seed = 2024,
): SimulationRequestInput {
  const random = mulberry32(seed);
  const logUniform = (low: number, high: number) => low * Math.pow(high / low, random());
  return {
    iterations,
    seed: 42,
    scenarios: Array.from({ length: scenarios }, (_, i) => {
      const rate = logUniform(0.05, 50);
      const low = round(Math.max(0.05, rate / 3));
      const high = round(Math.min(50, rate * 3));
      const mode = round(Math.min(Math.max(rate, low), high));
      const loss = logUniform(1e3, 1e6);
      const magnitude =
        i % 2 === 0
          ? { type: 'pert' as const, min: round(loss / 10), mode: round(loss), max: round(loss * 20) }
          : { type: 'lognormal' as const, low: round(loss / 5), high: round(loss * 10) };
      const frequency =
        i % 4 < 2
          ? { type: 'pert' as const, min: low, mode, max: high }
          : { type: 'lognormal' as const, low, high };
      const secondary =
        i % 3 === 0
          ? {
              secondary: {
                probability: { type: 'pert' as const, min: 0.05, mode: 0.2, max: 0.5 },
                magnitude: { type: 'lognormal' as const, low: round(loss / 10), high: round(loss * 2) },
              },
            }
          : {};
      const rates =
        i % 5 === 4
          ? {
              threatEventFrequency: {
                type: 'pert' as const,
                min: round(low * 2),
                mode: round(mode * 2),
                max: round(high * 2),
              },
              vulnerability: { type: 'pert' as const, min: 0.3, mode: 0.5, max: 0.7 },
            }
          : { frequency };
      return { id: `R-${i + 1}`, ...rates, magnitude, ...secondary };
    }),
  };
}
