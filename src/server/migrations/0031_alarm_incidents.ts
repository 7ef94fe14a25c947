// Frozen: never import application code here.
import type { Kysely } from 'kysely';

/** The incident opened from an alarm (one per alarm). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitoring_alarm_incidents')
    .addColumn('alarm_id', 'text', (c) => c.primaryKey().references('monitoring_alarms.id'))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0031_alarm_incidents cannot be reverted'));
}
