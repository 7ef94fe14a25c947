import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { EventListQuery, MonitoringEvent } from '../../../contracts/monitoring.js';
import { eventOutcomeSchema, eventSourceSchema, eventTypeSchema } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { chunks } from './devices.repository.js';
import type { MonitoringEventsTable } from './tables.js';

const outcomeSchema = eventOutcomeSchema.catch('log');
const detailsSchema = z.record(z.string(), z.unknown()).nullable().catch(null);

/** An event row with its device's name (joined by primary key: unregistered devices have none). */
type EventRow = MonitoringEventsTable & { device_name: string | null };

export function toEvent(row: EventRow): MonitoringEvent {
  let details: unknown = null;
  if (row.details !== null) {
    try {
      details = JSON.parse(row.details);
    } catch {
      details = null;
    }
  }
  return {
    id: row.id,
    source: eventSourceSchema.catch('system').parse(row.source),
    sourceEventId: row.source_event_id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    siteId: row.site_id,
    deviceRef: row.device_ref,
    type: eventTypeSchema.catch('other').parse(row.type),
    restoreOf: eventTypeSchema.nullable().catch(null).parse(row.restore_of),
    code: row.code,
    zone: row.zone,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    outcome: outcomeSchema.parse(row.outcome),
    alarmId: row.alarm_id,
    details: detailsSchema.parse(details),
  };
}

/** Which of these source event ids of one source are already stored. */
export async function storedSourceIds(tx: Tx, source: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(ids, 900)) {
    const rows = await tx
      .selectFrom('monitoring_events')
      .select('source_event_id')
      .where('source', '=', source)
      .where('source_event_id', 'in', part)
      .execute();
    for (const row of rows) found.add(row.source_event_id);
  }
  return found;
}

const eventColumns = [
  'id',
  'source',
  'source_event_id',
  'device_id',
  'site_id',
  'device_ref',
  'type',
  'restore_of',
  'code',
  'zone',
  'occurred_at',
  'received_at',
  'outcome',
  'alarm_id',
  'details',
] as const satisfies readonly (keyof MonitoringEventsTable)[];

const sqliteInserts = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement<[MonitoringEventsTable]>>();

/**
 * Inserts events; `on conflict do nothing` keeps the idempotency key the last word even if a
 * duplicate slipped past the lookup. Answers how many rows were new.
 *
 * Ingestion is the hottest write path in Vigil, so on SQLite the rows go through one cached
 * prepared statement of the raw driver instead of a query built per batch: the same SQL and the
 * same transaction (SQLite has one connection, held by the caller's transaction), at a fraction
 * of the cost of compiling and preparing thousands of parameters per batch. PostgreSQL takes
 * multi-row statements through Kysely.
 */
export async function insertEvents(
  tx: Tx,
  rows: MonitoringEventsTable[],
  sqlite?: BetterSqlite3.Database,
): Promise<number> {
  if (sqlite) {
    let statement = sqliteInserts.get(sqlite);
    if (!statement) {
      statement = sqlite.prepare<[MonitoringEventsTable]>(
        `insert into monitoring_events (${eventColumns.join(', ')}) values (${eventColumns
          .map((column) => `@${column}`)
          .join(', ')}) on conflict (source, source_event_id) do nothing`,
      );
      sqliteInserts.set(sqlite, statement);
    }
    let inserted = 0;
    for (const row of rows) inserted += statement.run(row).changes;
    return Promise.resolve(inserted);
  }
  let inserted = 0;
  // 15 columns × 400 rows stays under the driver's bound-parameter limit.
  for (const part of chunks(rows, 400)) {
    const result = await tx
      .insertInto('monitoring_events')
      .values(part)
      .onConflict((oc) => oc.columns(['source', 'source_event_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/**
 * The smallest UUIDv7 of a moment: event ids are time-ordered, so a time window is a range of
 * the primary key (events have no other index to read them by).
 */
export function idFloor(iso: string): string {
  const hex = Math.max(0, Date.parse(iso)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** Events with their device's name. */
function selectEvents(db: Db | Tx) {
  return db
    .selectFrom('monitoring_events')
    .leftJoin('monitoring_devices', 'monitoring_devices.id', 'monitoring_events.device_id')
    .selectAll('monitoring_events')
    .select('monitoring_devices.name as device_name');
}

/**
 * The event log at the principal's sites, newest first, within a time window (default 7 days).
 * The other filters apply within the window: events have no index but the time-ordered key.
 */
export async function listEvents(db: Db, principal: Principal, query: EventListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const from = query.from ?? new Date(Date.now() - WEEK_MS).toISOString();
  const rows = await selectEvents(db)
    .where('monitoring_events.id', '>=', idFloor(from))
    .$if(query.to !== undefined, (qb) => qb.where('monitoring_events.id', '<', idFloor(query.to ?? '')))
    .where(siteVisible('monitoring_events.site_id', principal))
    .$if(query.siteId !== undefined, (qb) => qb.where('monitoring_events.site_id', '=', query.siteId ?? ''))
    .$if(query.deviceId !== undefined, (qb) =>
      qb.where('monitoring_events.device_id', '=', query.deviceId ?? ''),
    )
    .$if(query.type !== undefined, (qb) => qb.where('monitoring_events.type', '=', query.type ?? ''))
    .$if(query.source !== undefined, (qb) => qb.where('monitoring_events.source', '=', query.source ?? ''))
    .$if(query.outcome !== undefined, (qb) => qb.where('monitoring_events.outcome', '=', query.outcome ?? ''))
    .$if(after !== undefined, (qb) => qb.where('monitoring_events.id', '<', String(after?.[0])))
    .orderBy('monitoring_events.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toEvent);
}

/** The latest events folded into an alarm. */
export async function eventsOfAlarm(db: Tx, alarmId: string, limit: number): Promise<MonitoringEvent[]> {
  const rows = await selectEvents(db)
    .where('monitoring_events.alarm_id', '=', alarmId)
    .orderBy('monitoring_events.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}
