import type {
  CreateRule,
  CreateSop,
  Rule,
  Sop,
  UpdateRule,
  UpdateSop,
} from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { changedFields } from '../../platform/audit/diff.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  findRule,
  findSop,
  insertRule,
  insertSop,
  sopExists,
  toRule,
  toSop,
  updateRuleVersioned,
  updateSopVersioned,
} from './config.repository.js';
import { findDevice } from './devices.repository.js';
import { DEFAULT_FOLD_SECONDS, priorityRank } from './rules.js';
import type { MonitoringRulesTable, MonitoringSopsTable } from './tables.js';

/*
 * Alarm rules and SOPs. A rule or SOP of one site is managed by whoever runs that site; an
 * organization-wide one (no site) changes every site's desk, so only all-site roles may touch it.
 */

async function checkSite(tx: Tx, principal: Principal, siteId: string | null): Promise<void> {
  if (siteId === null) {
    if (!principal.allSites)
      throw forbidden('Only organization-wide roles may set rules or SOPs for every site.');
    return;
  }
  const site = await tx
    .selectFrom('sites')
    .select('id')
    .where('id', '=', siteId)
    .where(siteVisible('sites.id', principal))
    .executeTakeFirst();
  if (!site)
    throw new AppError('validation_failed', 'The site does not exist.', [
      { path: 'siteId', message: 'unknown site' },
    ]);
}

const staleRule = () =>
  new AppError('precondition_failed', 'The rule has changed since you read it; reload it.');
const staleSop = () =>
  new AppError('precondition_failed', 'The SOP has changed since you read it; reload it.');

/** A rule the principal may see (organization-wide or of one of its sites); 404 otherwise. */
export async function getRule(ctx: AppContext, principal: Principal, id: string): Promise<Rule> {
  const row = await findRule(ctx.database.db, principal, id);
  if (!row) throw notFound('Rule');
  return toRule(row);
}

/** An SOP the principal may see (organization-wide or of one of its sites); 404 otherwise. */
export async function getSop(ctx: AppContext, principal: Principal, id: string): Promise<Sop> {
  const row = await findSop(ctx.database.db, principal, id);
  if (!row) throw notFound('SOP');
  return toSop(row);
}

/** Creates an alarm rule for a device, a site or (all-site roles) the whole organization. */
export async function createRule(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreateRule,
): Promise<Rule> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    let siteId = input.siteId ?? null;
    if (input.deviceId) {
      const device = await findDevice(tx, principal, input.deviceId);
      if (!device)
        throw new AppError('validation_failed', 'The device does not exist.', [
          { path: 'deviceId', message: 'unknown device' },
        ]);
      if (siteId !== null && siteId !== device.site_id)
        throw new AppError('validation_failed', 'The device is not at this site.', [
          { path: 'siteId', message: 'does not match the device' },
        ]);
      siteId = device.site_id;
    }
    await checkSite(tx, principal, siteId);
    const now = nowIso();
    const row: MonitoringRulesTable = {
      id: newId(),
      name: input.name,
      event_type: input.eventType,
      site_id: siteId,
      device_id: input.deviceId ?? null,
      action: input.action,
      priority: input.priority ? priorityRank[input.priority] : null,
      schedule: input.schedule ? JSON.stringify(input.schedule) : null,
      fold_seconds: input.foldSeconds ?? DEFAULT_FOLD_SECONDS,
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertRule(tx, row);
    await record({
      action: 'alarm_rule.created',
      entityType: 'alarm_rule',
      entityId: row.id,
      siteId,
      changes: { ...input },
    });
    return toRule(row);
  });
}

/** Updates a rule at the version the caller read. */
export async function updateRule(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateRule,
): Promise<Rule> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await findRule(tx, principal, id);
    if (!current) throw notFound('Rule');
    await checkSite(tx, principal, current.site_id);
    if (current.version !== version) throw staleRule();
    const merged = { ...toRule(current), ...input };
    if (merged.action === 'alarm' && !merged.priority)
      throw new AppError('validation_failed', 'An alarm rule needs a priority.', [
        { path: 'priority', message: 'required for alarm rules' },
      ]);
    const patch: Partial<MonitoringRulesTable> = { updated_at: nowIso() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.action !== undefined) patch.action = input.action;
    if (input.priority !== undefined) patch.priority = input.priority ? priorityRank[input.priority] : null;
    if (input.schedule !== undefined) patch.schedule = input.schedule ? JSON.stringify(input.schedule) : null;
    if (input.foldSeconds !== undefined) patch.fold_seconds = input.foldSeconds;
    if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
    if (!(await updateRuleVersioned(tx, id, version, patch))) throw staleRule();
    const after = { ...current, ...patch, version: version + 1 };
    await record({
      action: 'alarm_rule.updated',
      entityType: 'alarm_rule',
      entityId: id,
      siteId: current.site_id,
      changes: changedFields(toRule(current), input),
    });
    return toRule(after);
  });
}

/** Creates the SOP of an alarm type, for one site or (all-site roles) the organization. */
export async function createSop(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreateSop,
): Promise<Sop> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const siteId = input.siteId ?? null;
    await checkSite(tx, principal, siteId);
    const scopeKey = siteId ?? '*';
    if (await sopExists(tx, input.alarmType, scopeKey))
      throw new AppError('already_exists', 'This alarm type already has an SOP here; edit it instead.', [
        { path: 'alarmType', message: 'already has an SOP' },
      ]);
    const now = nowIso();
    const row: MonitoringSopsTable = {
      id: newId(),
      alarm_type: input.alarmType,
      site_id: siteId,
      scope_key: scopeKey,
      title: input.title,
      steps: JSON.stringify(input.steps),
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertSop(tx, row);
    await record({
      action: 'alarm_sop.created',
      entityType: 'alarm_sop',
      entityId: row.id,
      siteId,
      changes: { ...input },
    });
    return toSop(row);
  });
}

/** Updates an SOP at the version the caller read; alarms already raised keep the steps they had. */
export async function updateSop(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateSop,
): Promise<Sop> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await findSop(tx, principal, id);
    if (!current) throw notFound('SOP');
    await checkSite(tx, principal, current.site_id);
    if (current.version !== version) throw staleSop();
    const patch: Partial<MonitoringSopsTable> = { updated_at: nowIso() };
    if (input.title !== undefined) patch.title = input.title;
    if (input.steps !== undefined) patch.steps = JSON.stringify(input.steps);
    if (!(await updateSopVersioned(tx, id, version, patch))) throw staleSop();
    await record({
      action: 'alarm_sop.updated',
      entityType: 'alarm_sop',
      entityId: id,
      siteId: current.site_id,
      changes: changedFields(toSop(current), input),
    });
    return toSop({ ...current, ...patch, version: version + 1 });
  });
}
