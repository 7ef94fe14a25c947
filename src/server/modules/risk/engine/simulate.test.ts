import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  SimulationRequestInput,
  SimulationResult,
  SimulationStats,
} from '../../../../contracts/risk-simulation.js';
import { AppError } from '../../../platform/errors.js';
import { distributionMean } from './distributions.js';
import { referenceSimulate } from './reference.js';
import { BLOCK_SIZE } from './scenario.js';
import { assertWithinLimits, parseSimulationRequest, simulate } from './simulate.js';

const run = (input: SimulationRequestInput, threads = 0) =>
  simulate(parseSimulationRequest(input), { threads });

const statKeys = ['min', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'max'] as const;
const everyStat = (stats: SimulationStats) => Object.values(stats);

/** Asserts |actual − expected| is within `sigmas` standard errors of a mean of `n` samples. */
function expectMean(actual: number, expected: number, stdev: number, n: number, sigmas = 4) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    (sigmas * stdev) / Math.sqrt(n) + 1e-12 * Math.abs(expected),
  );
}

describe('FAIR simulation: closed-form values', () => {
  it('constant inputs give exact answers (product and poisson)', async () => {
    const result = await run({
      iterations: 5000,
      seed: 1,
      scenarios: [
        {
          frequency: { type: 'constant', value: 3 },
          magnitude: { type: 'constant', value: 10.1 },
          secondary: {
            probability: { type: 'constant', value: 0.5 },
            magnitude: { type: 'constant', value: 4 },
          },
          aggregation: 'product',
        },
        { frequency: { type: 'constant', value: 0 }, magnitude: { type: 'constant', value: 1000 } },
      ],
    });
    const [product, never] = result.scenarios;
    const loss = 3 * (10.1 + 0.5 * 4);
    for (const value of everyStat(product!.annualLoss).filter((_, i) => i !== 1)) expect(value).toBe(loss);
    expect(product!.annualLoss.stdev).toBe(0);
    expect(product!.probabilityOfLoss).toBe(1);
    expect(product!.lossEvents.mean).toBe(3);
    for (const value of everyStat(never!.annualLoss)) expect(value).toBe(0);
    expect(never!.probabilityOfLoss).toBe(0);
    expect(result.portfolio.annualLoss.mean).toBe(loss);
    expect(result.portfolio.annualLoss.p99).toBe(loss);
  });

  it('poisson with a constant magnitude: every annual loss is exactly count × magnitude', async () => {
    const result = await run({
      iterations: 20_000,
      seed: 7,
      scenarios: [
        { frequency: { type: 'constant', value: 2.5 }, magnitude: { type: 'constant', value: 100 } },
      ],
    });
    const scenario = result.scenarios[0]!;
    for (const key of statKeys)
      expect(scenario.annualLoss[key]).toBe(Math.round(scenario.annualLoss[key] / 100) * 100);
    expect(scenario.annualLoss.mean).toBeCloseTo(100 * scenario.lossEvents.mean, 6);
    expectMean(scenario.lossEvents.mean, 2.5, Math.sqrt(2.5), 20_000);
    expect(scenario.lossEvents.stdev).toBeCloseTo(Math.sqrt(2.5), 1);
    expect(scenario.probabilityOfLoss).toBeCloseTo(1 - Math.exp(-2.5), 2);
  });

  it('compound Poisson mean = E[λ]·E[magnitude], for direct and table samplers, small and large rates', async () => {
    const cases = [
      {
        frequency: { type: 'pert', min: 0.5, mode: 2, max: 6 },
        magnitude: { type: 'lognormal', low: 1000, high: 100000 },
      },
      {
        frequency: { type: 'uniform', min: 20, max: 60 },
        magnitude: { type: 'pert', min: 100, mode: 500, max: 5000 },
      },
      {
        frequency: { type: 'triangular', min: 0, mode: 0.1, max: 0.3 },
        magnitude: { type: 'triangular', min: 10, mode: 20, max: 90 },
      },
      { frequency: { type: 'lognormal', low: 5, high: 40 }, magnitude: { type: 'uniform', min: 1, max: 3 } },
    ] as const;
    const n = 100_000;
    const result = await run({ iterations: n, seed: 3, scenarios: cases.map((c) => ({ ...c })) });
    parseSimulationRequest({ scenarios: cases.map((c) => ({ ...c })) }).scenarios.forEach((c, i) => {
      const stats = result.scenarios[i]!.annualLoss;
      const frequency = c.frequency!;
      expectMean(stats.mean, distributionMean(frequency) * distributionMean(c.magnitude), stats.stdev, n);
      expectMean(
        result.scenarios[i]!.lossEvents.mean,
        distributionMean(frequency),
        result.scenarios[i]!.lossEvents.stdev,
        n,
      );
    });
  });

  it('lognormal low/high are its 5th and 95th percentiles; PERT mean = (min + λ·mode + max)/(λ + 2)', async () => {
    const n = 200_000;
    const result = await run({
      iterations: n,
      seed: 11,
      scenarios: [
        {
          frequency: { type: 'constant', value: 1 },
          magnitude: { type: 'lognormal', low: 2000, high: 50000 },
          aggregation: 'product',
        },
        {
          frequency: { type: 'constant', value: 1 },
          magnitude: { type: 'pert', min: 10, mode: 30, max: 200 },
          aggregation: 'product',
        },
        {
          frequency: { type: 'constant', value: 1 },
          magnitude: { type: 'pert', min: 0, mode: 9, max: 10, lambda: 10 },
          aggregation: 'product',
        },
      ],
    });
    const lognormal = result.scenarios[0]!.annualLoss;
    expect(lognormal.p5 / 2000).toBeCloseTo(1, 1);
    expect(Math.abs(lognormal.p5 / 2000 - 1)).toBeLessThan(0.02);
    expect(Math.abs(lognormal.p95 / 50000 - 1)).toBeLessThan(0.02);
    expect(Math.abs(lognormal.p50 / Math.sqrt(2000 * 50000) - 1)).toBeLessThan(0.02);
    const pert = result.scenarios[1]!.annualLoss;
    expectMean(pert.mean, (10 + 4 * 30 + 200) / 6, pert.stdev, n);
    expect(pert.min).toBeGreaterThanOrEqual(10);
    expect(pert.max).toBeLessThanOrEqual(200);
    const skewed = result.scenarios[2]!.annualLoss;
    expectMean(skewed.mean, (0 + 10 * 9 + 10) / 12, skewed.stdev, n);
  });

  it('product aggregation: loss = LEF × (primary + secondary probability × secondary magnitude), LEF = TEF × vulnerability', async () => {
    const n = 100_000;
    const result = await run({
      iterations: n,
      seed: 5,
      scenarios: [
        {
          threatEventFrequency: { type: 'uniform', min: 2, max: 6 },
          vulnerability: { type: 'pert', min: 0.2, mode: 0.5, max: 0.9 },
          magnitude: { type: 'uniform', min: 100, max: 300 },
          secondary: {
            probability: { type: 'constant', value: 0.5 },
            magnitude: { type: 'constant', value: 1000 },
          },
          aggregation: 'product',
        },
      ],
    });
    const scenario = result.scenarios[0]!;
    const lef = 4 * ((0.2 + 4 * 0.5 + 0.9) / 6);
    expectMean(scenario.lossEvents.mean, lef, scenario.lossEvents.stdev, n);
    expectMean(scenario.annualLoss.mean, lef * (200 + 500), scenario.annualLoss.stdev, n);
    expect(scenario.annualLoss.min).toBeGreaterThanOrEqual(2 * 0.2 * 600 * 0.999);
  });

  it('secondary losses in poisson: each loss event has secondary loss with the drawn probability', async () => {
    const n = 100_000;
    const base = {
      frequency: { type: 'constant', value: 2 },
      magnitude: { type: 'constant', value: 100 },
    } as const;
    const secondary = (p: number) => ({
      probability: { type: 'constant' as const, value: p },
      magnitude: { type: 'constant' as const, value: 1000 },
    });
    const result = await run({
      iterations: n,
      seed: 9,
      scenarios: [
        { ...base, secondary: secondary(0.25) },
        { ...base, secondary: secondary(1) },
        { ...base, secondary: secondary(0) },
      ],
    });
    const [quarter, always, never] = result.scenarios;
    expectMean(quarter!.annualLoss.mean, 2 * (100 + 0.25 * 1000), quarter!.annualLoss.stdev, n);
    expect(always!.annualLoss.mean).toBeCloseTo(1100 * always!.lossEvents.mean, 6);
    expect(never!.annualLoss.mean).toBeCloseTo(100 * never!.lossEvents.mean, 6);
  });

  it('the portfolio is the per-iteration sum of the scenarios', async () => {
    const result = await run({
      iterations: 50_000,
      seed: 21,
      scenarios: [
        {
          frequency: { type: 'pert', min: 1, mode: 3, max: 8 },
          magnitude: { type: 'lognormal', low: 100, high: 1000 },
        },
        {
          frequency: { type: 'constant', value: 0.2 },
          magnitude: { type: 'pert', min: 1000, mode: 3000, max: 20000 },
        },
      ],
    });
    const sum = result.scenarios.reduce((total, s) => total + s.annualLoss.mean, 0);
    expect(result.portfolio.annualLoss.mean).toBeCloseTo(sum, 4);
    expect(result.portfolio.annualLoss.max).toBeLessThanOrEqual(
      result.scenarios.reduce((total, s) => total + s.annualLoss.max, 0),
    );
    expect(result.portfolio.probabilityOfLoss).toBeGreaterThanOrEqual(result.scenarios[0]!.probabilityOfLoss);
  });

  it('agrees with the straightforward reference implementation', async () => {
    const input: SimulationRequestInput = {
      iterations: 100_000,
      seed: 4,
      scenarios: [
        {
          frequency: { type: 'lognormal', low: 0.5, high: 8 },
          magnitude: { type: 'pert', min: 1e3, mode: 1e4, max: 2e5 },
          secondary: {
            probability: { type: 'pert', min: 0.1, mode: 0.3, max: 0.6 },
            magnitude: { type: 'lognormal', low: 100, high: 5e4 },
          },
        },
        {
          threatEventFrequency: { type: 'triangular', min: 1, mode: 5, max: 20 },
          vulnerability: { type: 'uniform', min: 0.1, max: 0.4 },
          magnitude: { type: 'lognormal', mu: 8, sigma: 1 },
        },
      ],
    };
    const engine = await run(input);
    const reference = referenceSimulate(parseSimulationRequest(input), 99);
    engine.scenarios.forEach((scenario, i) => {
      const expected = reference.scenarios[i]!;
      expect(Math.abs(scenario.annualLoss.mean / expected.mean - 1)).toBeLessThan(0.03);
      expect(Math.abs(scenario.annualLoss.p90 / expected.p90 - 1)).toBeLessThan(0.03);
      expect(Math.abs(scenario.probabilityOfLoss - expected.probabilityOfLoss)).toBeLessThan(0.01);
    });
  });
});

