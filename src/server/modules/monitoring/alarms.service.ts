import type { Alarm, AlarmDetail, ResolveAlarm } from '../../../contracts/monitoring.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { nowIso } from '../../platform/ids.js';
import {
  alarmItemsByIds,
  alarmsToEscalate,
  escalationRecipients,
  findAlarmItem,
  findAlarmRow,
  insertStep,
  stepsOf,
  updateAlarmVersioned,
} from './alarms.repository.js';
import { eventsOfAlarm } from './events.repository.js';
import { publishAlarmChanges } from './live.js';
import { rankPriority } from './rules.js';
import type { MonitoringAlarmsTable } from './tables.js';

/*
 * The alarm desk: operators claim, acknowledge, work the SOP and resolve alarms. Every action is
 * audited in its transaction and published to the live stream after the commit.
 */

async function claimerName(tx: Tx, userId: string): Promise<string> {
  const row = await tx.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return row?.name ?? 'another operator';
}

async function lockedAlarm(
  ctx: AppContext,
  tx: Tx,
  principal: Principal,
  id: string,
): Promise<MonitoringAlarmsTable> {
  const row = await findAlarmRow(tx, ctx.database.dialect, principal, id);
  if (!row) throw notFound('Alarm');
  return row;
}

async function apply(
  tx: Tx,
  row: MonitoringAlarmsTable,
  patch: Partial<Omit<MonitoringAlarmsTable, 'id' | 'version'>>,
): Promise<void> {
  // The row is locked (PostgreSQL) or the database is (SQLite): the version cannot have moved.
  if (!(await updateAlarmVersioned(tx, row.id, row.version, { ...patch, updated_at: nowIso() })))
    throw conflict('The alarm changed while you were acting on it; reload it.');
}

async function presented(ctx: AppContext, id: string): Promise<Alarm> {
  const [alarm] = await alarmItemsByIds(ctx.database.db, [id]);
  if (!alarm) throw notFound('Alarm');
  await publishAlarmChanges(ctx, [], [id]).catch((error: unknown) =>
    ctx.logger.warn({ err: error }, 'could not publish an alarm change to the live stream'),
  );
  return alarm;
}

function checkNotClaimedByOther(row: MonitoringAlarmsTable, principal: Principal, name: string): void {
  if (row.claimed_by !== null && row.claimed_by !== principal.userId)
    throw conflict(`${name} has claimed this alarm; claim it yourself first (with force) to take it over.`);
}

/** Claims an alarm so other operators see who handles it; `force` takes it over from someone else. */
export async function claimAlarm(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  force: boolean,
): Promise<Alarm> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await lockedAlarm(ctx, tx, principal, id);
    if (row.state === 'resolved') throw conflict('The alarm is already resolved.');
    if (row.claimed_by === principal.userId) return;
    if (!force) checkNotClaimedByOther(row, principal, await claimerName(tx, row.claimed_by ?? ''));
    await apply(tx, row, { claimed_by: principal.userId, claimed_at: nowIso() });
    await record({
      action: 'alarm.claimed',
      entityType: 'alarm',
      entityId: id,
      siteId: row.site_id,
      changes: { claimedBy: [row.claimed_by, principal.userId] },
    });
  });
  return presented(ctx, id);
}

/** Gives up a claim (one's own; taking over someone else's is `claim` with force). */
export async function releaseAlarm(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
): Promise<Alarm> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await lockedAlarm(ctx, tx, principal, id);
    if (row.claimed_by === null) return;
    checkNotClaimedByOther(row, principal, await claimerName(tx, row.claimed_by));
    await apply(tx, row, { claimed_by: null, claimed_at: null });
    await record({
      action: 'alarm.released',
      entityType: 'alarm',
      entityId: id,
      siteId: row.site_id,
      changes: { claimedBy: [row.claimed_by, null] },
    });
  });
  return presented(ctx, id);
}

/** Acknowledges an active alarm (and claims it when nobody has): escalation stops here. */
export async function acknowledgeAlarm(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
): Promise<Alarm> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await lockedAlarm(ctx, tx, principal, id);
    if (row.state !== 'active') throw conflict(`The alarm is already ${row.state}.`);
    checkNotClaimedByOther(row, principal, await claimerName(tx, row.claimed_by ?? ''));
    const now = nowIso();
    await apply(tx, row, {
      state: 'acknowledged',
      acknowledged_by: principal.userId,
      acknowledged_at: now,
      claimed_by: principal.userId,
      claimed_at: row.claimed_at ?? now,
    });
    await record({
      action: 'alarm.acknowledged',
      entityType: 'alarm',
      entityId: id,
      siteId: row.site_id,
      changes: { state: [row.state, 'acknowledged'] },
    });
  });
  return presented(ctx, id);
}

/** Completes the next step of the alarm's SOP, with a note of what was done. Steps go in order. */
export async function completeStep(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  index: number,
  note: string,
): Promise<AlarmDetail> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await lockedAlarm(ctx, tx, principal, id);
    if (row.state === 'resolved') throw conflict('The alarm is already resolved.');
    checkNotClaimedByOther(row, principal, await claimerName(tx, row.claimed_by ?? ''));
    const steps = await stepsOf(tx, row);
    const step = steps[index];
    if (!step) throw notFound('SOP step');
    if (step.completedAt !== null) throw conflict('This step is already completed.');
    const pending = steps.find((s) => s.completedAt === null);
    if (pending && pending.index < index)
      throw conflict(`Complete step ${pending.index + 1} first: the procedure is followed in order.`);
    await insertStep(tx, {
      alarm_id: id,
      step_index: index,
      completed_by: principal.userId,
      completed_at: nowIso(),
      note,
    });
    await apply(tx, row, {});
    await record({
      action: 'alarm.step_completed',
      entityType: 'alarm',
      entityId: id,
      siteId: row.site_id,
      changes: { step: index + 1, text: step.text, note },
    });
  });
  await presented(ctx, id);
  return getAlarmDetail(ctx, principal, id);
}

