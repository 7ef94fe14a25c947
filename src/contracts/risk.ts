import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery, longText, savedViewSchemas, shortText } from './common.js';
import {
  portfolioResultSchema,
  scenarioResultSchema,
  simulationScenarioSchema,
  simulationStatsSchema,
} from './risk-simulation.js';

export const builtInRiskCategories = [
  'physical',
  'personnel',
  'cyber',
  'operational',
  'reputational',
  'compliance',
] as const;
/** A built-in category or a user-defined one (lower-case words and dashes). */
export const riskCategorySchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9 -]*$/, 'letters, digits, spaces and dashes');

export const riskStatus = z.enum(['identified', 'assessed', 'treating', 'accepted', 'closed']);
export type RiskStatus = z.infer<typeof riskStatus>;
export const ratingKind = z.enum(['inherent', 'residual']);

const level = z.object({
  name: shortText(40),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour'),
  minScore: z.number().int().min(1),
});

export const matrixSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    size: z.number().int(),
    likelihoodLabels: z.array(z.string()),
    impactLabels: z.array(z.string()),
    levels: z.array(level),
    appetiteScore: z.number().int(),
    toleranceScore: z.number().int(),
    isDefault: z.boolean(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'RiskMatrix' });
export type RiskMatrix = z.infer<typeof matrixSchema>;

const matrixFields = z.object({
  name: shortText(100),
  size: z.union([z.literal(3), z.literal(4), z.literal(5)]),
  likelihoodLabels: z.array(shortText(40)).min(3).max(5),
  impactLabels: z.array(shortText(40)).min(3).max(5),
  /** Rating bands by minimum score (likelihood × impact), lowest first. */
  levels: z.array(level).min(2).max(6),
  /** Residual scores above the appetite need treatment; above the tolerance they are unacceptable. */
  appetiteScore: z.number().int().min(1).max(25),
  toleranceScore: z.number().int().min(1).max(25),
  isDefault: z.boolean().default(false),
});

function checkMatrix(
  m: {
    size?: number;
    likelihoodLabels?: string[];
    impactLabels?: string[];
    levels?: { minScore: number }[];
    appetiteScore?: number;
    toleranceScore?: number;
  },
  ctx: z.RefinementCtx,
): void {
  const size = m.size;
  if (size !== undefined) {
    if (m.likelihoodLabels && m.likelihoodLabels.length !== size)
      ctx.addIssue({ code: 'custom', path: ['likelihoodLabels'], message: `needs exactly ${size} labels` });
    if (m.impactLabels && m.impactLabels.length !== size)
      ctx.addIssue({ code: 'custom', path: ['impactLabels'], message: `needs exactly ${size} labels` });
    const max = size * size;
    if (m.appetiteScore !== undefined && m.appetiteScore > max)
      ctx.addIssue({ code: 'custom', path: ['appetiteScore'], message: `must be at most ${max}` });
    if (m.toleranceScore !== undefined && m.toleranceScore > max)
      ctx.addIssue({ code: 'custom', path: ['toleranceScore'], message: `must be at most ${max}` });
  }
  if (m.levels) {
    if (m.levels[0]?.minScore !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['levels', 0, 'minScore'],
        message: 'the first level must start at score 1',
      });
    for (let i = 1; i < m.levels.length; i += 1) {
      if ((m.levels[i]?.minScore ?? 0) <= (m.levels[i - 1]?.minScore ?? 0))
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'minScore'],
          message: 'levels must be in increasing order of minScore',
        });
    }
  }
  if (m.appetiteScore !== undefined && m.toleranceScore !== undefined && m.appetiteScore > m.toleranceScore) {
    ctx.addIssue({ code: 'custom', path: ['appetiteScore'], message: 'must be at most the tolerance' });
  }
}

export const createMatrixBody = matrixFields.superRefine(checkMatrix);
export type CreateMatrix = z.infer<typeof createMatrixBody>;
export const updateMatrixBody = matrixFields
  .partial()
  .superRefine(checkMatrix)
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateMatrix = z.infer<typeof updateMatrixBody>;

export const ratingSchema = z.object({
  likelihood: z.number().int(),
  impact: z.number().int(),
  score: z.number().int(),
  level: z.string(),
  colour: z.string(),
  assessedAt: isoTimeSchema,
});
export type Rating = z.infer<typeof ratingSchema>;