describe('FAIR simulation: reproducibility', () => {
  const input: SimulationRequestInput = {
    // More than one unit of work per scenario, and a partial last block.
    iterations: 16 * BLOCK_SIZE + 1234,
    seed: 123456789,
    scenarios: [
      {
        id: 'a',
        name: 'Tailgating',
        frequency: { type: 'pert', min: 0.1, mode: 1, max: 4 },
        magnitude: { type: 'lognormal', low: 1e3, high: 1e5 },
      },
      {
        id: 'b',
        threatEventFrequency: { type: 'uniform', min: 5, max: 15 },
        vulnerability: { type: 'triangular', min: 0.1, mode: 0.2, max: 0.5 },
        magnitude: { type: 'pert', min: 10, mode: 50, max: 900 },
        secondary: {
          probability: { type: 'uniform', min: 0, max: 1 },
          magnitude: { type: 'constant', value: 77 },
        },
      },
      {
        frequency: { type: 'lognormal', mu: 0, sigma: 0.5 },
        magnitude: { type: 'uniform', min: 5, max: 6 },
        aggregation: 'product',
      },
    ],
  };

  it('gives byte-identical JSON on the calling thread and on 1, 2 and 4 workers', async () => {
    const outputs: string[] = [];
    for (const threads of [0, 1, 2, 4]) outputs.push(JSON.stringify(await run(input, threads)));
    for (const output of outputs) expect(output).toBe(outputs[0]);
    const parsed = JSON.parse(outputs[0]!) as SimulationResult;
    expect(parsed.seed).toBe(123456789);
    expect(parsed.scenarios[0]!.id).toBe('a');
    expect(parsed.scenarios[0]!.name).toBe('Tailgating');
    expect(parsed.scenarios[2]).not.toHaveProperty('id');
  });

  it('another seed gives other numbers; without a seed one is chosen and echoed', async () => {
    const small = { ...input, iterations: 2000 };
    const a = await run(small);
    const b = await run({ ...small, seed: 1 });
    expect(b.portfolio.annualLoss.mean).not.toBe(a.portfolio.annualLoss.mean);
    const { seed: _ignored, ...unseeded } = small;
    const chosen = await run(unseeded);
    expect(Number.isInteger(chosen.seed)).toBe(true);
    expect(JSON.stringify(await run({ ...unseeded, seed: chosen.seed }))).toBe(JSON.stringify(chosen));
  });
});

