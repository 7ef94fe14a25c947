import { sql } from 'kysely';
import { z } from 'zod';
import type { Alarm, AlarmListQuery, AlarmStep } from '../../../contracts/monitoring.js';
import {
  alarmStateSchema,
  alarmTypeSchema,
  dispositions,
  falseAlarmCauses,
} from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Dialect, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { chunks } from './devices.repository.js';
import { rankPriority } from './rules.js';
import type { MonitoringAlarmsTable } from './tables.js';

const dispositionSchema = z.enum(dispositions).nullable().catch(null);
const causeSchema = z.enum(falseAlarmCauses).nullable().catch(null);
const stepsSchema = z.array(z.string()).catch([]);

/** The alarm columns the desk shows, with the device name and the names of the people handling it. */
function alarmItems(db: Tx) {
  return db
    .selectFrom('monitoring_alarms as a')
    .leftJoin('monitoring_devices as d', 'd.id', 'a.device_id')
    .leftJoin('users as claimer', 'claimer.id', 'a.claimed_by')
    .leftJoin('users as acker', 'acker.id', 'a.acknowledged_by')
    .leftJoin('users as resolver', 'resolver.id', 'a.resolved_by')
    .selectAll('a')
    .select([
      'd.name as device_name',
      'claimer.name as claimer_name',
      'acker.name as acker_name',
      'resolver.name as resolver_name',
    ]);
}

type AlarmItemRow = MonitoringAlarmsTable & {
  device_name: string | null;
  claimer_name: string | null;
  acker_name: string | null;
  resolver_name: string | null;
};

const userRef = (id: string | null, name: string | null) => (id === null ? null : { id, name: name ?? '' });

/** Presents an alarm row. */
export function toAlarm(row: AlarmItemRow): Alarm {
  return {
    id: row.id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    siteId: row.site_id,
    type: alarmTypeSchema.catch('other').parse(row.type),
    priority: rankPriority[row.priority] ?? 'low',
    state: alarmStateSchema.catch('active').parse(row.state),
    firstAt: row.first_at,
    lastAt: row.last_at,
    count: row.count,
    restoredAt: row.restored_at,
    zone: row.zone,
    code: row.code,
    claimedBy: userRef(row.claimed_by, row.claimer_name),
    claimedAt: row.claimed_at,
    acknowledgedBy: userRef(row.acknowledged_by, row.acker_name),
    acknowledgedAt: row.acknowledged_at,
    resolvedBy: userRef(row.resolved_by, row.resolver_name),
    resolvedAt: row.resolved_at,
    disposition: dispositionSchema.parse(row.disposition),
    falseAlarmCause: causeSchema.parse(row.false_alarm_cause),
    resolutionNote: row.resolution_note,
    escalationLevel: row.escalation_level,
    version: row.version,
  };
}

/** The SOP steps snapshotted on an alarm. */
export function sopStepsOf(row: Pick<MonitoringAlarmsTable, 'sop_steps'>): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.sop_steps);
  } catch {
    parsed = [];
  }
  return stepsSchema.parse(parsed);
}

/**
 * The alarm desk: alarms at the principal's sites (alarms of unregistered devices have no site and
 * are seen by all-site roles only), highest priority first, then oldest first.
 */
