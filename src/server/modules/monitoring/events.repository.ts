import { z } from 'zod';
import type { MonitoringEvent } from '../../../contracts/monitoring.js';
import { eventSourceSchema, eventTypeSchema } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { chunks } from './devices.repository.js';
import type { MonitoringEventsTable } from './tables.js';

const outcomeSchema = z.enum(['alarm', 'log', 'restore', 'heartbeat', 'unregistered']).catch('log');
const detailsSchema = z.record(z.string(), z.unknown()).nullable().catch(null);

export function toEvent(row: MonitoringEventsTable): MonitoringEvent {
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

/**
 * Inserts events in multi-row statements. `on conflict do nothing` keeps the idempotency key the
 * last word even if a duplicate slipped past the lookup; returns how many rows were new.
 */
export async function insertEvents(tx: Tx, rows: MonitoringEventsTable[]): Promise<number> {
  let inserted = 0;
  // 15 columns × 400 rows stays under both drivers' bound-parameter limits.
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

/** The event log at the principal's sites, newest first. */
export async function listEvents(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; siteId?: string; deviceId?: string; type?: string },
) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('monitoring_events')
    .selectAll()
    .where(siteVisible('monitoring_events.site_id', principal))
    .$if(query.siteId !== undefined, (qb) => qb.where('site_id', '=', query.siteId ?? ''))
    .$if(query.deviceId !== undefined, (qb) => qb.where('device_id', '=', query.deviceId ?? ''))
    .$if(query.type !== undefined, (qb) => qb.where('type', '=', query.type ?? ''))
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toEvent);
}

/** The latest events folded into an alarm. */
export async function eventsOfAlarm(db: Tx, alarmId: string, limit: number): Promise<MonitoringEvent[]> {
  const rows = await db
    .selectFrom('monitoring_events')
    .selectAll()
    .where('alarm_id', '=', alarmId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}
