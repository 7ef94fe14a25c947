import type { Distribution, SimulationScenario } from '../../../../contracts/risk-simulation.js';
import { AppError } from '../../../platform/errors.js';
import { distributionMean, poisson, Sampler } from './distributions.js';
import { Xoshiro128 } from './random.js';

/**
 * Iterations per random stream. Part of the reproducibility contract: changing it changes every
 * answer for a given seed.
 */
export const BLOCK_SIZE = 16_384;

/**
 * A rate above this many loss events in one simulated year cannot be simulated event by event in
 * reasonable time; only absurdly wide frequency estimates reach it.
 */
export const MAX_EVENTS_PER_YEAR = 1e8;

/** A scenario compiled for simulation. */
export interface ScenarioModel {
  index: number;
  product: boolean;
  frequency: Sampler | null;
  threatEventFrequency: Sampler | null;
  vulnerability: Sampler | null;
  magnitude: Sampler;
  secondaryProbability: Sampler | null;
  secondaryMagnitude: Sampler | null;
}

/** Compiles a validated scenario of a run of `iterations` simulated years. */
export function compileScenario(
  scenario: SimulationScenario,
  index: number,
  iterations: number,
): ScenarioModel {
  const product = scenario.aggregation === 'product';
  const sampler = (dist: Distribution | undefined, draws: number) => (dist ? Sampler.of(dist, draws) : null);
  // Draws per distribution decide which get a table sampler: the magnitudes of a frequent
  // scenario are drawn once per loss event, far more often than once a year.
  const events = product ? iterations : iterations * expectedLossEvents(scenario);
  const secondaryShare = scenario.secondary ? distributionMean(scenario.secondary.probability) : 0;
  return {
    index,
    product,
    frequency: sampler(scenario.frequency, iterations),
    threatEventFrequency: sampler(scenario.threatEventFrequency, iterations),
    vulnerability: sampler(scenario.vulnerability, iterations),
    magnitude: Sampler.of(scenario.magnitude, events),
    secondaryProbability: sampler(scenario.secondary?.probability, iterations),
    secondaryMagnitude: sampler(
      scenario.secondary?.magnitude,
      product ? iterations : events * secondaryShare,
    ),
  };
}

/** The expected number of loss events a year of a scenario (closed form), for work limits. */
export function expectedLossEvents(scenario: SimulationScenario): number {
  if (scenario.frequency) return distributionMean(scenario.frequency);
  if (scenario.threatEventFrequency && scenario.vulnerability)
    return distributionMean(scenario.threatEventFrequency) * distributionMean(scenario.vulnerability);
  return 0;
}

/** Per-thread scratch arrays of one block. */
export class BlockScratch {
  readonly rates = new Float64Array(BLOCK_SIZE);
  readonly chances = new Float64Array(BLOCK_SIZE);
  readonly secondaryCounts = new Float64Array(BLOCK_SIZE);
  readonly primary = new Float64Array(BLOCK_SIZE);
  readonly rng = new Xoshiro128();
}

/**
 * Simulates blocks [firstBlock, endBlock) of one scenario: the annual loss and the loss events of
 * each iteration, written at the iteration's index. Within a block the draws come in a fixed order
 * (all rates, all secondary probabilities, all event counts, all primary losses, then secondary
 * events and their losses): part of the reproducibility contract, like the block size.
 */
export function simulateBlocks(
  model: ScenarioModel,
  seed: number,
  iterations: number,
  firstBlock: number,
  endBlock: number,
  losses: Float64Array,
  events: Float64Array,
  scratch: BlockScratch = new BlockScratch(),
): void {
  const { rates, chances, secondaryCounts, primary, rng } = scratch;
  const {
    frequency,
    threatEventFrequency,
    vulnerability,
    magnitude,
    secondaryProbability,
    secondaryMagnitude,
  } = model;
  for (let block = firstBlock; block < endBlock; block++) {
    rng.reseed(seed, model.index, block);
    const start = block * BLOCK_SIZE;
    const size = Math.min(BLOCK_SIZE, iterations - start);
    // Block-local arrays are indexed from 0; the outputs at start + i.
    if (frequency) frequency.fill(rng, rates, 0, size);
    else if (threatEventFrequency && vulnerability) {
      threatEventFrequency.fill(rng, rates, 0, size);
      vulnerability.multiply(rng, rates, 0, size);
    }
    if (secondaryProbability) secondaryProbability.fill(rng, chances, 0, size);

    if (model.product) {
      magnitude.fill(rng, primary, 0, size);
      if (secondaryMagnitude) secondaryMagnitude.fill(rng, secondaryCounts, 0, size);
      for (let i = 0; i < size; i++) {
        const rate = rates[i] ?? 0;
        const secondary = secondaryMagnitude ? (chances[i] ?? 0) * (secondaryCounts[i] ?? 0) : 0;
        losses[start + i] = rate * ((primary[i] ?? 0) + secondary);
        events[start + i] = rate;
      }
      continue;
    }

    const counts = events.subarray(start, start + size);
    for (let i = 0; i < size; i++) {
      const rate = rates[i] ?? 0;
      if (rate > MAX_EVENTS_PER_YEAR) {
        throw new AppError(
          'validation_failed',
          `scenarios[${model.index}]: a simulated year drew a rate of ${rate.toPrecision(3)} loss events, above the limit of ${MAX_EVENTS_PER_YEAR}; the frequency estimate is too wide`,
          [{ path: `scenarios[${model.index}]`, message: 'frequency estimate too wide to simulate' }],
        );
      }
      counts[i] = poisson(rng, rate);
    }
    const out = losses.subarray(start, start + size);
    out.fill(0);
    magnitude.addSums(rng, counts, out, 0, size);
    if (secondaryMagnitude) {
      thinEvents(rng, counts, chances, secondaryCounts, size);
      secondaryMagnitude.addSums(rng, secondaryCounts, out, 0, size);
    }
  }
}

/** Each loss event has secondary loss with its year's drawn probability: out[i] ~ Binomial(counts[i], chances[i]). */
function thinEvents(
  rng: Xoshiro128,
  counts: Float64Array,
  chances: Float64Array,
  out: Float64Array,
  size: number,
): void {
  for (let i = 0; i < size; i++) {
    const count = counts[i] ?? 0;
    const chance = chances[i] ?? 0;
    // U < p decided on 32 bits: U's first 32 bits below p's settle it, above refute it; only a tie
    // (one chance in 2^32) needs the next bits. Exact, and one random number per event.
    const scaled = chance * 4294967296;
    const whole = Math.floor(scaled);
    const fraction = scaled - whole;
    let secondary = 0;
    for (let k = 0; k < count; k++) {
      const bits = rng.nextInt32() >>> 0;
      if (bits < whole || (bits === whole && rng.nextDouble() < fraction)) secondary++;
    }
    out[i] = secondary;
  }
}
