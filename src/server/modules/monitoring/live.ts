import type { Alarm, AlarmStreamMessage } from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { alarmItemsByIds } from './alarms.repository.js';

/** The bus subject of alarm changes (raised, folded, restored, claimed, acknowledged, resolved). */
export const ALARM_SUBJECT = 'monitoring.alarms';

/**
 * Publishes alarm changes to every node's live stream, after their transaction committed: a
 * subscriber never hears of an alarm the database does not have.
 */
export async function publishAlarmChanges(
  ctx: AppContext,
  raised: readonly string[],
  updated: readonly string[],
): Promise<void> {
  const bus = ctx.bus;
  if (!bus || (raised.length === 0 && updated.length === 0)) return;
  const alarms = await alarmItemsByIds(ctx.database.db, [...raised, ...updated]);
  const isRaised = new Set(raised);
  for (const alarm of alarms) publishAlarm(ctx, alarm, isRaised.has(alarm.id) ? 'raised' : 'updated');
}

/** Publishes one alarm as it now stands. */
export function publishAlarm(ctx: AppContext, alarm: Alarm, change: AlarmStreamMessage['change']): void {
  const message: AlarmStreamMessage = { change, alarm };
  ctx.bus?.publish(ALARM_SUBJECT, message);
}
