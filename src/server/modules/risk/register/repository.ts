import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Assessment, Risk, RiskListQuery, RiskMatrix, RiskStatus } from '../../../../contracts/risk.js';
import type { Principal } from '../../../platform/access/principal.js';
import type { Db, Tx } from '../../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../../platform/http/cursor.js';
import { nowIso } from '../../../platform/ids.js';
import { ratingOf, toMatrix } from './matrix.js';
import type { RiskAssessmentsTable, RisksTable } from './tables.js';
import './tables.js';

/**
 * A risk is visible when it is organization-wide (no sites) or concerns at least one site the
 * caller may see. Applied in SQL so hidden risks never reach lists, counts, heat maps or exports.
 */
export function riskVisible(principal: Principal): RawBuilder<SqlBool> {
  if (principal.allSites) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`(not exists (select 1 from risk_sites rs where rs.risk_id = risks.id)
    or exists (select 1 from risk_sites rs where rs.risk_id = risks.id
      and rs.site_id in (select site_id from user_sites where user_id = ${principal.userId})))`;
}

export async function matricesById(db: Tx): Promise<Map<string, RiskMatrix>> {
  const rows = await db.selectFrom('risk_matrices').selectAll().execute();
  return new Map(rows.map((row) => [row.id, toMatrix(row)]));
}

export async function defaultMatrix(db: Tx): Promise<RiskMatrix> {
  const row = await db
    .selectFrom('risk_matrices')
    .selectAll()
    .where('is_default', '=', 1)
    .executeTakeFirstOrThrow();
  return toMatrix(row);
}

export async function sitesOfRisks(db: Tx, riskIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(riskIds.map((id) => [id, []]));
  if (riskIds.length === 0) return map;
  const rows = await db
    .selectFrom('risk_sites')
    .select(['risk_id', 'site_id'])
    .where('risk_id', 'in', riskIds)
    .orderBy('site_id')
    .execute();
  for (const row of rows) map.get(row.risk_id)?.push(row.site_id);
  return map;
}

/** Presents a risk row with its ratings on its matrix and its review state. */
export function toRisk(row: RisksTable, matrix: RiskMatrix, siteIds: string[], now = Date.now()): Risk {
  const inherent = ratingOf(matrix, row.inherent_likelihood, row.inherent_impact, row.inherent_at);
  const residual = ratingOf(matrix, row.residual_likelihood, row.residual_impact, row.residual_at);
  const current = residual ?? inherent;
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    category: row.category,
    status: row.status as RiskStatus,
    siteIds,
    assets: JSON.parse(row.assets) as string[],
    threat: row.threat,
    vulnerability: row.vulnerability,
    ownerId: row.owner_id,
    tags: JSON.parse(row.tags) as string[],
    matrixId: row.matrix_id,
    reviewEveryDays: row.review_every_days,
    lastReviewedAt: row.last_reviewed_at,
    nextReviewAt: row.next_review_at,
    reviewOverdue: row.status !== 'closed' && Date.parse(row.next_review_at) < now,
    inherent,
    residual,
    aboveAppetite: current !== null && current.score > matrix.appetiteScore,
    aboveTolerance: current !== null && current.score > matrix.toleranceScore,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Presents many rows at once (one query for sites, one for matrices). */
export async function presentRisks(db: Tx, rows: RisksTable[]): Promise<Risk[]> {
  const [sites, matrices] = await Promise.all([
    sitesOfRisks(
      db,
      rows.map((r) => r.id),
    ),
    matricesById(db),
  ]);
  return rows.map((row) => {
    const matrix = matrices.get(row.matrix_id);
    if (!matrix) throw new Error(`risk ${row.id} refers to a missing matrix`);
    return toRisk(row, matrix, sites.get(row.id) ?? []);
  });
}

function filtered(db: Db, principal: Principal, query: Omit<RiskListQuery, 'limit' | 'cursor'>) {
  const q = query.q?.trim();
  const likelihoodColumn = query.rating === 'inherent' ? 'inherent_likelihood' : 'residual_likelihood';
  const impactColumn = query.rating === 'inherent' ? 'inherent_impact' : 'residual_impact';
  return db
    .selectFrom('risks')
    .where(riskVisible(principal))
    .$if(query.category !== undefined, (qb) => qb.where('category', '=', query.category ?? ''))
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status ?? ''))
    .$if(query.ownerId !== undefined, (qb) => qb.where('owner_id', '=', query.ownerId ?? ''))
    .$if(query.tag !== undefined, (qb) => qb.where('tags', 'like', `%${JSON.stringify(query.tag ?? '')}%`))
    .$if(query.siteId !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('risk_sites')
            .select('risk_id')
            .whereRef('risk_sites.risk_id', '=', 'risks.id')
            .where('risk_sites.site_id', '=', query.siteId ?? ''),
        ),
      ),
    )
    .$if(query.overdue === 'true', (qb) =>
      qb.where('next_review_at', '<', nowIso()).where('status', '!=', 'closed'),
    )
    .$if(query.likelihood !== undefined, (qb) => qb.where(likelihoodColumn, '=', query.likelihood ?? 0))
    .$if(query.impact !== undefined, (qb) => qb.where(impactColumn, '=', query.impact ?? 0))
    .$if(q !== undefined && q !== '', (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('title', 'like', `%${q}%`),
          eb('description', 'like', `%${q}%`),
          eb('threat', 'like', `%${q}%`),
          eb('vulnerability', 'like', `%${q}%`),
          eb('reference', '=', (q ?? '').toUpperCase()),
        ]),
      ),
    );
}

