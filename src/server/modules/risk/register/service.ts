import type {
  CreateMatrix,
  CreateRisk,
  Risk,
  RiskAction,
  RiskMatrix,
  Treatment,
  UpdateMatrix,
  UpdateRisk,
} from '../../../../contracts/risk.js';
import type { z } from 'zod';
import type {
  createActionBody,
  createAssessmentBody,
  createTreatmentBody,
  updateActionBody,
  updateTreatmentBody,
} from '../../../../contracts/risk.js';
import type { Principal } from '../../../platform/access/principal.js';
import { siteVisible } from '../../../platform/access/scope.js';
import type { AuditContext } from '../../../platform/audit/chain.js';
import { writeAudited, type AppContext, type Audit } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/database.js';
import { nextSequenceValue } from '../../../platform/db/sequences.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { newId, nowIso } from '../../../platform/ids.js';
import { levelOf, toMatrix } from './matrix.js';
import * as repo from './repository.js';
import type { RiskActionsTable, RisksTable, RiskTreatmentsTable } from './tables.js';

const DAY_MS = 86_400_000;
const stale = (what: string) =>
  new AppError('precondition_failed', `The ${what} has changed since you read it; reload it.`);

async function checkSites(tx: Tx, principal: Principal, siteIds: readonly string[]): Promise<void> {
  if (siteIds.length === 0) return;
  const visible = await tx
    .selectFrom('sites')
    .select('id')
    .where('id', 'in', [...siteIds])
    .where(siteVisible('sites.id', principal))
    .execute();
  const known = new Set(visible.map((s) => s.id));
  const missing = siteIds.filter((id) => !known.has(id));
  if (missing.length > 0)
    throw new AppError(
      'validation_failed',
      'Some sites do not exist.',
      missing.map((id) => ({ path: 'siteIds', message: `unknown site ${id}` })),
    );
}

async function checkUser(tx: Tx, userId: string | null | undefined, path: string): Promise<void> {
  if (userId === null || userId === undefined) return;
  const user = await tx
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!user)
    throw new AppError('validation_failed', 'The user does not exist or is disabled.', [
      { path, message: 'unknown user' },
    ]);
}

async function matrixFor(tx: Tx, matrixId: string | undefined): Promise<RiskMatrix> {
  if (matrixId === undefined) return repo.defaultMatrix(tx);
  const row = await tx.selectFrom('risk_matrices').selectAll().where('id', '=', matrixId).executeTakeFirst();
  if (!row)
    throw new AppError('validation_failed', 'The matrix does not exist.', [
      { path: 'matrixId', message: 'unknown matrix' },
    ]);
  return toMatrix(row);
}

/** Builds the stored row of a new risk (also used by import, which may keep a given id and reference). */
async function insertNewRisk(
  tx: Tx,
  record: Audit,
  input: CreateRisk & { id?: string; reference?: string; nextReviewAt?: string },
  matrix: RiskMatrix,
): Promise<RisksTable> {
  const now = nowIso();
  const row: RisksTable = {
    id: input.id ?? newId(),
    reference:
      input.reference ?? `R-${String(await nextSequenceValue(tx, 'risk.reference')).padStart(4, '0')}`,
    title: input.title,
    description: input.description,
    category: input.category,
    status: input.status,
    assets: JSON.stringify(input.assets),
    threat: input.threat,
    vulnerability: input.vulnerability,
    owner_id: input.ownerId ?? null,
    tags: JSON.stringify(input.tags),
    matrix_id: matrix.id,
    review_every_days: input.reviewEveryDays,
    last_reviewed_at: null,
    next_review_at: input.nextReviewAt ?? nowIso(new Date(Date.now() + input.reviewEveryDays * DAY_MS)),
    inherent_likelihood: null,
    inherent_impact: null,
    inherent_at: null,
    residual_likelihood: null,
    residual_impact: null,
    residual_at: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await repo.insertRisk(tx, row, input.siteIds);
  await record({
    action: 'risk.created',
    entityType: 'risk',
    entityId: row.id,
    changes: { reference: row.reference, title: row.title, category: row.category, siteIds: input.siteIds },
  });
  return row;
}

/** Adds a risk scenario to the register. */
export async function createRisk(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreateRisk,
): Promise<Risk> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    await checkSites(tx, principal, input.siteIds);
    await checkUser(tx, input.ownerId, 'ownerId');
    const matrix = await matrixFor(tx, input.matrixId);
    const row = await insertNewRisk(tx, record, input, matrix);
    return repo.toRisk(row, matrix, [...new Set(input.siteIds)].sort());
  });
}

