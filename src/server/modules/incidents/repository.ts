import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';
import { roleSchema, rolePermissions, roles } from '../../../contracts/access.js';
import type { Actor } from '../../platform/audit/chain.js';
import {
  assetSchema,
  rootCauseSchema,
  vehicleSchema,
  dispositionSchema,
  incidentStatusSchema,
  severitySchema,
  type CaseWorker,
  type Incident,
  type IncidentListQuery,
  type IncidentMetrics,
  type WorkItem,
} from '../../../contracts/incidents.js';
import type { ListPage } from '../../../contracts/common.js';
import type { Principal } from '../../platform/access/principal.js';
import type { Db, Dialect, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { newId } from '../../platform/ids.js';
import { incidentVisible } from './policy.js';
import type {
  IncidentsTable,
  IncidentTimelineTable,
  IncidentWorkItemsTable,
  IncidentReferralsTable,
} from './tables.js';
import './tables.js';

/** An incident row with the names of its reporter and assignee. */
export type IncidentRow = IncidentsTable & { reporter_name: string | null; assignee_name: string | null };

const assets = z.array(assetSchema);
const vehicles = z.array(vehicleSchema);

function parseJson<T>(schema: z.ZodType<T>, text: string, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Presents an incident row. */
export function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind === 'concern' ? 'concern' : 'incident',
    title: row.title,
    description: row.description,
    type: row.type,
    severity: severitySchema.catch('medium').parse(row.severity),
    status: incidentStatusSchema.catch('new').parse(row.status),
    occurredAt: row.occurred_at,
    siteId: row.site_id,
    location: row.location,
    confidential: row.confidential === 1,
    anonymous: row.anonymous === 1,
    reportedBy: row.reported_by ? { id: row.reported_by, name: row.reporter_name ?? '' } : null,
    assignedTo: row.assigned_to ? { id: row.assigned_to, name: row.assignee_name ?? '' } : null,
    assets: parseJson(assets, row.assets, []),
    vehicles: parseJson(vehicles, row.vehicles, []),
    findings: row.findings,
    rootCause: row.root_cause === null ? null : rootCauseSchema.catch('other').parse(row.root_cause),
    disposition:
      row.disposition === null ? null : dispositionSchema.catch('inconclusive').parse(row.disposition),
    dispositionNote: row.disposition_note,
    mergedInto: row.merged_into,
    legalHold:
      row.legal_hold_reason !== null && row.legal_hold_since !== null
        ? { reason: row.legal_hold_reason, since: row.legal_hold_since }
        : null,
    sla: {
      triageDueAt: row.triage_due_at,
      triageWarnAt: row.triage_warn_at,
      triageWarned: row.triage_warned === 1,
      triageBreached: row.triage_breached === 1,
      resolveDueAt: row.resolve_due_at,
      resolveWarnAt: row.resolve_warn_at,
      resolveWarned: row.resolve_warned === 1,
      resolveBreached: row.resolve_breached === 1,
    },
    triagedAt: row.triaged_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function selectIncidents(db: Tx) {
  return db
    .selectFrom('incidents')
    .leftJoin('users as reporter', 'reporter.id', 'incidents.reported_by')
    .leftJoin('users as assignee', 'assignee.id', 'incidents.assigned_to')
    .selectAll('incidents')
    .select(['reporter.name as reporter_name', 'assignee.name as assignee_name']);
}

/** An incident the principal may know of, or undefined (then the caller answers 404). */
export async function findIncident(
  db: Tx,
  principal: Principal,
  id: string,
): Promise<IncidentRow | undefined> {
  return selectIncidents(db)
    .where('incidents.id', '=', id)
    .where(incidentVisible(principal))
    .executeTakeFirst();
}

/** An incident regardless of scope: for the system (jobs, anonymous follow-ups), never for a user. */
export async function findIncidentUnscoped(db: Tx, id: string): Promise<IncidentRow | undefined> {
  return selectIncidents(db).where('incidents.id', '=', id).executeTakeFirst();
}

export async function findIncidentByReference(
  db: Tx,
  reference: string,
): Promise<IncidentsTable | undefined> {
  return db.selectFrom('incidents').selectAll().where('reference', '=', reference).executeTakeFirst();
}

/** Words of a search, letters and digits only, so no query syntax ever reaches the database. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10);
}

/** The start of a `from` bound and the end of a `to` bound, for dates or instants. */
function bound(value: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return end ? `${value}T23:59:59.999Z` : `${value}T00:00:00.000Z`;
  return new Date(value).toISOString();
}

type Filters = Omit<IncidentListQuery, 'limit' | 'cursor'>;

const REFERENCE = /^(INC|CON)-[0-9A-Z]{5}-[0-9A-Z]{5}$/;

/** The visible incidents matching the filters, newest first; with `q`, only those whose text matches. */
export async function listIncidents(
  db: Db,
  dialect: Dialect,
  principal: Principal,
  query: IncidentListQuery,
): Promise<ListPage<Incident>> {
  const conditions = filterConditions(principal, query);
  const reference = query.q?.trim().toUpperCase();
  if (reference && REFERENCE.test(reference)) {
    // A case reference typed into the search box finds that case (within the caller's view).
    let qb = selectIncidents(db).where('incidents.reference', '=', reference);
    for (const condition of conditions) qb = qb.where(condition);
    const rows = await qb.limit(1).execute();
    return pageOf(rows, query.limit, (row) => [row.id], toIncident);
  }
  const terms = searchTerms(query.q);
  const dated = query.from !== undefined || query.to !== undefined;
  if (terms.length === 0 && dated) {
    // A period is listed by the date incidents are dated by, newest first: the (event_at, id)
    // index then both selects and orders, however far back the period lies.
    const cursor = decodeCursor(query.cursor, 2);
    let qb = selectIncidents(db);
    for (const condition of conditions) qb = qb.where(condition);
    const rows = await qb
      // A row-value comparison, so the index range starts right at the cursor.
      .$if(cursor !== undefined, (q) =>
        q
          .where('incidents.event_at', '<=', String(cursor?.[0]))
          .where(
            sql<SqlBool>`(incidents.event_at, incidents.id) < (${String(cursor?.[0])}, ${String(cursor?.[1])})`,
          ),
      )
      .orderBy('incidents.event_at', 'desc')
      .orderBy('incidents.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return pageOf(rows, query.limit, (row) => [row.event_at, row.id], toIncident);
  }
  const after = decodeCursor(query.cursor, 1)?.[0];
  if (terms.length === 0) {
    let qb = selectIncidents(db);
    for (const condition of conditions) qb = qb.where(condition);
    const rows = await qb
      .$if(after !== undefined, (q) => q.where('incidents.id', '<', String(after)))
      .orderBy('incidents.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return pageOf(rows, query.limit, (row) => [row.id], toIncident);
  }
  // Search results come newest first by search-row id (assigned in creation order), so the
  // full-text index itself walks them in order and stops at the page size (FTS5 on SQLite);
  // PostgreSQL matches through the GIN index on the tsvector. Both use the same words (AND).
  if (dialect === 'sqlite') {
    let qb = db
      .selectFrom('incident_search_fts')
      .innerJoin('incident_search as s', 's.id', 'incident_search_fts.rowid')
      .innerJoin('incidents', 'incidents.id', 's.incident_id')
      .leftJoin('users as reporter', 'reporter.id', 'incidents.reported_by')
      .leftJoin('users as assignee', 'assignee.id', 'incidents.assigned_to')
      .selectAll('incidents')
      .select(['reporter.name as reporter_name', 'assignee.name as assignee_name', 's.id as search_id'])
      .where(sql<SqlBool>`incident_search_fts match ${terms.map((term) => `"${term}"`).join(' ')}`);
    for (const condition of conditions) qb = qb.where(condition);
    const rows = await qb
      .$if(after !== undefined, (q) => q.where('incident_search_fts.rowid', '<', Number(after)))
      .orderBy('incident_search_fts.rowid', 'desc')
      .limit(query.limit + 1)
      .execute();
    return pageOf(rows, query.limit, (row) => [row.search_id], toIncident);
  }
  let qb = selectIncidents(db)
    .innerJoin('incident_search as s', 's.incident_id', 'incidents.id')
    .select('s.id as search_id')
    .where(sql<SqlBool>`s.tsv @@ to_tsquery('simple', ${terms.join(' & ')})`);
  for (const condition of conditions) qb = qb.where(condition);
  const rows = await qb
    .$if(after !== undefined, (q) => q.where('s.id', '<', Number(after)))
    .orderBy('s.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.search_id], toIncident);
}

/** Visibility and the list filters as SQL conditions on `incidents`, for any query shape. */
function filterConditions(principal: Principal, query: Filters): RawBuilder<SqlBool>[] {
  const column = (name: string) => sql.ref(`incidents.${name}`);
  const conditions = [incidentVisible(principal)];
  const equal: [keyof Filters, string][] = [
    ['status', 'status'],
    ['type', 'type'],
    ['severity', 'severity'],
    ['siteId', 'site_id'],
    ['kind', 'kind'],
    ['assignedTo', 'assigned_to'],
  ];
  for (const [field, name] of equal) {
    const value = query[field];
    if (value !== undefined) conditions.push(sql<SqlBool>`${column(name)} = ${value}`);
  }
  if (query.from !== undefined)
    conditions.push(sql<SqlBool>`${column('event_at')} >= ${bound(query.from, false)}`);
  if (query.to !== undefined)
    conditions.push(sql<SqlBool>`${column('event_at')} <= ${bound(query.to, true)}`);
  return conditions;
}

/** Every visible incident matching the filters, page by page (for CSV export). */
export async function* iterateIncidents(
  db: Db,
  dialect: Dialect,
  principal: Principal,
  filters: Filters,
  pageSize = 1000,
): AsyncGenerator<Incident> {
  let cursor: string | undefined;
  for (;;) {
    const page = await listIncidents(db, dialect, principal, { ...filters, limit: pageSize, cursor });
    yield* page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

export async function insertIncident(tx: Tx, row: IncidentsTable): Promise<void> {
  await tx.insertInto('incidents').values(row).execute();
  await tx
    .insertInto('incident_search')
    .values({ incident_id: row.id, title: row.title, description: row.description, notes: '' })
    .execute();
}

/** Applies a change when the version still matches; false when someone changed the case first. */
export async function updateIncidentVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<IncidentsTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('incidents')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Applies a command's change and bumps the version (commands are serialised by the transaction). */
export async function updateIncident(
  tx: Tx,
  id: string,
  patch: Partial<Omit<IncidentsTable, 'id' | 'version'>>,
): Promise<void> {
  await tx
    .updateTable('incidents')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .execute();
}

/** The case and the cases merged into it: their notes and timelines read as one. */
export async function familyIds(db: Tx, id: string): Promise<string[]> {
  const merged = await db.selectFrom('incidents').select('id').where('merged_into', '=', id).execute();
  return [id, ...merged.map((row) => row.id)];
}

/** Rewrites the search text of a case: its title, description and the notes of its family. */
export async function reindexIncident(tx: Tx, id: string): Promise<void> {
  const incident = await tx
    .selectFrom('incidents')
    .select(['title', 'description'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!incident) return;
  const notes = await tx
    .selectFrom('incident_notes')
    .select('body')
    .where('incident_id', 'in', await familyIds(tx, id))
    .orderBy('id')
    .execute();
  await tx
    .updateTable('incident_search')
    .set({
      title: incident.title,
      description: incident.description,
      notes: notes.map((n) => n.body).join('\n'),
    })
    .where('incident_id', '=', id)
    .execute();
}

/** Appends the text of a new note to a case's search entry. */
export async function appendNoteToSearch(tx: Tx, id: string, body: string): Promise<void> {
  await tx
    .updateTable('incident_search')
    .set({ notes: sql<string>`case when notes = '' then ${body} else notes || ${'\n'} || ${body} end` })
    .where('incident_id', '=', id)
    .execute();
}

// ---- timeline ----------------------------------------------------------------------------------

export interface TimelineInput {
  incidentId: string;
  actor: Actor;
  kind: string;
  summary: string;
  data?: Record<string, unknown>;
  /** Defaults to now; anonymous reporters' entries carry the day only. */
  at: string;
  id?: string;
}

export async function appendTimeline(tx: Tx, input: TimelineInput): Promise<void> {
  const row: IncidentTimelineTable = {
    id: input.id ?? newId(),
    incident_id: input.incidentId,
    at: input.at,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    actor_label: input.actor.label,
    kind: input.kind,
    summary: input.summary,
    data: JSON.stringify(input.data ?? {}),
  };
  await tx.insertInto('incident_timeline').values(row).execute();
}

export async function listTimeline(db: Tx, id: string) {
  const ids = await familyIds(db, id);
  return db
    .selectFrom('incident_timeline')
    .innerJoin('incidents', 'incidents.id', 'incident_timeline.incident_id')
    .selectAll('incident_timeline')
    .select('incidents.reference')
    .where('incident_timeline.incident_id', 'in', ids)
    .orderBy('incident_timeline.at')
    .orderBy('incident_timeline.id')
    .execute();
}

// ---- members and exclusions -----------------------------------------------------------------

export async function listMembers(db: Tx, id: string) {
  return db
    .selectFrom('incident_members')
    .innerJoin('users', 'users.id', 'incident_members.user_id')
    .select(['incident_members.user_id', 'users.name', 'incident_members.added_at'])
    .where('incident_members.incident_id', '=', id)
    .orderBy('incident_members.added_at')
    .execute();
}

export async function isMember(db: Tx, id: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('incident_members')
    .select('user_id')
    .where('incident_id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function addMember(tx: Tx, id: string, userId: string, by: string | null, at: string) {
  if (await isMember(tx, id, userId)) return false;
  await tx
    .insertInto('incident_members')
    .values({ incident_id: id, user_id: userId, added_at: at, added_by: by })
    .execute();
  return true;
}

export async function removeMember(tx: Tx, id: string, userId: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('incident_members')
    .where('incident_id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listExclusions(db: Tx, id: string) {
  return db
    .selectFrom('incident_exclusions')
    .innerJoin('users', 'users.id', 'incident_exclusions.user_id')
    .select([
      'incident_exclusions.user_id',
      'users.name',
      'incident_exclusions.reason',
      'incident_exclusions.added_at',
    ])
    .where('incident_exclusions.incident_id', '=', id)
    .orderBy('incident_exclusions.added_at')
    .execute();
}

export async function isExcluded(db: Tx, id: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('incident_exclusions')
    .select('user_id')
    .where('incident_id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function addExclusion(
  tx: Tx,
  row: { incident_id: string; user_id: string; reason: string; added_at: string; added_by: string | null },
): Promise<boolean> {
  if (await isExcluded(tx, row.incident_id, row.user_id)) return false;
  await tx.insertInto('incident_exclusions').values(row).execute();
  return true;
}

export async function removeExclusion(tx: Tx, id: string, userId: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('incident_exclusions')
    .where('incident_id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- people, notes, work items, referrals -------------------------------------------------------

export async function listPeople(db: Tx, id: string) {
  return db.selectFrom('incident_people').selectAll().where('incident_id', '=', id).orderBy('id').execute();
}

export async function listNotes(db: Tx, id: string) {
  return db
    .selectFrom('incident_notes')
    .selectAll()
    .where('incident_id', 'in', await familyIds(db, id))
    .orderBy('id')
    .execute();
}

export async function listWorkItems(db: Tx, id: string, kind: 'task' | 'action') {
  return db
    .selectFrom('incident_work_items')
    .leftJoin('users', 'users.id', 'incident_work_items.owner_id')
    .selectAll('incident_work_items')
    .select('users.name as owner_name')
    .where('incident_work_items.incident_id', '=', id)
    .where('incident_work_items.kind', '=', kind)
    .orderBy('incident_work_items.id')
    .execute();
}

export async function findWorkItem(db: Tx, incidentId: string, kind: 'task' | 'action', itemId: string) {
  return db
    .selectFrom('incident_work_items')
    .leftJoin('users', 'users.id', 'incident_work_items.owner_id')
    .selectAll('incident_work_items')
    .select('users.name as owner_name')
    .where('incident_work_items.incident_id', '=', incidentId)
    .where('incident_work_items.kind', '=', kind)
    .where('incident_work_items.id', '=', itemId)
    .executeTakeFirst();
}

export function toWorkItem(row: IncidentWorkItemsTable & { owner_name: string | null }): WorkItem {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    owner: row.owner_id ? { id: row.owner_id, name: row.owner_name ?? '' } : null,
    dueAt: row.due_at,
    status: z.enum(['open', 'in_progress', 'done', 'cancelled']).catch('open').parse(row.status),
    completedAt: row.completed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export async function listReferrals(db: Tx, id: string) {
  return db
    .selectFrom('incident_referrals')
    .selectAll()
    .where('incident_id', '=', id)
    .orderBy('id')
    .execute();
}

export async function findReferral(db: Tx, incidentId: string, referralId: string) {
  return db
    .selectFrom('incident_referrals')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '=', referralId)
    .executeTakeFirst();
}

const followUps = z.array(z.object({ on: z.string(), note: z.string(), by: z.string() }));

export function toReferral(row: IncidentReferralsTable) {
  return {
    id: row.id,
    incidentId: row.incident_id,
    agency: row.agency,
    contact: row.contact,
    caseNumber: row.case_number,
    referredOn: row.referred_on,
    shared: row.shared,
    followUps: parseJson(followUps, row.follow_ups, []),
    createdAt: row.created_at,
    version: row.version,
  };
}

// ---- users ---------------------------------------------------------------------------------------

/** An active user (for assignment, membership and exclusion), with the sites they work at. */
export async function findActiveUser(db: Tx, userId: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return user?.status === 'active' ? user : undefined;
}

/**
 * Active users whose role reads incidents (those a case can be assigned to or shared with), by
 * name; `q` matches a part of the name, whatever its case.
 */
export async function listCaseWorkers(
  db: Db,
  query: { limit: number; cursor?: string; q?: string },
): Promise<ListPage<CaseWorker>> {
  const after = decodeCursor(query.cursor, 2);
  const workerRoles = roles.filter((role) => rolePermissions[role].includes('incidents:read'));
  const pattern = query.q ? `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('status', '=', 'active')
    .where('role', 'in', workerRoles)
    .$if(pattern !== undefined, (qb) => qb.where(sql<SqlBool>`lower(users.name) like ${pattern} escape '\\'`))
    .$if(after !== undefined, (qb) =>
      qb.where(sql<SqlBool>`(users.name, users.id) > (${String(after?.[0])}, ${String(after?.[1])})`),
    )
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(
    rows,
    query.limit,
    (row) => [row.name, row.id],
    (row) => ({ id: row.id, name: row.name, role: roleSchema.parse(row.role) }),
  );
}

// ---- metrics ---------------------------------------------------------------------------------

function minutesBetween(dialect: Dialect, later: string, earlier: string) {
  return dialect === 'postgres'
    ? sql<number>`extract(epoch from (${sql.ref(later)}::timestamptz - ${sql.ref(earlier)}::timestamptz)) / 60.0`
    : sql<number>`(julianday(${sql.ref(later)}) - julianday(${sql.ref(earlier)})) * 1440.0`;
}

/** Counts and durations over the visible incidents in a period (by the date they are dated by). */
export async function incidentMetrics(
  db: Db,
  dialect: Dialect,
  principal: Principal,
  query: { from?: string; to?: string; siteId?: string },
): Promise<IncidentMetrics> {
  const scoped = () =>
    db
      .selectFrom('incidents')
      .where(incidentVisible(principal))
      .where('incidents.merged_into', 'is', null)
      .$if(query.siteId !== undefined, (qb) => qb.where('incidents.site_id', '=', query.siteId ?? ''))
      .$if(query.from !== undefined, (qb) =>
        qb.where('incidents.event_at', '>=', bound(query.from ?? '', false)),
      )
      .$if(query.to !== undefined, (qb) => qb.where('incidents.event_at', '<=', bound(query.to ?? '', true)));
  const countBy = async (column: 'incidents.type' | 'incidents.site_id' | 'incidents.status') => {
    const rows = await scoped()
      .select([`${column} as key`, (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(column)
      .orderBy('count', 'desc')
      .execute();
    return rows.map((row) => ({ key: row.key, count: row.count }));
  };
  const month = sql<string>`substr(incidents.event_at, 1, 7)`;
  const byMonth = await scoped()
    .select([month.as('key'), (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(month)
    .orderBy(month)
    .execute();
  const totals = await scoped()
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>('incidents.triage_breached').as('triage_breached'),
      eb.fn.sum<number>('incidents.resolve_breached').as('resolve_breached'),
      eb.fn
        .count<number>(
          sql`case when incidents.triage_breached = 1 or incidents.resolve_breached = 1 then 1 end`,
        )
        .as('any_breached'),
    ])
    .executeTakeFirstOrThrow();
  const triage = await scoped()
    .where('incidents.triaged_at', 'is not', null)
    .select((eb) => [
      eb.fn
        .avg<number>(minutesBetween(dialect, 'incidents.triaged_at', 'incidents.created_at'))
        .as('average'),
      eb.fn.countAll<number>().as('count'),
    ])
    .executeTakeFirstOrThrow();
  const resolve = await scoped()
    .where('incidents.resolved_at', 'is not', null)
    .select((eb) => [
      eb.fn
        .avg<number>(minutesBetween(dialect, 'incidents.resolved_at', 'incidents.created_at'))
        .as('average'),
      eb.fn.countAll<number>().as('count'),
    ])
    .executeTakeFirstOrThrow();
  const total = totals.total;
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    total,
    byType: await countBy('incidents.type'),
    bySite: await countBy('incidents.site_id'),
    byStatus: await countBy('incidents.status'),
    byMonth: byMonth.map((row) => ({ key: row.key, count: row.count })),
    timeToTriageMinutes: { average: round(triage.average), count: triage.count },
    timeToResolveMinutes: { average: round(resolve.average), count: resolve.count },
    sla: {
      triageBreached: totals.triage_breached ?? 0,
      resolveBreached: totals.resolve_breached ?? 0,
      breachRate: total === 0 ? null : Math.round((totals.any_breached / total) * 10_000) / 10_000,
    },
  };
}