describe('FAIR simulation: validation and limits', () => {
  const valid = {
    scenarios: [{ frequency: { type: 'constant', value: 1 }, magnitude: { type: 'constant', value: 1 } }],
  };
  const lineOf = (input: unknown): string => {
    try {
      parseSimulationRequest(input);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).message;
    }
    throw new Error('expected a validation error');
  };

  it('names the field in one line', () => {
    expect(
      lineOf({
        scenarios: [
          { frequency: { type: 'constant', value: 1 }, magnitude: { type: 'pert', min: 5, mode: 1, max: 3 } },
        ],
      }),
    ).toBe('scenarios[0].magnitude: min must be ≤ mode ≤ max');
    expect(lineOf({ ...valid, iterations: 0 })).toMatch(/^iterations: /);
    expect(lineOf({ ...valid, seed: -1 })).toMatch(/^seed: /);
    expect(lineOf({ scenarios: [] })).toMatch(/^scenarios: /);
    expect(lineOf(null)).toMatch(/^request: /);
    expect(lineOf({ scenarios: [{ magnitude: { type: 'constant', value: 1 } }] })).toBe(
      'scenarios[0]: give either frequency or both threatEventFrequency and vulnerability',
    );
    expect(
      lineOf({
        scenarios: [
          {
            threatEventFrequency: { type: 'constant', value: 1 },
            vulnerability: { type: 'uniform', min: 0, max: 1.5 },
            magnitude: { type: 'constant', value: 1 },
          },
        ],
      }),
    ).toBe('scenarios[0].vulnerability: must lie within [0, 1]');
    expect(
      lineOf({
        scenarios: [
          {
            ...valid.scenarios[0],
            secondary: {
              probability: { type: 'lognormal', low: 0.1, high: 0.5 },
              magnitude: { type: 'constant', value: 1 },
            },
          },
        ],
      }),
    ).toMatch(/^scenarios\[0\]\.secondary\.probability: must lie within \[0, 1\]/);
    expect(
      lineOf({ scenarios: [{ ...valid.scenarios[0], magnitude: { type: 'lognormal', low: 5, high: 1 } }] }),
    ).toBe('scenarios[0].magnitude: low must be < high');
    expect(
      lineOf({ scenarios: [{ ...valid.scenarios[0], magnitude: { type: 'uniform', min: -1, max: 1 } }] }),
    ).toBe('scenarios[0].magnitude: must not be negative');
    expect(
      lineOf({
        scenarios: [
          { ...valid.scenarios[0], magnitude: { type: 'pert', min: 1, mode: 2, max: 3, lamda: 4 } },
        ],
      }),
    ).toMatch(/^scenarios\[0\]\.magnitude: Unrecognized key/);
  });

  it('refuses work above the limits with a clear message', () => {
    const request = parseSimulationRequest({ ...valid, iterations: 1000 });
    expect(() =>
      assertWithinLimits(request, { maxScenarioIterations: 999, maxExpectedLossEvents: 1e12 }),
    ).toThrow(/^iterations: 1000 iterations × 1 scenarios = 1000 exceeds the limit of 999/);
    expect(() =>
      assertWithinLimits(request, { maxScenarioIterations: 1e12, maxExpectedLossEvents: 999 }),
    ).toThrow(/^scenarios: .* expected loss events/);
  });

  it('random invalid input always gets one line naming a field, never another error', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
        for (const input of [
          a,
          { scenarios: [a] },
          { iterations: a, scenarios: [{ frequency: b, magnitude: c }] },
        ]) {
          try {
            parseSimulationRequest(input);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            const message = (error as AppError).message;
            expect(message).not.toContain('\n');
            expect(message).toMatch(/^(request|iterations|seed|scenarios)[^:]*: ./);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

// Valid requests of any shape: every distribution type in every role it may take.
const amount = fc.double({ min: 0, max: 1e6, noNaN: true });
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const sorted3 = (value: fc.Arbitrary<number>) =>
  fc.tuple(value, value, value).map((xs) => [...xs].sort((x, y) => x - y) as [number, number, number]);
const boundedDist = (value: fc.Arbitrary<number>) =>
  fc.oneof(
    value.map((v) => ({ type: 'constant' as const, value: v })),
    sorted3(value).map(([min, , max]) => ({ type: 'uniform' as const, min, max })),
    sorted3(value).map(([min, mode, max]) => ({ type: 'triangular' as const, min, mode, max })),
    fc
      .tuple(sorted3(value), fc.double({ min: 0, max: 50, noNaN: true }))
      .map(([[min, mode, max], lambda]) => ({ type: 'pert' as const, min, mode, max, lambda })),
  );
const positiveDist = fc.oneof(
  boundedDist(amount),
  fc
    .tuple(fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 1.01, max: 100, noNaN: true }))
    .map(([low, ratio]) => ({ type: 'lognormal' as const, low, high: low * ratio })),
  fc
    .tuple(fc.double({ min: -3, max: 8, noNaN: true }), fc.double({ min: 0.01, max: 2, noNaN: true }))
    .map(([mu, sigma]) => ({ type: 'lognormal' as const, mu, sigma })),
);
const rate = fc.oneof(
  boundedDist(fc.double({ min: 0, max: 20, noNaN: true })),
  fc
    .tuple(fc.double({ min: 0.01, max: 2, noNaN: true }), fc.double({ min: 1.01, max: 10, noNaN: true }))
    .map(([low, ratio]) => ({ type: 'lognormal' as const, low, high: low * ratio })),
);
const scenario = fc
  .record(
    {
      id: fc.string({ minLength: 1, maxLength: 10 }),
      frequencyOrTef: fc.oneof(
        rate.map((frequency) => ({ frequency })),
        fc
          .tuple(rate, boundedDist(unit))
          .map(([threatEventFrequency, vulnerability]) => ({ threatEventFrequency, vulnerability })),
      ),
      magnitude: positiveDist,
      secondary: fc.option(fc.record({ probability: boundedDist(unit), magnitude: positiveDist }), {
        nil: undefined,
      }),
      aggregation: fc.constantFrom('poisson' as const, 'product' as const),
    },
    { requiredKeys: ['frequencyOrTef', 'magnitude', 'aggregation'] },
  )
  .map(({ frequencyOrTef, secondary, ...rest }) => ({
    ...rest,
    ...frequencyOrTef,
    ...(secondary ? { secondary } : {}),
  }));

function expectWellFormed(stats: SimulationStats, curve: { loss: number; probability: number }[] | null) {
  for (let i = 1; i < statKeys.length; i++)
    expect(stats[statKeys[i]!]).toBeGreaterThanOrEqual(stats[statKeys[i - 1]!]);
  expect(stats.mean).toBeGreaterThanOrEqual(stats.min);
  expect(stats.mean).toBeLessThanOrEqual(stats.max);
  expect(stats.stdev).toBeGreaterThanOrEqual(0);
  for (const value of everyStat(stats)) expect(Number.isFinite(value)).toBe(true);
  if (!curve) return;
  expect(curve.length).toBeGreaterThanOrEqual(50);
  for (let i = 0; i < curve.length; i++) {
    const point = curve[i]!;
    expect(point.probability).toBeGreaterThanOrEqual(0);
    expect(point.probability).toBeLessThanOrEqual(1);
    if (i > 0) {
      expect(point.loss).toBeGreaterThanOrEqual(curve[i - 1]!.loss);
      expect(point.probability).toBeLessThanOrEqual(curve[i - 1]!.probability);
    }
  }
}

describe('FAIR simulation: properties over random valid requests', () => {
  it('stats are ordered, probabilities within [0, 1], exceedance curves non-increasing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(scenario, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.nat({ max: 0xffffffff }),
        async (scenarios, iterations, seed) => {
          const result = await run({ iterations, seed, scenarios });
          expect(result.scenarios).toHaveLength(scenarios.length);
          for (const s of result.scenarios) {
            expectWellFormed(s.annualLoss, s.lossExceedance);
            expectWellFormed(s.lossEvents, null);
            expect(s.probabilityOfLoss).toBeGreaterThanOrEqual(0);
            expect(s.probabilityOfLoss).toBeLessThanOrEqual(1);
          }
          expectWellFormed(result.portfolio.annualLoss, result.portfolio.lossExceedance);
        },
      ),
      { numRuns: 60 },
    );
  });
});
