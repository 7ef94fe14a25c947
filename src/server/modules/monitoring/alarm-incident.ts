import { z } from 'zod';
import type { AlarmType, Priority } from '../../../contracts/monitoring.js';
import { idSchema } from '../../../contracts/common.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { nowIso } from '../../platform/ids.js';
import { createIncident } from '../incidents/index.js';
import { findAlarmItem } from './alarms.repository.js';

export const alarmIncidentResponse = z.object({
  alarmId: idSchema,
  incidentId: idSchema,
  reference: z.string(),
});

/** The incident type an alarm most likely is; the investigator can change it during triage. */
function incidentTypeOf(type: AlarmType): string {
  switch (type) {
    case 'intrusion':
    case 'door_forced':
      return 'burglary';
    case 'fire':
      return 'fire';
    case 'panic':
    case 'duress':
      return 'threat';
    case 'tamper':
      return 'vandalism';
    case 'person_detected':
    case 'vehicle_detected':
      return 'trespass';
    case 'medical':
      return 'injury';
    default:
      return 'suspicious_activity';
  }
}

const severityOf: Record<Priority, 'critical' | 'high' | 'medium' | 'low'> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
};

/**
 * Opens an incident from an alarm the caller can see (alarm desk → case), once per alarm. The
 * incident is created through the incidents module's own service (its rules, audit and SLA
 * clocks); the link is recorded and audited here. The alarm row lock on PostgreSQL and the
 * primary key on the link make a double click answer 409, not two cases.
 */
export async function openIncidentFromAlarm(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  alarmId: string,
) {
  const alarm = await findAlarmItem(ctx.database.db, principal, alarmId);
  if (!alarm) throw notFound('Alarm');
  if (!alarm.siteId)
    throw new AppError(
      'conflict',
      'This alarm has no site (an unregistered device); register the device before opening a case.',
    );
  const existing = await ctx.database.db
    .selectFrom('monitoring_alarm_incidents')
    .select('incident_id')
    .where('alarm_id', '=', alarmId)
    .executeTakeFirst();
  if (existing)
    throw new AppError(
      'conflict',
      `An incident was already opened from this alarm (${existing.incident_id}).`,
    );
  const where = [alarm.deviceName, alarm.zone ? `zone ${alarm.zone}` : null].filter(Boolean).join(', ');
  const incident = await createIncident(ctx, audit, principal, {
    title: `${alarm.type.replaceAll('_', ' ')} alarm${where ? ` — ${where}` : ''}`,
    description: `Opened from alarm ${alarm.id} (${alarm.code ?? alarm.type}, first at ${alarm.firstAt}, ${alarm.count} event(s)).`,
    type: incidentTypeOf(alarm.type),
    severity: severityOf[alarm.priority],
    occurredAt: alarm.firstAt,
    siteId: alarm.siteId,
    people: [],
    assets: [],
    vehicles: [],
    confidential: false,
    members: [],
  });
  await writeAudited(ctx.database, audit, async (tx, record) => {
    await tx
      .insertInto('monitoring_alarm_incidents')
      .values({
        alarm_id: alarmId,
        incident_id: incident.id,
        linked_by: principal.userId,
        linked_at: nowIso(),
      })
      .execute();
    await record({
      action: 'alarm.incident_opened',
      entityType: 'alarm',
      entityId: alarmId,
      siteId: alarm.siteId,
      changes: { incidentId: incident.id },
    });
  });
  return { alarmId, incidentId: incident.id, reference: incident.reference };
}