const riskColumns: Record<string, (value: unknown) => Partial<RisksTable>> = {
  title: (v) => ({ title: String(v) }),
  description: (v) => ({ description: String(v) }),
  category: (v) => ({ category: String(v) }),
  status: (v) => ({ status: String(v) }),
  assets: (v) => ({ assets: JSON.stringify(v) }),
  threat: (v) => ({ threat: String(v) }),
  vulnerability: (v) => ({ vulnerability: String(v) }),
  ownerId: (v) => ({ owner_id: typeof v === 'string' ? v : null }),
  tags: (v) => ({ tags: JSON.stringify(v) }),
  reviewEveryDays: (v) => ({ review_every_days: Number(v) }),
};

/** Applies an update inside a transaction (shared by the API and the import). */
async function applyRiskUpdate(
  tx: Tx,
  record: Audit,
  principal: Principal,
  current: RisksTable,
  input: UpdateRisk,
): Promise<Risk> {
  if (input.siteIds) await checkSites(tx, principal, input.siteIds);
  await checkUser(tx, input.ownerId, 'ownerId');
  const before = (await repo.presentRisks(tx, [current]))[0];
  if (!before) throw notFound('Risk');
  const patch: Partial<RisksTable> = { updated_at: nowIso() };
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    const toColumns = riskColumns[field];
    if (!toColumns || value === undefined) continue;
    const previous = (before as Record<string, unknown>)[field];
    if (JSON.stringify(previous) === JSON.stringify(value)) continue;
    Object.assign(patch, toColumns(value));
    changes[field] = [previous, value];
  }
  if (input.reviewEveryDays !== undefined && changes.reviewEveryDays) {
    const from = current.last_reviewed_at ?? current.created_at;
    patch.next_review_at = nowIso(new Date(Date.parse(from) + input.reviewEveryDays * DAY_MS));
  }
  if (!(await repo.updateRiskVersioned(tx, current.id, current.version, patch))) throw stale('risk');
  if (input.siteIds) {
    const next = [...new Set(input.siteIds)].sort();
    if (JSON.stringify(next) !== JSON.stringify(before.siteIds)) changes.siteIds = [before.siteIds, next];
    await repo.replaceRiskSites(tx, current.id, next);
  }
  await record({ action: 'risk.updated', entityType: 'risk', entityId: current.id, changes });
  const updated = await tx
    .selectFrom('risks')
    .selectAll()
    .where('id', '=', current.id)
    .executeTakeFirstOrThrow();
  const [risk] = await repo.presentRisks(tx, [updated]);
  if (!risk) throw notFound('Risk');
  return risk;
}

/** Updates a risk at the version the caller read. */
export async function updateRisk(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateRisk,
): Promise<Risk> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findRisk(tx, principal, id);
    if (!current) throw notFound('Risk');
    if (current.version !== version) throw stale('risk');
    return applyRiskUpdate(tx, record, principal, current, input);
  });
}