/** Resolves an alarm with its disposition; every SOP step must be completed first. */
export async function resolveAlarm(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: ResolveAlarm,
): Promise<Alarm> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await lockedAlarm(ctx, tx, principal, id);
    if (row.state === 'resolved') throw conflict('The alarm is already resolved.');
    checkNotClaimedByOther(row, principal, await claimerName(tx, row.claimed_by ?? ''));
    const open = (await stepsOf(tx, row)).filter((step) => step.completedAt === null);
    if (open.length > 0)
      throw new AppError(
        'conflict',
        `Complete the procedure before resolving: ${open.length} step(s) left, next "${open[0]?.text ?? ''}".`,
      );
    const now = nowIso();
    await apply(tx, row, {
      state: 'resolved',
      resolved_by: principal.userId,
      resolved_at: now,
      acknowledged_by: row.acknowledged_by ?? principal.userId,
      acknowledged_at: row.acknowledged_at ?? now,
      claimed_by: row.claimed_by ?? principal.userId,
      claimed_at: row.claimed_at ?? now,
      disposition: input.disposition,
      false_alarm_cause: input.disposition === 'false_alarm' ? (input.falseAlarmCause ?? 'unknown') : null,
      resolution_note: input.note,
    });
    await record({
      action: 'alarm.resolved',
      entityType: 'alarm',
      entityId: id,
      siteId: row.site_id,
      changes: {
        state: [row.state, 'resolved'],
        disposition: input.disposition,
        falseAlarmCause: input.falseAlarmCause ?? null,
        note: input.note,
      },
    });
  });
  return presented(ctx, id);
}

/** An alarm with its SOP steps and latest events (404 outside the caller's sites). */
export async function getAlarmDetail(
  ctx: AppContext,
  principal: Principal,
  id: string,
): Promise<AlarmDetail> {
  const db = ctx.database.db;
  const alarm = await findAlarmItem(db, principal, id);
  if (!alarm) throw notFound('Alarm');
  const row = await db
    .selectFrom('monitoring_alarms')
    .select(['id', 'sop_steps'])
    .where('id', '=', id)
    .executeTakeFirst();
  return {
    ...alarm,
    steps: row ? await stepsOf(db, row) : [],
    events: await eventsOfAlarm(db, id, 50),
  };
}

/** Seconds an alarm may stay unacknowledged, by priority rank, before the next tier is told. */
export const ACKNOWLEDGE_DEADLINES: Record<number, number> = { 1: 60, 2: 180, 3: 600, 4: 1800 };
const MAX_ESCALATION_LEVEL = 2;

/**
 * Escalates active alarms nobody acknowledged in time: tier 1 tells the site's managers, tier 2
 * the admins (the CSO). The escalation, its audit entry and the notification commit together.
 * Safe to run on several nodes at once: each step is a versioned update. The scheduler runs it
 * every few seconds (see jobs.ts).
 */
export async function escalateAlarms(
  ctx: AppContext,
  now: Date = new Date(),
): Promise<{ escalated: number }> {
  const candidates = await alarmsToEscalate(
    ctx.database.db,
    ACKNOWLEDGE_DEADLINES,
    now,
    MAX_ESCALATION_LEVEL,
    200,
  );
  let escalated = 0;
  const system = { actor: { type: 'system' as const, id: null, label: 'alarm escalation' }, requestId: null };
  for (const candidate of candidates) {
    const level = candidate.escalation_level + 1;
    const done = await writeAudited(ctx.database, system, async (tx, record) => {
      const moved = !(await updateAlarmVersioned(tx, candidate.id, candidate.version, {
        escalation_level: level,
        escalated_at: now.toISOString(),
        updated_at: nowIso(),
      }));
      if (moved) return false;
      await record({
        action: 'alarm.escalated',
        entityType: 'alarm',
        entityId: candidate.id,
        siteId: candidate.site_id,
        changes: { escalationLevel: [candidate.escalation_level, level] },
      });
      const recipients = await escalationRecipients(tx, level, candidate.site_id);
      if (recipients.length > 0) {
        const priority = rankPriority[candidate.priority] ?? 'low';
        await ctx.notifier.notify(tx, {
          userIds: recipients,
          category: 'escalation',
          severity: candidate.priority <= 2 ? 'critical' : 'warning',
          title: `Unacknowledged ${priority} alarm: ${candidate.type.replaceAll('_', ' ')}`,
          body: `An alarm raised at ${candidate.created_at} has not been acknowledged (escalation tier ${level}).`,
          link: `/alarms/${candidate.id}`,
          siteId: candidate.site_id,
        });
      }
      return true;
    });
    if (!done) continue;
    escalated += 1;
    await publishAlarmChanges(ctx, [], [candidate.id]).catch(() => undefined);
  }
  return { escalated };
}