export const riskSchema = z
  .object({
    id: idSchema,
    reference: z.string(),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    status: riskStatus,
    siteIds: z.array(idSchema),
    assets: z.array(z.string()),
    threat: z.string(),
    vulnerability: z.string(),
    ownerId: idSchema.nullable(),
    tags: z.array(z.string()),
    matrixId: idSchema,
    reviewEveryDays: z.number().int(),
    lastReviewedAt: isoTimeSchema.nullable(),
    nextReviewAt: isoTimeSchema,
    reviewOverdue: z.boolean(),
    inherent: ratingSchema.nullable(),
    residual: ratingSchema.nullable(),
    /** Residual (else inherent) score above the matrix's appetite / tolerance. */
    aboveAppetite: z.boolean(),
    aboveTolerance: z.boolean(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Risk' });
export type Risk = z.infer<typeof riskSchema>;

const tagList = z.array(z.string().trim().min(1).max(40)).max(30);
const assetList = z.array(z.string().trim().min(1).max(200)).max(100);

export const createRiskBody = z.object({
  title: shortText(200),
  description: longText(10_000).default(''),
  category: riskCategorySchema,
  status: riskStatus.default('identified'),
  siteIds: z.array(idSchema).max(200).default([]),
  assets: assetList.default([]),
  threat: longText(2000).default(''),
  vulnerability: longText(2000).default(''),
  ownerId: idSchema.nullable().optional(),
  tags: tagList.default([]),
  matrixId: idSchema.optional(),
  reviewEveryDays: z.number().int().min(1).max(3650).default(90),
});
export type CreateRisk = z.infer<typeof createRiskBody>;

export const updateRiskBody = z
  .object({
    title: shortText(200),
    description: longText(10_000),
    category: riskCategorySchema,
    status: riskStatus,
    siteIds: z.array(idSchema).max(200),
    assets: assetList,
    threat: longText(2000),
    vulnerability: longText(2000),
    ownerId: idSchema.nullable(),
    tags: tagList,
    reviewEveryDays: z.number().int().min(1).max(3650),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateRisk = z.infer<typeof updateRiskBody>;

export const riskListQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  category: z.string().max(40).optional(),
  status: riskStatus.optional(),
  siteId: idSchema.optional(),
  ownerId: idSchema.optional(),
  tag: z.string().max(40).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** Heat-map cell: residual (else inherent) likelihood and impact. */
  likelihood: z.coerce.number().int().min(1).max(5).optional(),
  impact: z.coerce.number().int().min(1).max(5).optional(),
  rating: ratingKind.default('residual'),
});
export type RiskListQuery = z.infer<typeof riskListQuery>;

export const assessmentSchema = z
  .object({
    id: idSchema,
    riskId: idSchema,
    kind: ratingKind,
    likelihood: z.number().int(),
    impact: z.number().int(),
    score: z.number().int(),
    level: z.string(),
    rationale: z.string(),
    assessedBy: z.string(),
    assessedAt: isoTimeSchema,
  })
  .meta({ id: 'RiskAssessment' });
export type Assessment = z.infer<typeof assessmentSchema>;
export const createAssessmentBody = z.object({
  kind: ratingKind,
  likelihood: z.number().int().min(1).max(5),
  impact: z.number().int().min(1).max(5),
  rationale: longText(5000).default(''),
});

export const treatmentStrategy = z.enum(['mitigate', 'transfer', 'accept', 'avoid']);
export const treatmentStatus = z.enum([
  'proposed',
  'approved',
  'in_progress',
  'completed',
  'expired',
  'rejected',
]);
export const actionStatus = z.enum(['open', 'in_progress', 'done', 'cancelled']);

export const actionSchema = z
  .object({
    id: idSchema,
    treatmentId: idSchema,
    title: z.string(),
    ownerId: idSchema.nullable(),
    dueDate: z.string().nullable(),
    cost: z.number(),
    status: actionStatus,
    completedAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'RiskAction' });
export type RiskAction = z.infer<typeof actionSchema>;

export const treatmentSchema = z
  .object({
    id: idSchema,
    riskId: idSchema,
    strategy: treatmentStrategy,
    description: z.string(),
    status: treatmentStatus,
    approverId: idSchema.nullable(),
    approvedAt: isoTimeSchema.nullable(),
    expiresAt: isoTimeSchema.nullable(),
    actions: z.array(actionSchema),
    totalCost: z.number(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'RiskTreatment' });
export type Treatment = z.infer<typeof treatmentSchema>;

const dateOnly = z.iso.date();
export const createTreatmentBody = z
  .object({
    strategy: treatmentStrategy,
    description: longText(5000).default(''),
    /** Acceptance must expire: an accepted risk comes back for review on this date. */
    expiresAt: isoTimeSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.strategy === 'accept' && !body.expiresAt)
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'an acceptance needs an expiry date' });
    if (body.expiresAt && Date.parse(body.expiresAt) <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be in the future' });
  });
export const updateTreatmentBody = z
  .object({
    description: longText(5000),
    status: z.enum(['in_progress', 'completed', 'rejected']),
    expiresAt: isoTimeSchema,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export const createActionBody = z.object({
  title: shortText(200),
  ownerId: idSchema.nullable().optional(),
  dueDate: dateOnly.nullable().optional(),
  cost: z.number().min(0).max(1e12).default(0),
});
export const updateActionBody = z
  .object({
    title: shortText(200),
    ownerId: idSchema.nullable(),
    dueDate: dateOnly.nullable(),
    cost: z.number().min(0).max(1e12),
    status: actionStatus,
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');

export const heatmapQuery = z.object({
  rating: ratingKind.default('residual'),
  siteId: idSchema.optional(),
  matrixId: idSchema.optional(),
});
export const heatmapSchema = z.object({
  matrix: matrixSchema,
  rating: ratingKind,
  /** cells[likelihood-1][impact-1] */
  cells: z.array(
    z.array(
      z.object({
        likelihood: z.number().int(),
        impact: z.number().int(),
        score: z.number().int(),
        level: z.string(),
        colour: z.string(),
        count: z.number().int(),
      }),
    ),
  ),
  unrated: z.number().int(),
});

const registerViews = savedViewSchemas(z.record(z.string().max(40), z.string().max(200)));
/** A saved view of the register (its filters, by the register's page-address keys). */
export const savedViewSchema = registerViews.view;
export const createSavedViewBody = registerViews.create;

export const importResultSchema = z.object({ created: z.number().int(), updated: z.number().int() });

/*
 * Stored FAIR quantifications of a risk: one scenario of the simulation contract, run by the engine
 * and kept with its inputs, seed and results, so a result can always be reproduced and explained.
 */

/** "current": the risk as it stands; "proposed": the risk with the controls being considered. */
export const quantificationLabel = z.enum(['current', 'proposed']);
export type QuantificationLabel = z.infer<typeof quantificationLabel>;
/** Iterations of a stored quantification (a per-risk analysis; larger runs belong to the CLI). */
export const QUANTIFICATION_MAX_ITERATIONS = 1_000_000;
export const QUANTIFICATION_DEFAULT_ITERATIONS = 100_000;
/** Years simulated for the portfolio of the register. */
export const PORTFOLIO_ITERATIONS = 100_000;
const money = z.number().min(0).max(1e15);

export const createQuantificationBody = z
  .strictObject({
    label: quantificationLabel,
    scenario: simulationScenarioSchema,
    iterations: z
      .number()
      .int()
      .min(1000)
      .max(QUANTIFICATION_MAX_ITERATIONS)
      .default(QUANTIFICATION_DEFAULT_ITERATIONS),
    /**
     * Same inputs and seed ⇒ the same results. When absent, a proposal reuses the seed of the latest
     * current quantification (common random numbers make the comparison less noisy); else random.
     */
    seed: z.number().int().min(0).max(0xffff_ffff).optional(),
    /** Annual cost of the proposed controls (running cost plus annualized investment). */
    controlCost: money.default(0),
    note: longText(2000).default(''),
  })
  .superRefine((body, ctx) => {
    if (body.label === 'current' && body.controlCost > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['controlCost'],
        message: 'only a proposed quantification has a control cost',
      });
  });
export type CreateQuantification = z.input<typeof createQuantificationBody>;

export const quantificationSchema = z
  .object({
    id: idSchema,
    riskId: idSchema,
    label: quantificationLabel,
    scenario: simulationScenarioSchema,
    iterations: z.number().int(),
    seed: z.number().int(),
    result: scenarioResultSchema,
    controlCost: z.number(),
    note: z.string(),
    createdBy: z.object({ id: idSchema.nullable(), name: z.string() }),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'RiskQuantification' });
export type Quantification = z.infer<typeof quantificationSchema>;

/** The statistics compared side by side in a what-if. */
export const comparedStatistics = ['mean', 'p10', 'p50', 'p90', 'p95', 'p99'] as const;

export const whatIfSchema = z
  .object({
    current: quantificationSchema.nullable(),
    proposed: quantificationSchema.nullable(),
    /** Present when the risk has both a current and a proposed quantification. */
    comparison: z
      .object({
        /** Mean annual loss (annualized loss expectancy) with the current and the proposed controls. */
        currentAnnualLoss: z.number(),
        proposedAnnualLoss: z.number(),
        /** currentAnnualLoss − proposedAnnualLoss. */
        riskReduction: z.number(),
        /** riskReduction / currentAnnualLoss; null when the current loss is zero. */
        riskReductionShare: z.number().nullable(),
        controlCost: z.number(),
        /** riskReduction − controlCost. */
        netBenefit: z.number(),
        /** Return on security investment: (riskReduction − controlCost) / controlCost; null when free. */
        rosi: z.number().nullable(),
        statistics: z.array(
          z.object({ statistic: z.enum(comparedStatistics), current: z.number(), proposed: z.number() }),
        ),
        probabilityOfLoss: z.object({ current: z.number(), proposed: z.number() }),
      })
      .nullable(),
  })
  .meta({ id: 'RiskWhatIf' });
export type WhatIf = z.infer<typeof whatIfSchema>;

export const currencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code');

/** The organization's loss appetite: the annual loss it is prepared to bear, drawn on the portfolio. */
export const appetiteSchema = z
  .object({
    annualLossAppetite: z.number().nullable(),
    currency: z.string(),
    updatedAt: isoTimeSchema.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'RiskAppetite' });
export type Appetite = z.infer<typeof appetiteSchema>;
export const updateAppetiteBody = z.strictObject({
  annualLossAppetite: z.number().gt(0).max(1e15).nullable(),
  currency: currencySchema.optional(),
});
export type UpdateAppetite = z.infer<typeof updateAppetiteBody>;

export const portfolioQuery = z.object({ siteId: idSchema.optional() });
export const portfolioSchema = z
  .object({
    iterations: z.number().int(),
    seed: z.number().int(),
    appetite: appetiteSchema,
    /** The latest current quantification of every visible open risk, simulated together. */
    risks: z.array(
      z.object({
        riskId: idSchema,
        reference: z.string(),
        title: z.string(),
        quantificationId: idSchema,
        quantifiedAt: isoTimeSchema,
        annualLoss: simulationStatsSchema,
        probabilityOfLoss: z.number(),
      }),
    ),
    /** Visible open risks without a current quantification (not in the total). */
    unquantified: z.number().int(),
    /** Null when no risk is quantified yet. */
    result: portfolioResultSchema.nullable(),
    /** P(annual loss > appetite), read off the loss exceedance curve; null without both. */
    probabilityAboveAppetite: z.number().nullable(),
  })
  .meta({ id: 'RiskPortfolio' });
export type Portfolio = z.infer<typeof portfolioSchema>;

/**
 * Progress of a long run, for callers that ask for `Accept: text/event-stream`: `progress` events
 * carry this, then one `result` event carries the answer, or one `error` event a problem.
 */
export const progressEventSchema = z.object({ fraction: z.number().min(0).max(1) });

/**
 * P(annual loss > loss) read off a loss exceedance curve: exact at the curve's points (quantiles of
 * the simulated losses) and, between two points, the value at the lower one — an upper bound that
 * is off by at most the step between the points (1% of the years with a loss in the body of the
 * curve). Interpolating instead would invent probability where losses have an atom (a fixed loss).
 */
export function exceedanceAt(curve: readonly { loss: number; probability: number }[], loss: number): number {
  const first = curve[0];
  if (!first) return 0;
  if (loss < first.loss) return 1;
  let previous = first;
  for (const point of curve.slice(1)) {
    // Engines pad a curve without losses with (0, 0) points; they are not part of the curve.
    if (point.loss < previous.loss || loss < point.loss) break;
    previous = point;
  }
  return previous.probability;
}