export async function listAlarms(db: Db, principal: Principal, query: AlarmListQuery) {
  const after = decodeCursor(query.cursor, 3);
  const rows = await alarmItems(db)
    .where(siteVisible('a.site_id', principal))
    .$if(query.state === undefined, (qb) => qb.where('a.state', 'in', ['active', 'acknowledged']))
    .$if(query.state !== undefined, (qb) => qb.where('a.state', '=', query.state ?? ''))
    .$if(query.siteId !== undefined, (qb) => qb.where('a.site_id', '=', query.siteId ?? ''))
    .$if(query.deviceId !== undefined, (qb) => qb.where('a.device_id', '=', query.deviceId ?? ''))
    .$if(query.type !== undefined, (qb) => qb.where('a.type', '=', query.type ?? ''))
    .$if(after !== undefined, (qb) =>
      qb.where((eb) => {
        const [priority, firstAt, id] = [Number(after?.[0]), String(after?.[1]), String(after?.[2])];
        return eb.or([
          eb('a.priority', '>', priority),
          eb.and([eb('a.priority', '=', priority), eb('a.first_at', '>', firstAt)]),
          eb.and([eb('a.priority', '=', priority), eb('a.first_at', '=', firstAt), eb('a.id', '>', id)]),
        ]);
      }),
    )
    .orderBy('a.priority')
    .orderBy('a.first_at')
    .orderBy('a.id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.priority, row.first_at, row.id], toAlarm);
}

/** One alarm as the desk shows it, scoped to the principal's sites. */
export async function findAlarmItem(db: Tx, principal: Principal, id: string): Promise<Alarm | undefined> {
  const row = await alarmItems(db)
    .where('a.id', '=', id)
    .where(siteVisible('a.site_id', principal))
    .executeTakeFirst();
  return row ? toAlarm(row) : undefined;
}

/** Alarms by id, unscoped (for the live stream, which filters per subscriber). */
export async function alarmItemsByIds(db: Tx, ids: readonly string[]): Promise<Alarm[]> {
  const out: Alarm[] = [];
  for (const part of chunks(ids, 500))
    out.push(...(await alarmItems(db).where('a.id', 'in', part).execute()).map(toAlarm));
  return out;
}

/** The alarm row for a desk action, scoped to the principal's sites and locked (PostgreSQL) until commit. */
export async function findAlarmRow(tx: Tx, dialect: Dialect, principal: Principal, id: string) {
  return tx
    .selectFrom('monitoring_alarms')
    .selectAll()
    .where('id', '=', id)
    .where(siteVisible('monitoring_alarms.site_id', principal))
    .$if(dialect === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
}

/** Applies a desk action if the alarm is still at the version read; false when it moved. */
export async function updateAlarmVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<MonitoringAlarmsTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('monitoring_alarms')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Open (not resolved) alarms with these fold keys. On PostgreSQL the rows are locked until the
 * ingestion transaction commits, so an operator resolving one meanwhile waits instead of having
 * its alarm silently counted up after resolution.
 */
export async function openAlarmsByFoldKeys(tx: Tx, dialect: Dialect, keys: readonly string[]) {
  const rows: MonitoringAlarmsTable[] = [];
  for (const part of chunks(keys, 500)) {
    rows.push(
      ...(await tx
        .selectFrom('monitoring_alarms')
        .selectAll()
        .where('fold_key', 'in', part)
        .where('state', '!=', 'resolved')
        .$if(dialect === 'postgres', (qb) => qb.forUpdate())
        .execute()),
    );
  }
  return rows;
}

/** Open, not yet restored alarms of some devices (restore events clear them). */
export async function restorableAlarms(tx: Tx, dialect: Dialect, deviceIds: readonly string[]) {
  const rows: MonitoringAlarmsTable[] = [];
  for (const part of chunks(deviceIds, 500)) {
    rows.push(
      ...(await tx
        .selectFrom('monitoring_alarms')
        .selectAll()
        .where('device_id', 'in', part)
        .where('state', '!=', 'resolved')
        .where('restored_at', 'is', null)
        .$if(dialect === 'postgres', (qb) => qb.forUpdate())
        .execute()),
    );
  }
  return rows;
}

export async function insertAlarms(tx: Tx, rows: MonitoringAlarmsTable[]): Promise<void> {
  for (const part of chunks(rows, 100)) await tx.insertInto('monitoring_alarms').values(part).execute();
}

/** Writes what ingestion changed on an open alarm (count, last time, restore). */
type AlarmRuntime = Pick<MonitoringAlarmsTable, 'id' | 'count' | 'last_at' | 'restored_at' | 'priority'>;

/**
 * Writes the folding state of many alarms (see updateDevicesRuntime): on SQLite one statement
 * whose rows come as one JSON parameter, so its text never changes and it is prepared once; on
 * PostgreSQL UPDATE … FROM VALUES, one statement per 500.
 */
export async function updateAlarmsRuntime(
  tx: Tx,
  dialect: Dialect,
  rows: readonly AlarmRuntime[],
  updatedAt: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect === 'sqlite') {
    const json = JSON.stringify(rows.map((r) => [r.id, r.count, r.last_at, r.restored_at, r.priority]));
    await sql`update monitoring_alarms set count = v.count, last_at = v.last_at,
      restored_at = v.restored_at, priority = v.priority, updated_at = ${updatedAt}, version = version + 1
      from (select value ->> 0 as id, value ->> 1 as count, value ->> 2 as last_at,
        value ->> 3 as restored_at, value ->> 4 as priority from json_each(${json})) as v
      where monitoring_alarms.id = v.id`.execute(tx);
    return;
  }
  for (const part of chunks(rows, 500)) {
    const values = sql.join(
      part.map(
        (r) =>
          sql`(${r.id}, cast(${r.count} as integer), ${r.last_at}, ${r.restored_at}, cast(${r.priority} as integer))`,
      ),
    );
    await sql`update monitoring_alarms set count = v.column2, last_at = v.column3,
      restored_at = v.column4, priority = v.column5, updated_at = ${updatedAt}, version = version + 1
      from (values ${values}) as v where monitoring_alarms.id = v.column1`.execute(tx);
  }
}

/** The completed SOP steps of an alarm, with who completed them. */
export async function stepsOf(
  db: Tx,
  alarm: Pick<MonitoringAlarmsTable, 'id' | 'sop_steps'>,
): Promise<AlarmStep[]> {
  const done = await db
    .selectFrom('monitoring_alarm_steps as s')
    .innerJoin('users as u', 'u.id', 's.completed_by')
    .select(['s.step_index', 's.completed_at', 's.note', 's.completed_by', 'u.name'])
    .where('s.alarm_id', '=', alarm.id)
    .execute();
  const byIndex = new Map(done.map((row) => [row.step_index, row]));
  return sopStepsOf(alarm).map((text, index) => {
    const row = byIndex.get(index);
    return {
      index,
      text,
      completedAt: row?.completed_at ?? null,
      completedBy: row ? { id: row.completed_by, name: row.name } : null,
      note: row?.note ?? null,
    };
  });
}

export async function insertStep(
  tx: Tx,
  row: { alarm_id: string; step_index: number; completed_by: string; completed_at: string; note: string },
): Promise<void> {
  await tx.insertInto('monitoring_alarm_steps').values(row).execute();
}

/** Active alarms past their acknowledgement deadline (by priority), oldest first. */
export async function alarmsToEscalate(
  db: Tx,
  deadlines: Record<number, number>,
  now: Date,
  maxLevel: number,
  limit: number,
) {
  const nowMs = now.getTime();
  const rows = await db
    .selectFrom('monitoring_alarms')
    .selectAll()
    .where('state', '=', 'active')
    .where('escalation_level', '<', maxLevel)
    // Counted from when Vigil raised the alarm (its clock), not the device's timestamp, which may
    // be wrong. Coarse filter in SQL (the shortest deadline); the exact one is checked below.
    .where(
      sql<string>`coalesce(escalated_at, created_at)`,
      '<=',
      new Date(nowMs - Math.min(...Object.values(deadlines)) * 1000).toISOString(),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.filter((row) => {
    const since = Date.parse(row.escalated_at ?? row.created_at);
    return nowMs - since >= (deadlines[row.priority] ?? 600) * 1000;
  });
}

/** Users to notify at an escalation tier: the site's managers (tier 1) or the admins (tier 2+). */
export async function escalationRecipients(db: Tx, tier: number, siteId: string | null): Promise<string[]> {
  if (tier <= 1 && siteId !== null) {
    const rows = await db
      .selectFrom('users')
      .innerJoin('user_sites', 'user_sites.user_id', 'users.id')
      .select('users.id')
      .where('users.role', '=', 'manager')
      .where('users.status', '=', 'active')
      .where('user_sites.site_id', '=', siteId)
      .execute();
    if (rows.length > 0) return rows.map((row) => row.id);
  }
  const admins = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .execute();
  return admins.map((row) => row.id);
}

/** Resolved alarms of registered devices in a period, counted by device and false-alarm flag. */
export async function resolvedCounts(
  db: Db,
  principal: Principal,
  filter: { from: string; to: string; siteId?: string },
) {
  return db
    .selectFrom('monitoring_alarms as a')
    .innerJoin('monitoring_devices as d', 'd.id', 'a.device_id')
    .select((eb) => [
      'a.device_id',
      'd.site_id',
      'd.name',
      eb.fn.countAll<number>().as('resolved'),
      eb.fn
        .sum<number>(sql<number>`case when a.disposition = 'false_alarm' then 1 else 0 end`)
        .as('false_alarms'),
    ])
    .where('a.state', '=', 'resolved')
    .where('a.resolved_at', '>=', filter.from)
    .where('a.resolved_at', '<', filter.to)
    .where(siteVisible('d.site_id', principal))
    .$if(filter.siteId !== undefined, (qb) => qb.where('d.site_id', '=', filter.siteId ?? ''))
    .groupBy(['a.device_id', 'd.site_id', 'd.name'])
    .orderBy('d.name')
    .execute();
}