/** Records an assessment (kept as history) and makes it the risk's current inherent or residual rating. */
export async function assessRisk(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: z.infer<typeof createAssessmentBody>,
) {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findRisk(tx, principal, id);
    if (!current) throw notFound('Risk');
    const matrix = await matrixFor(tx, current.matrix_id);
    for (const [field, value] of [
      ['likelihood', input.likelihood],
      ['impact', input.impact],
    ] as const) {
      if (value > matrix.size)
        throw new AppError('validation_failed', `This risk's matrix is ${matrix.size}×${matrix.size}.`, [
          { path: field, message: `must be at most ${matrix.size}` },
        ]);
    }
    const at = nowIso();
    const score = input.likelihood * input.impact;
    const row = {
      id: newId(),
      risk_id: id,
      kind: input.kind,
      likelihood: input.likelihood,
      impact: input.impact,
      score,
      level: levelOf(matrix, score).name,
      rationale: input.rationale,
      assessed_by: principal.name,
      assessed_at: at,
    };
    await tx.insertInto('risk_assessments').values(row).execute();
    const patch: Partial<RisksTable> =
      input.kind === 'inherent'
        ? { inherent_likelihood: input.likelihood, inherent_impact: input.impact, inherent_at: at }
        : { residual_likelihood: input.likelihood, residual_impact: input.impact, residual_at: at };
    if (current.status === 'identified') patch.status = 'assessed';
    await tx
      .updateTable('risks')
      .set({ ...patch, updated_at: at, version: current.version + 1 })
      .where('id', '=', id)
      .execute();
    await record({
      action: 'risk.assessed',
      entityType: 'risk',
      entityId: id,
      changes: {
        kind: input.kind,
        likelihood: input.likelihood,
        impact: input.impact,
        score,
        level: row.level,
      },
    });
    return repo.toAssessment(row);
  });
}

/** Marks a risk as reviewed now; the next review is due after its cadence. */
export async function reviewRisk(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  note: string,
): Promise<Risk> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findRisk(tx, principal, id);
    if (!current) throw notFound('Risk');
    const now = new Date();
    const patch = {
      last_reviewed_at: nowIso(now),
      next_review_at: nowIso(new Date(now.getTime() + current.review_every_days * DAY_MS)),
      updated_at: nowIso(now),
      version: current.version + 1,
    };
    await tx.updateTable('risks').set(patch).where('id', '=', id).execute();
    await record({
      action: 'risk.reviewed',
      entityType: 'risk',
      entityId: id,
      changes: { note, nextReviewAt: patch.next_review_at },
    });
    const [risk] = await repo.presentRisks(tx, [{ ...current, ...patch }]);
    if (!risk) throw notFound('Risk');
    return risk;
  });
}

