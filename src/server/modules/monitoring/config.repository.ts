import { z } from 'zod';
import type { Rule, Sop } from '../../../contracts/monitoring.js';
import { alarmTypeSchema, eventTypeSchema, scheduleSchema } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Tx } from '../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { chunks } from './devices.repository.js';
import { rankPriority, type RuleSpec } from './rules.js';
import type { MonitoringRulesTable, MonitoringSopsTable } from './tables.js';

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const storedSchedule = scheduleSchema.nullable().catch(null);
const storedSteps = z.array(z.string()).catch([]);

export function toRule(row: MonitoringRulesTable): Rule {
  return {
    id: row.id,
    name: row.name,
    eventType: eventTypeSchema.catch('other').parse(row.event_type),
    siteId: row.site_id,
    deviceId: row.device_id,
    action: row.action === 'alarm' ? 'alarm' : 'log',
    priority: row.priority === null ? null : (rankPriority[row.priority] ?? null),
    schedule: storedSchedule.parse(parseJson(row.schedule)),
    foldSeconds: row.fold_seconds,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** A rule row as the evaluator needs it. */
export function toRuleSpec(row: MonitoringRulesTable): RuleSpec {
  const rule = toRule(row);
  return {
    id: rule.id,
    eventType: rule.eventType,
    siteId: rule.siteId,
    deviceId: rule.deviceId,
    action: rule.action,
    priority: row.priority,
    schedule: rule.schedule,
    foldSeconds: rule.foldSeconds,
  };
}

/** Enabled rules for some event types, oldest first (ties between equally specific rules go to the oldest). */
export async function enabledRules(tx: Tx, types: readonly string[]): Promise<RuleSpec[]> {
  const rows: MonitoringRulesTable[] = [];
  for (const part of chunks(types, 100)) {
    rows.push(
      ...(await tx
        .selectFrom('monitoring_rules')
        .selectAll()
        .where('enabled', '=', 1)
        .where('event_type', 'in', part)
        .orderBy('created_at')
        .orderBy('id')
        .execute()),
    );
  }
  return rows.map(toRuleSpec);
}

/**
 * Rules the principal may see: organization-wide rules (site null) and rules of its sites.
 */
export async function listRules(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; siteId?: string },
) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('monitoring_rules')
    .selectAll()
    .where((eb) => eb.or([eb('site_id', 'is', null), siteVisible('monitoring_rules.site_id', principal)]))
    .$if(query.siteId !== undefined, (qb) => qb.where('site_id', '=', query.siteId ?? ''))
    .$if(after !== undefined, (qb) => qb.where('id', '>', String(after?.[0])))
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toRule);
}

export async function findRule(tx: Tx, principal: Principal, id: string) {
  return tx
    .selectFrom('monitoring_rules')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('site_id', 'is', null), siteVisible('monitoring_rules.site_id', principal)]))
    .executeTakeFirst();
}

export async function insertRule(tx: Tx, row: MonitoringRulesTable): Promise<void> {
  await tx.insertInto('monitoring_rules').values(row).execute();
}

export async function updateRuleVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<MonitoringRulesTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('monitoring_rules')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function toSop(row: MonitoringSopsTable): Sop {
  return {
    id: row.id,
    alarmType: alarmTypeSchema.catch('other').parse(row.alarm_type),
    siteId: row.site_id,
    title: row.title,
    steps: storedSteps.parse(parseJson(row.steps)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export async function listSops(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; siteId?: string },
) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('monitoring_sops')
    .selectAll()
    .where((eb) => eb.or([eb('site_id', 'is', null), siteVisible('monitoring_sops.site_id', principal)]))
    .$if(query.siteId !== undefined, (qb) => qb.where('site_id', '=', query.siteId ?? ''))
    .$if(after !== undefined, (qb) => qb.where('id', '>', String(after?.[0])))
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toSop);
}

export async function findSop(tx: Tx, principal: Principal, id: string) {
  return tx
    .selectFrom('monitoring_sops')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('site_id', 'is', null), siteVisible('monitoring_sops.site_id', principal)]))
    .executeTakeFirst();
}

export async function sopExists(tx: Tx, alarmType: string, scopeKey: string): Promise<boolean> {
  const row = await tx
    .selectFrom('monitoring_sops')
    .select('id')
    .where('alarm_type', '=', alarmType)
    .where('scope_key', '=', scopeKey)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSop(tx: Tx, row: MonitoringSopsTable): Promise<void> {
  await tx.insertInto('monitoring_sops').values(row).execute();
}

export async function updateSopVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<MonitoringSopsTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('monitoring_sops')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The steps of the SOP for an alarm type at a site: the site's own, else the organization's. */
export async function sopStepsFor(tx: Tx, alarmType: string, siteId: string | null): Promise<string[]> {
  const rows = await tx
    .selectFrom('monitoring_sops')
    .select(['scope_key', 'steps'])
    .where('alarm_type', '=', alarmType)
    .where('scope_key', 'in', siteId === null ? ['*'] : [siteId, '*'])
    .execute();
  const chosen = rows.find((row) => row.scope_key !== '*') ?? rows[0];
  return chosen ? storedSteps.parse(parseJson(chosen.steps)) : [];
}