/** The register, newest first, filtered and scoped. */
export async function listRisks(db: Db, principal: Principal, query: RiskListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await filtered(db, principal, query)
    .selectAll()
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = pageOf(
    rows,
    query.limit,
    (row) => [row.id],
    (row) => row,
  );
  return { items: await presentRisks(db, page.items), nextCursor: page.nextCursor };
}

/** Every visible risk matching the filters (for export and the heat map), oldest first. */
export async function allRisks(
  db: Db,
  principal: Principal,
  query: Omit<RiskListQuery, 'limit' | 'cursor'>,
): Promise<RisksTable[]> {
  return filtered(db, principal, query).selectAll().orderBy('id').execute();
}

export async function findRisk(db: Tx, principal: Principal, id: string): Promise<RisksTable | undefined> {
  return db
    .selectFrom('risks')
    .selectAll()
    .where('id', '=', id)
    .where(riskVisible(principal))
    .executeTakeFirst();
}

export async function insertRisk(tx: Tx, row: RisksTable, siteIds: readonly string[]): Promise<void> {
  await tx.insertInto('risks').values(row).execute();
  await replaceRiskSites(tx, row.id, siteIds);
}

export async function replaceRiskSites(tx: Tx, riskId: string, siteIds: readonly string[]): Promise<void> {
  await tx.deleteFrom('risk_sites').where('risk_id', '=', riskId).execute();
  const unique = [...new Set(siteIds)];
  if (unique.length > 0)
    await tx
      .insertInto('risk_sites')
      .values(unique.map((siteId) => ({ risk_id: riskId, site_id: siteId })))
      .execute();
}

export async function updateRiskVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<RisksTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('risks')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function toAssessment(row: RiskAssessmentsTable): Assessment {
  return {
    id: row.id,
    riskId: row.risk_id,
    kind: row.kind === 'inherent' ? 'inherent' : 'residual',
    likelihood: row.likelihood,
    impact: row.impact,
    score: row.score,
    level: row.level,
    rationale: row.rationale,
    assessedBy: row.assessed_by,
    assessedAt: row.assessed_at,
  };
}

export async function listAssessments(db: Tx, riskId: string): Promise<Assessment[]> {
  const rows = await db
    .selectFrom('risk_assessments')
    .selectAll()
    .where('risk_id', '=', riskId)
    .orderBy('assessed_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toAssessment);
}
