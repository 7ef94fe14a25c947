import { z } from 'zod';

/*
 * FAIR Monte Carlo quantification (Open FAIR): the request and the answer of
 * `POST /api/v1/risk/simulate` and `vigil risk simulate`, which take and return the same JSON.
 */

export const SIMULATION_MAX_ITERATIONS = 10_000_000;
export const SIMULATION_DEFAULT_ITERATIONS = 100_000;
export const SIMULATION_MAX_SCENARIOS = 10_000;
/** Largest magnitude a distribution parameter may have: far above any real loss, far below overflow. */
export const SIMULATION_MAX_VALUE = 1e15;
/** Spreads wider than this make draws overflow and mean nothing as an estimate. */
export const SIMULATION_MAX_SIGMA = 10;
/** z of the 95th percentile of the standard normal: lognormal low/high are its 5th/95th percentiles. */
export const Z95 = 1.6448536269514722;

const value = z.number().min(-SIMULATION_MAX_VALUE).max(SIMULATION_MAX_VALUE);

const constantDist = z.strictObject({ type: z.literal('constant'), value });
const uniformDist = z
  .strictObject({ type: z.literal('uniform'), min: value, max: value })
  .refine((d) => d.min <= d.max, 'min must be ≤ max');
const triangularDist = z
  .strictObject({ type: z.literal('triangular'), min: value, mode: value, max: value })
  .refine((d) => d.min <= d.mode && d.mode <= d.max, 'min must be ≤ mode ≤ max');
const pertDist = z
  .strictObject({
    type: z.literal('pert'),
    min: value,
    mode: value,
    max: value,
    /** Weight of the mode (modified PERT); 4 is the classic PERT. */
    lambda: z.number().min(0).max(1000).default(4),
  })
  .refine((d) => d.min <= d.mode && d.mode <= d.max, 'min must be ≤ mode ≤ max');
const lognormalDist = z
  .strictObject({
    type: z.literal('lognormal'),
    /** 5th percentile (with high); or give mu and sigma of the underlying normal. */
    low: z.number().gt(0).max(SIMULATION_MAX_VALUE).optional(),
    /** 95th percentile. */
    high: z.number().gt(0).max(SIMULATION_MAX_VALUE).optional(),
    mu: z.number().min(-100).max(100).optional(),
    sigma: z.number().gt(0).max(SIMULATION_MAX_SIGMA).optional(),
  })
  .superRefine((d, ctx) => {
    const percentiles = d.low !== undefined || d.high !== undefined;
    const parameters = d.mu !== undefined || d.sigma !== undefined;
    if (percentiles === parameters || (percentiles && (d.low === undefined || d.high === undefined))) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either low and high (5th/95th percentiles) or mu and sigma',
      });
    } else if (parameters && (d.mu === undefined || d.sigma === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give both mu and sigma' });
    } else if (percentiles && d.low !== undefined && d.high !== undefined) {
      if (d.low >= d.high) ctx.addIssue({ code: 'custom', message: 'low must be < high' });
      else if (Math.log(d.high / d.low) / (2 * Z95) > SIMULATION_MAX_SIGMA)
        ctx.addIssue({
          code: 'custom',
          message: `high/low is too wide (sigma would exceed ${SIMULATION_MAX_SIGMA})`,
        });
    }
  });

/** A calibrated estimate: a probability distribution of a FAIR factor. */
export const distributionSchema = z
  .discriminatedUnion('type', [constantDist, uniformDist, triangularDist, pertDist, lognormalDist])
  .meta({ id: 'Distribution' });
export type Distribution = z.infer<typeof distributionSchema>;

/** The smallest and largest value a distribution can draw (lognormal: (0, ∞)). */
export function distributionSupport(dist: Distribution): { min: number; max: number } {
  switch (dist.type) {
    case 'constant':
      return { min: dist.value, max: dist.value };
    case 'lognormal':
      return { min: 0, max: Number.POSITIVE_INFINITY };
    default:
      return { min: dist.min, max: dist.max };
  }
}

export const aggregationSchema = z.enum(['poisson', 'product']);
export type Aggregation = z.infer<typeof aggregationSchema>;

