import type { SimulationScenario } from '../../../../contracts/risk-simulation.js';
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

/** Compiles a validated scenario. */
export function compileScenario(scenario: SimulationScenario, index: number): ScenarioModel {
  const sampler = (dist: SimulationScenario['magnitude'] | undefined) => (dist ? Sampler.of(dist) : null);
  return {
    index,
    product: scenario.aggregation === 'product',
    frequency: sampler(scenario.frequency),
    threatEventFrequency: sampler(scenario.threatEventFrequency),
    vulnerability: sampler(scenario.vulnerability),
    magnitude: Sampler.of(scenario.magnitude),
    secondaryProbability: sampler(scenario.secondary?.probability),
    secondaryMagnitude: sampler(scenario.secondary?.magnitude),
  };
}

/** The expected number of loss events a year of a scenario (closed form), for work limits. */
export function expectedLossEvents(scenario: SimulationScenario): number {
  if (scenario.frequency) return distributionMean(scenario.frequency);
  if (scenario.threatEventFrequency && scenario.vulnerability)
    return distributionMean(scenario.threatEventFrequency) * distributionMean(scenario.vulnerability);
  return 0;
}

/**
 * Simulates blocks [firstBlock, endBlock) of one scenario: the annual loss and the loss events of
 * each iteration, written at the iteration's index.
 */
export function simulateBlocks(
  model: ScenarioModel,
  seed: number,
  iterations: number,
  firstBlock: number,
  endBlock: number,
  losses: Float64Array,
  events: Float64Array,
): void {
  const rng = new Xoshiro128();
  const { frequency, threatEventFrequency, vulnerability, magnitude, secondaryProbability, secondaryMagnitude } =
    model;
  for (let block = firstBlock; block < endBlock; block++) {
    rng.reseed(seed, model.index, block);
    const start = block * BLOCK_SIZE;
    const end = Math.min(start + BLOCK_SIZE, iterations);
    for (let i = start; i < end; i++) {
      // The order of draws below is part of the reproducibility contract.
      const rate = frequency
        ? frequency.draw(rng)
        : (threatEventFrequency?.draw(rng) ?? 0) * (vulnerability?.draw(rng) ?? 0);
      const secondaryChance = secondaryProbability ? secondaryProbability.draw(rng) : 0;
      if (model.product) {
        const secondary = secondaryMagnitude ? secondaryChance * secondaryMagnitude.draw(rng) : 0;
        losses[i] = rate * (magnitude.draw(rng) + secondary);
        events[i] = rate;
        continue;
      }
      if (rate > MAX_EVENTS_PER_YEAR) {
        throw new AppError(
          'validation_failed',
          `scenarios[${model.index}]: a simulated year drew a rate of ${rate.toPrecision(3)} loss events, above the limit of ${MAX_EVENTS_PER_YEAR}; the frequency estimate is too wide`,
          [{ path: `scenarios[${model.index}]`, message: 'frequency estimate too wide to simulate' }],
        );
      }
      const count = poisson(rng, rate);
      let loss = 0;
      if (secondaryMagnitude) {
        for (let k = 0; k < count; k++) {
          loss += magnitude.draw(rng);
          if (rng.nextDouble() < secondaryChance) loss += secondaryMagnitude.draw(rng);
        }
      } else {
        for (let k = 0; k < count; k++) loss += magnitude.draw(rng);
      }
      losses[i] = loss;
      events[i] = count;
    }
  }
}