function toAction(row: RiskActionsTable): RiskAction {
  return {
    id: row.id,
    treatmentId: row.treatment_id,
    title: row.title,
    ownerId: row.owner_id,
    dueDate: row.due_date,
    cost: row.cost,
    status: row.status as RiskAction['status'],
    completedAt: row.completed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function toTreatment(row: RiskTreatmentsTable, actions: RiskActionsTable[]): Treatment {
  const mine = actions.filter((a) => a.treatment_id === row.id).map(toAction);
  return {
    id: row.id,
    riskId: row.risk_id,
    strategy: row.strategy as Treatment['strategy'],
    description: row.description,
    status: row.status as Treatment['status'],
    approverId: row.approver_id,
    approvedAt: row.approved_at,
    expiresAt: row.expires_at,
    actions: mine,
    totalCost: mine.filter((a) => a.status !== 'cancelled').reduce((sum, a) => sum + a.cost, 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The treatment plans of a risk with their actions. */
export async function listTreatments(
  ctx: AppContext,
  principal: Principal,
  riskId: string,
): Promise<Treatment[]> {
  const db = ctx.database.db;
  if (!(await repo.findRisk(db, principal, riskId))) throw notFound('Risk');
  const rows = await db
    .selectFrom('risk_treatments')
    .selectAll()
    .where('risk_id', '=', riskId)
    .orderBy('created_at')
    .execute();
  const actions =
    rows.length === 0
      ? []
      : await db
          .selectFrom('risk_actions')
          .selectAll()
          .where(
            'treatment_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('created_at')
          .execute();
  return rows.map((row) => toTreatment(row, actions));
}

async function loadTreatment(tx: Tx, principal: Principal, riskId: string, treatmentId: string) {
  if (!(await repo.findRisk(tx, principal, riskId))) throw notFound('Risk');
  const row = await tx
    .selectFrom('risk_treatments')
    .selectAll()
    .where('id', '=', treatmentId)
    .where('risk_id', '=', riskId)
    .executeTakeFirst();
  if (!row) throw notFound('Treatment');
  return row;
}

async function treatmentWithActions(tx: Tx, row: RiskTreatmentsTable): Promise<Treatment> {
  const actions = await tx
    .selectFrom('risk_actions')
    .selectAll()
    .where('treatment_id', '=', row.id)
    .orderBy('created_at')
    .execute();
  return toTreatment(row, actions);
}

/** Proposes a treatment; the risk moves to "treating". Acceptances need an approver before they count. */
export async function createTreatment(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  riskId: string,
  input: z.infer<typeof createTreatmentBody>,
): Promise<Treatment> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const risk = await repo.findRisk(tx, principal, riskId);
    if (!risk) throw notFound('Risk');
    const now = nowIso();
    const row: RiskTreatmentsTable = {
      id: newId(),
      risk_id: riskId,
      strategy: input.strategy,
      description: input.description,
      status: 'proposed',
      approver_id: null,
      approved_at: null,
      expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('risk_treatments').values(row).execute();
    if (risk.status === 'identified' || risk.status === 'assessed') {
      await tx
        .updateTable('risks')
        .set({ status: 'treating', updated_at: now, version: risk.version + 1 })
        .where('id', '=', riskId)
        .execute();
    }
    await record({
      action: 'risk.treatment_created',
      entityType: 'risk',
      entityId: riskId,
      changes: { treatmentId: row.id, strategy: row.strategy, expiresAt: row.expires_at },
    });
    return toTreatment(row, []);
  });
}

/**
 * Approves a treatment (risk:approve). Approving an acceptance marks the risk "accepted" until the
 * acceptance expires; the approver cannot be the person who proposed it only in the audit sense —
 * the audit log records both.
 */
export async function approveTreatment(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  riskId: string,
  treatmentId: string,
): Promise<Treatment> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await loadTreatment(tx, principal, riskId, treatmentId);
    if (row.status !== 'proposed')
      throw new AppError('conflict', `Only a proposed treatment can be approved; this one is ${row.status}.`);
    if (row.strategy === 'accept' && (!row.expires_at || Date.parse(row.expires_at) <= Date.now())) {
      throw new AppError('validation_failed', 'An acceptance needs a future expiry date.', [
        { path: 'expiresAt', message: 'must be in the future' },
      ]);
    }
    const now = nowIso();
    const patch = {
      status: row.strategy === 'accept' ? 'approved' : 'in_progress',
      approver_id: principal.userId,
      approved_at: now,
      updated_at: now,
      version: row.version + 1,
    };
    await tx.updateTable('risk_treatments').set(patch).where('id', '=', treatmentId).execute();
    if (row.strategy === 'accept')
      await tx
        .updateTable('risks')
        .set({ status: 'accepted', updated_at: now })
        .where('id', '=', riskId)
        .execute();
    await record({
      action: 'risk.treatment_approved',
      entityType: 'risk',
      entityId: riskId,
      changes: { treatmentId, strategy: row.strategy, expiresAt: row.expires_at },
    });
    return treatmentWithActions(tx, { ...row, ...patch });
  });
}

/** Updates a treatment at the version the caller read. */
export async function updateTreatment(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  riskId: string,
  treatmentId: string,
  version: number,
  input: z.infer<typeof updateTreatmentBody>,
): Promise<Treatment> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await loadTreatment(tx, principal, riskId, treatmentId);
    if (row.version !== version) throw stale('treatment');
    const patch: Partial<RiskTreatmentsTable> = { updated_at: nowIso(), version: version + 1 };
    const changes: Record<string, unknown> = {};
    if (input.description !== undefined && input.description !== row.description) {
      patch.description = input.description;
      changes.description = [row.description, input.description];
    }
    if (input.status !== undefined && input.status !== row.status) {
      patch.status = input.status;
      changes.status = [row.status, input.status];
    }
    if (input.expiresAt !== undefined) {
      const expires = new Date(input.expiresAt).toISOString();
      if (Date.parse(expires) <= Date.now())
        throw new AppError('validation_failed', 'The expiry must be in the future.', [
          { path: 'expiresAt', message: 'must be in the future' },
        ]);
      patch.expires_at = expires;
      changes.expiresAt = [row.expires_at, expires];
    }
    await tx.updateTable('risk_treatments').set(patch).where('id', '=', treatmentId).execute();
    await record({
      action: 'risk.treatment_updated',
      entityType: 'risk',
      entityId: riskId,
      changes: { treatmentId, ...changes },
    });
    return treatmentWithActions(tx, { ...row, ...patch });
  });
}