export const simulationScenarioSchema = z
  .strictObject({
    id: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(500).optional(),
    /** Loss event frequency (events a year); or give threatEventFrequency and vulnerability. */
    frequency: distributionSchema.optional(),
    threatEventFrequency: distributionSchema.optional(),
    /** Probability that a threat event becomes a loss event, within [0, 1]. */
    vulnerability: distributionSchema.optional(),
    /** Primary loss of one loss event. */
    magnitude: distributionSchema,
    secondary: z
      .strictObject({
        /** Probability that a loss event also causes secondary loss, within [0, 1]. */
        probability: distributionSchema,
        magnitude: distributionSchema,
      })
      .optional(),
    aggregation: aggregationSchema.default('poisson'),
  })
  .superRefine((scenario, ctx) => {
    const hasTef = scenario.threatEventFrequency !== undefined;
    const hasVulnerability = scenario.vulnerability !== undefined;
    if (scenario.frequency !== undefined ? hasTef || hasVulnerability : !(hasTef && hasVulnerability)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either frequency or both threatEventFrequency and vulnerability',
      });
      return;
    }
    const nonNegative = (dist: Distribution | undefined, path: (string | number)[]) => {
      if (dist && distributionSupport(dist).min < 0)
        ctx.addIssue({ code: 'custom', path, message: 'must not be negative' });
    };
    const probability = (dist: Distribution | undefined, path: (string | number)[]) => {
      if (!dist) return;
      const { min, max } = distributionSupport(dist);
      if (min < 0 || max > 1)
        ctx.addIssue({
          code: 'custom',
          path,
          message:
            dist.type === 'lognormal'
              ? 'must lie within [0, 1]; a lognormal is unbounded, use pert, triangular, uniform or constant'
              : 'must lie within [0, 1]',
        });
    };
    nonNegative(scenario.frequency, ['frequency']);
    nonNegative(scenario.threatEventFrequency, ['threatEventFrequency']);
    probability(scenario.vulnerability, ['vulnerability']);
    nonNegative(scenario.magnitude, ['magnitude']);
    probability(scenario.secondary?.probability, ['secondary', 'probability']);
    nonNegative(scenario.secondary?.magnitude, ['secondary', 'magnitude']);
  })
  .meta({ id: 'SimulationScenario' });
export type SimulationScenario = z.infer<typeof simulationScenarioSchema>;

export const simulationRequestSchema = z
  .strictObject({
    iterations: z.number().int().min(1).max(SIMULATION_MAX_ITERATIONS).default(SIMULATION_DEFAULT_ITERATIONS),
    /** Same request and seed ⇒ byte-identical answer. Chosen at random (and echoed) when absent. */
    seed: z.number().int().min(0).max(0xffff_ffff).optional(),
    scenarios: z.array(simulationScenarioSchema).min(1).max(SIMULATION_MAX_SCENARIOS),
  })
  .meta({ id: 'SimulationRequest' });
/** A request as sent (defaults optional). */
export type SimulationRequestInput = z.input<typeof simulationRequestSchema>;
/** A validated request (defaults applied). */
export type SimulationRequest = z.infer<typeof simulationRequestSchema>;

export const simulationStatsSchema = z
  .object({
    mean: z.number(),
    stdev: z.number(),
    min: z.number(),
    max: z.number(),
    p5: z.number(),
    p10: z.number(),
    p25: z.number(),
    p50: z.number(),
    p75: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
  })
  .meta({ id: 'SimulationStats' });
export type SimulationStats = z.infer<typeof simulationStatsSchema>;

/** A point of a loss exceedance curve: the probability that the annual loss exceeds `loss`. */
export const exceedancePointSchema = z.object({ loss: z.number(), probability: z.number() });
export type ExceedancePoint = z.infer<typeof exceedancePointSchema>;

export const scenarioResultSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    annualLoss: simulationStatsSchema,
    /** Loss events a year ("poisson": the drawn count; "product": the drawn loss event frequency). */
    lossEvents: simulationStatsSchema,
    /** P(annual loss > 0). */
    probabilityOfLoss: z.number(),
    lossExceedance: z.array(exceedancePointSchema),
  })
  .meta({ id: 'ScenarioResult' });
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export const portfolioResultSchema = z
  .object({
    annualLoss: simulationStatsSchema,
    probabilityOfLoss: z.number(),
    lossExceedance: z.array(exceedancePointSchema),
  })
  .meta({ id: 'PortfolioResult' });
export type PortfolioResult = z.infer<typeof portfolioResultSchema>;

export const simulationResultSchema = z
  .object({
    iterations: z.number().int(),
    seed: z.number().int(),
    scenarios: z.array(scenarioResultSchema),
    /** The per-iteration sum over the scenarios (independent draws). */
    portfolio: portfolioResultSchema,
  })
  .meta({ id: 'SimulationResult' });
export type SimulationResult = z.infer<typeof simulationResultSchema>;

/** `scenarios[0].magnitude` from a Zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
