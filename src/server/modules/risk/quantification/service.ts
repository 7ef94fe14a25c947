import { randomInt } from 'node:crypto';
import type { z } from 'zod';
import {
  comparedStatistics,
  exceedanceAt,
  PORTFOLIO_ITERATIONS,
  type Appetite,
  type createQuantificationBody,
  type Portfolio,
  type Quantification,
  type UpdateAppetite,
  type WhatIf,
} from '../../../../contracts/risk.js';
import {
  SIMULATION_MAX_SCENARIOS,
  type SimulationRequest,
  type SimulationResult,
  type SimulationScenario,
} from '../../../../contracts/risk-simulation.js';
import type { Principal } from '../../../platform/access/principal.js';
import type { AuditContext } from '../../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { newId, nowIso } from '../../../platform/ids.js';
import { findRisk } from '../register/repository.js';
import { assertWithinLimits } from '../engine/index.js';
import { SERVER_SIMULATION_LIMITS, simulateForApi } from '../service.js';
import * as repo from './repository.js';
import type { RiskQuantificationsTable } from './tables.js';

/** How a long run reports back: the fraction done, and a signal that stops it when the caller leaves. */
export interface RunControl {
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * The portfolio's seed is fixed: the same stored quantifications always add up to the same curve,
 * so the page does not move between two looks at an unchanged register.
 */
export const PORTFOLIO_SEED = 0x5eed_f00d;

/** A quantification ready to run: the risk is visible and the work is within the server's limits. */
export interface PreparedQuantification {
  riskId: string;
  input: z.output<typeof createQuantificationBody>;
  scenario: SimulationScenario;
  request: SimulationRequest;
}

/**
 * Checks a quantification before it runs (the risk is visible, the work within limits) and fixes its
 * seed, so that these failures answer with their HTTP status even when progress is streamed.
 */
export async function prepareQuantification(
  ctx: AppContext,
  principal: Principal,
  riskId: string,
  input: z.output<typeof createQuantificationBody>,
): Promise<PreparedQuantification> {
  const db = ctx.database.db;
  if (!(await findRisk(db, principal, riskId))) throw notFound('Risk');
  // A proposal re-uses the current run's seed by default: with common random numbers the difference
  // between the two reflects the controls more than the sampling noise.
  const seed =
    input.seed ??
    (input.label === 'proposed'
      ? (await repo.latestQuantification(db, riskId, 'current'))?.seed
      : undefined) ??
    randomInt(0, 2 ** 32);
  // The risk names the scenario; a stored id or name would go stale when the risk is renamed.
  const { id: _id, name: _name, ...scenario } = input.scenario;
  const request: SimulationRequest = { iterations: input.iterations, seed, scenarios: [scenario] };
  assertWithinLimits(request, SERVER_SIMULATION_LIMITS);
  return { riskId, input, scenario, request };
}

/**
 * Runs a prepared quantification and stores inputs, seed and results with who and when. The run
 * happens outside any transaction (it may take seconds); the row is written afterwards, after
 * checking again that the risk is still there and visible.
 */
export async function runQuantification(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  prepared: PreparedQuantification,
  run: RunControl,
): Promise<Quantification> {
  const { riskId, input, scenario, request } = prepared;
  const simulated = await simulateForApi(request, run.signal, run.onProgress);
  const result = simulated.scenarios[0];
  if (!result) throw new Error('the engine answered without the scenario');
  const row: RiskQuantificationsTable = {
    id: newId(),
    risk_id: riskId,
    label: input.label,
    scenario: JSON.stringify(scenario),
    iterations: request.iterations,
    seed: simulated.seed,
    results: JSON.stringify(result),
    control_cost: input.controlCost,
    note: input.note,
    created_by: principal.userId,
    created_by_name: principal.name,
    created_at: nowIso(),
  };
  return writeAudited(ctx.database, audit, async (tx, record) => {
    if (!(await findRisk(tx, principal, riskId))) throw notFound('Risk');
    await repo.insertQuantification(tx, row);
    await record({
      action: 'risk.quantified',
      entityType: 'risk',
      entityId: riskId,
      changes: {
        quantificationId: row.id,
        label: row.label,
        iterations: row.iterations,
        seed: row.seed,
        annualLossMean: result.annualLoss.mean,
        controlCost: row.control_cost,
      },
    });
    return repo.toQuantification(row);
  });
}

/** The quantifications of a visible risk, newest first. */
export async function quantificationHistory(
  ctx: AppContext,
  principal: Principal,
  riskId: string,
): Promise<Quantification[]> {
  const db = ctx.database.db;
  if (!(await findRisk(db, principal, riskId))) throw notFound('Risk');
  return repo.listQuantifications(db, riskId);
}

/** Compares two quantifications of a risk: the loss the controls remove, what they cost, and ROSI. */
export function compare(
  current: Quantification,
  proposed: Quantification,
): NonNullable<WhatIf['comparison']> {
  const currentLoss = current.result.annualLoss;
  const proposedLoss = proposed.result.annualLoss;
  const riskReduction = currentLoss.mean - proposedLoss.mean;
  const controlCost = proposed.controlCost;
  return {
    currentAnnualLoss: currentLoss.mean,
    proposedAnnualLoss: proposedLoss.mean,
    riskReduction,
    riskReductionShare: currentLoss.mean > 0 ? riskReduction / currentLoss.mean : null,
    controlCost,
    netBenefit: riskReduction - controlCost,
    rosi: controlCost > 0 ? (riskReduction - controlCost) / controlCost : null,
    statistics: comparedStatistics.map((statistic) => ({
      statistic,
      current: currentLoss[statistic],
      proposed: proposedLoss[statistic],
    })),
    probabilityOfLoss: {
      current: current.result.probabilityOfLoss,
      proposed: proposed.result.probabilityOfLoss,
    },
  };
}

/** The latest current and latest proposed quantification of a visible risk, compared. */
export async function whatIf(ctx: AppContext, principal: Principal, riskId: string): Promise<WhatIf> {
  const db = ctx.database.db;
  if (!(await findRisk(db, principal, riskId))) throw notFound('Risk');
  const [current, proposed] = await Promise.all([
    repo.latestQuantification(db, riskId, 'current'),
    repo.latestQuantification(db, riskId, 'proposed'),
  ]);
  return { current, proposed, comparison: current && proposed ? compare(current, proposed) : null };
}

// Stored quantifications never change and the seed is fixed, so a portfolio is a pure function of
// the quantification ids: finished runs are kept (a few) and a look at an unchanged register is free.
const PORTFOLIO_CACHE_SIZE = 8;
const portfolioCache = new Map<string, SimulationResult>();

async function simulatePortfolio(request: SimulationRequest, key: string, run: RunControl) {
  const cached = portfolioCache.get(key);
  if (cached) {
    portfolioCache.delete(key);
    portfolioCache.set(key, cached);
    run.onProgress?.(1);
    return cached;
  }
  const result = await simulateForApi(request, run.signal, run.onProgress);
  portfolioCache.set(key, result);
  for (const oldest of portfolioCache.keys()) {
    if (portfolioCache.size <= PORTFOLIO_CACHE_SIZE) break;
    portfolioCache.delete(oldest);
  }
  return result;
}

/** A portfolio ready to run: its members, its request (null when nothing is quantified) and the appetite. */
export interface PreparedPortfolio {
  members: repo.PortfolioMember[];
  unquantified: number;
  appetite: Appetite;
  request: SimulationRequest | null;
}

/**
 * Gathers the register's portfolio: the latest current quantification of every visible open risk
 * (optionally at one site), as one simulation request with a fixed seed, within the server's limits.
 */
export async function preparePortfolio(
  ctx: AppContext,
  principal: Principal,
  query: { siteId?: string | undefined },
): Promise<PreparedPortfolio> {
  const db = ctx.database.db;
  const [{ members, unquantified }, appetite] = await Promise.all([
    repo.portfolioMembers(db, principal, query.siteId),
    repo.readAppetite(db),
  ]);
  if (members.length > SIMULATION_MAX_SCENARIOS)
    throw new AppError(
      'validation_failed',
      `The portfolio holds ${members.length} quantified risks; at most ${SIMULATION_MAX_SCENARIOS} can be simulated at once. Narrow it to a site.`,
      [{ path: 'siteId', message: 'too many risks' }],
    );
  const request: SimulationRequest | null =
    members.length === 0
      ? null
      : {
          iterations: PORTFOLIO_ITERATIONS,
          seed: PORTFOLIO_SEED,
          scenarios: members.map(({ quantification }) => ({
            ...quantification.scenario,
            id: quantification.riskId,
          })),
        };
  if (request) assertWithinLimits(request, SERVER_SIMULATION_LIMITS);
  return { members, unquantified, appetite, request };
}

/**
 * Simulates a prepared portfolio: independent draws per risk, summed per simulated year, read against
 * the organization's loss appetite.
 */
export async function runPortfolio(prepared: PreparedPortfolio, run: RunControl): Promise<Portfolio> {
  const { members, unquantified, appetite, request } = prepared;
  const base = { iterations: PORTFOLIO_ITERATIONS, seed: PORTFOLIO_SEED, appetite, unquantified };
  if (!request) {
    run.onProgress?.(1);
    return { ...base, risks: [], result: null, probabilityAboveAppetite: null };
  }
  const key = JSON.stringify([request.iterations, request.seed, members.map((m) => m.quantification.id)]);
  const simulated = await simulatePortfolio(request, key, run);
  return {
    ...base,
    risks: members.map(({ quantification, reference, title }, index) => {
      const scenario = simulated.scenarios[index];
      if (!scenario) throw new Error('the engine answered without a scenario');
      return {
        riskId: quantification.riskId,
        reference,
        title,
        quantificationId: quantification.id,
        quantifiedAt: quantification.createdAt,
        annualLoss: scenario.annualLoss,
        probabilityOfLoss: scenario.probabilityOfLoss,
      };
    }),
    result: simulated.portfolio,
    probabilityAboveAppetite:
      appetite.annualLossAppetite === null
        ? null
        : exceedanceAt(simulated.portfolio.lossExceedance, appetite.annualLossAppetite),
  };
}

/** Reads the organization's loss appetite. */
export function getAppetite(ctx: AppContext): Promise<Appetite> {
  return repo.readAppetite(ctx.database.db);
}

/** Sets the loss appetite at the version the caller read (risk:configure). */
export async function updateAppetite(
  ctx: AppContext,
  audit: AuditContext,
  version: number,
  input: UpdateAppetite,
): Promise<Appetite> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.readAppetite(tx);
    const next = {
      annualLossAppetite: input.annualLossAppetite,
      currency: input.currency ?? current.currency,
    };
    const at = nowIso();
    if (!(await repo.writeAppetite(tx, version, next, at)))
      throw new AppError(
        'precondition_failed',
        'The loss appetite has changed since you read it; reload it.',
      );
    await record({
      action: 'risk.appetite_updated',
      entityType: 'risk_appetite',
      changes: {
        annualLossAppetite: [current.annualLossAppetite, next.annualLossAppetite],
        currency: [current.currency, next.currency],
      },
    });
    return { ...next, updatedAt: at, version: version + 1 };
  });
}