/** Adds an action (owner, due date, cost) to a treatment. */
export async function createAction(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  riskId: string,
  treatmentId: string,
  input: z.infer<typeof createActionBody>,
): Promise<RiskAction> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    await loadTreatment(tx, principal, riskId, treatmentId);
    await checkUser(tx, input.ownerId, 'ownerId');
    const now = nowIso();
    const row: RiskActionsTable = {
      id: newId(),
      treatment_id: treatmentId,
      title: input.title,
      owner_id: input.ownerId ?? null,
      due_date: input.dueDate ?? null,
      cost: input.cost,
      status: 'open',
      completed_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('risk_actions').values(row).execute();
    await record({
      action: 'risk.action_created',
      entityType: 'risk',
      entityId: riskId,
      changes: { actionId: row.id, title: row.title, cost: row.cost, dueDate: row.due_date },
    });
    return toAction(row);
  });
}

/** Updates an action at the version the caller read. */
export async function updateAction(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  riskId: string,
  treatmentId: string,
  actionId: string,
  version: number,
  input: z.infer<typeof updateActionBody>,
): Promise<RiskAction> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    await loadTreatment(tx, principal, riskId, treatmentId);
    const row = await tx
      .selectFrom('risk_actions')
      .selectAll()
      .where('id', '=', actionId)
      .where('treatment_id', '=', treatmentId)
      .executeTakeFirst();
    if (!row) throw notFound('Action');
    if (row.version !== version) throw stale('action');
    await checkUser(tx, input.ownerId, 'ownerId');
    const now = nowIso();
    const patch: Partial<RiskActionsTable> = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.dueDate !== undefined ? { due_date: input.dueDate } : {}),
      ...(input.cost !== undefined ? { cost: input.cost } : {}),
      ...(input.status !== undefined
        ? { status: input.status, completed_at: input.status === 'done' ? now : null }
        : {}),
      updated_at: now,
      version: version + 1,
    };
    await tx.updateTable('risk_actions').set(patch).where('id', '=', actionId).execute();
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    await record({
      action: 'risk.action_updated',
      entityType: 'risk',
      entityId: riskId,
      changes: { actionId, ...changes },
    });
    return toAction({ ...row, ...patch });
  });
}

/**
 * Accepted risks expire back into review: every approved acceptance past its expiry becomes
 * "expired", and its risk returns to "assessed" with its review due now. Run by the scheduler.
 */
export async function expireAcceptances(ctx: AppContext, now = new Date()): Promise<number> {
  const audit: AuditContext = {
    actor: { type: 'system', id: null, label: 'risk acceptance expiry' },
    requestId: null,
  };
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const due = await tx
      .selectFrom('risk_treatments')
      .selectAll()
      .where('strategy', '=', 'accept')
      .where('status', '=', 'approved')
      .where('expires_at', '<=', nowIso(now))
      .execute();
    for (const treatment of due) {
      await tx
        .updateTable('risk_treatments')
        .set({ status: 'expired', updated_at: nowIso(now), version: treatment.version + 1 })
        .where('id', '=', treatment.id)
        .execute();
      await tx
        .updateTable('risks')
        .set({ status: 'assessed', next_review_at: nowIso(now), updated_at: nowIso(now) })
        .where('id', '=', treatment.risk_id)
        .where('status', '=', 'accepted')
        .execute();
      await record({
        action: 'risk.acceptance_expired',
        entityType: 'risk',
        entityId: treatment.risk_id,
        changes: { treatmentId: treatment.id, expiredAt: treatment.expires_at },
      });
    }
    return due.length;
  });
}

/** Risks whose review is overdue (for the reminder job and the register's "overdue" filter). */
export async function overdueReviews(
  ctx: AppContext,
  now = new Date(),
): Promise<{ id: string; reference: string; title: string; ownerId: string | null }[]> {
  const rows = await ctx.database.db
    .selectFrom('risks')
    .select(['id', 'reference', 'title', 'owner_id'])
    .where('next_review_at', '<', nowIso(now))
    .where('status', '!=', 'closed')
    .orderBy('next_review_at')
    .execute();
  return rows.map((r) => ({ id: r.id, reference: r.reference, title: r.title, ownerId: r.owner_id }));
}

/** Creates a matrix; making it the default demotes the previous default. */
export async function createMatrix(
  ctx: AppContext,
  audit: AuditContext,
  input: CreateMatrix,
): Promise<RiskMatrix> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const now = nowIso();
    if (input.isDefault)
      await tx.updateTable('risk_matrices').set({ is_default: 0 }).where('is_default', '=', 1).execute();
    const row = {
      id: newId(),
      name: input.name,
      size: input.size,
      likelihood_labels: JSON.stringify(input.likelihoodLabels),
      impact_labels: JSON.stringify(input.impactLabels),
      levels: JSON.stringify(input.levels),
      appetite_score: input.appetiteScore,
      tolerance_score: input.toleranceScore,
      is_default: input.isDefault ? 1 : 0,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('risk_matrices').values(row).execute();
    await record({
      action: 'risk_matrix.created',
      entityType: 'risk_matrix',
      entityId: row.id,
      changes: { ...input },
    });
    return toMatrix(row);
  });
}

/** Updates a matrix. Its size cannot change once risks are rated on it (their ratings would lose meaning). */
export async function updateMatrix(
  ctx: AppContext,
  audit: AuditContext,
  id: string,
  version: number,
  input: UpdateMatrix,
): Promise<RiskMatrix> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await tx.selectFrom('risk_matrices').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Matrix');
    if (row.version !== version) throw stale('matrix');
    const current = toMatrix(row);
    const merged: RiskMatrix = {
      ...current,
      name: input.name ?? current.name,
      size: input.size ?? current.size,
      likelihoodLabels: input.likelihoodLabels ?? current.likelihoodLabels,
      impactLabels: input.impactLabels ?? current.impactLabels,
      levels: input.levels ?? current.levels,
      appetiteScore: input.appetiteScore ?? current.appetiteScore,
      toleranceScore: input.toleranceScore ?? current.toleranceScore,
      isDefault: input.isDefault ?? current.isDefault,
    };
    if (merged.likelihoodLabels.length !== merged.size || merged.impactLabels.length !== merged.size) {
      throw new AppError(
        'validation_failed',
        `A ${merged.size}×${merged.size} matrix needs ${merged.size} labels on each axis.`,
        [{ path: 'size', message: 'labels do not match the size' }],
      );
    }
    if (merged.appetiteScore > merged.toleranceScore)
      throw new AppError('validation_failed', 'The appetite must not exceed the tolerance.', [
        { path: 'appetiteScore', message: 'must be at most the tolerance' },
      ]);
    if (input.size !== undefined && input.size !== row.size) {
      const used = await tx
        .selectFrom('risks')
        .select('id')
        .where('matrix_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (used)
        throw new AppError(
          'conflict',
          'Risks are rated on this matrix; create a new matrix instead of resizing it.',
        );
    }
    if (input.isDefault === false && row.is_default === 1)
      throw new AppError('conflict', 'Make another matrix the default instead.');
    if (input.isDefault === true)
      await tx.updateTable('risk_matrices').set({ is_default: 0 }).where('is_default', '=', 1).execute();
    const now = nowIso();
    const patch = {
      name: merged.name,
      size: merged.size,
      likelihood_labels: JSON.stringify(merged.likelihoodLabels),
      impact_labels: JSON.stringify(merged.impactLabels),
      levels: JSON.stringify(merged.levels),
      appetite_score: merged.appetiteScore,
      tolerance_score: merged.toleranceScore,
      is_default: merged.isDefault ? 1 : 0,
      updated_at: now,
      version: version + 1,
    };
    await tx.updateTable('risk_matrices').set(patch).where('id', '=', id).execute();
    await record({
      action: 'risk_matrix.updated',
      entityType: 'risk_matrix',
      entityId: id,
      changes: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    });
    return toMatrix({ ...row, ...patch });
  });
}

export { applyRiskUpdate, insertNewRisk, checkSites, checkUser, matrixFor };
