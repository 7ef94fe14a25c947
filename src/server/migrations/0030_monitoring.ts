// Frozen: never import application code here. Dialect-portable column types only
// (text, integer, double precision); see platform/db/schema.ts for the conventions.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitoring_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('last_seen_at', 'text')
    .addColumn('status_changed_at', 'text')
    .addColumn('supervision_seconds', 'integer')
    // When a supervised device is overdue (last heard + period + grace): indexed for the sweep.
    .addColumn('supervision_due_at', 'text')
    .addColumn('dc09_account', 'text', (c) => c.unique())
    .addColumn('dc09_key', 'text')
    .addColumn('dc09_key_encoding', 'text')
    .addColumn('frigate_camera', 'text', (c) => c.unique())
    .addColumn('zigbee_name', 'text', (c) => c.unique())
    .addColumn('external_id', 'text', (c) => c.unique())
    .addColumn('vendor', 'text')
    .addColumn('model', 'text')
    .addColumn('firmware', 'text')
    .addColumn('serial', 'text')
    .addColumn('location', 'text')
    .addColumn('zone', 'text')
    .addColumn('installed_on', 'text')
    .addColumn('last_maintenance_on', 'text')
    .addColumn('next_maintenance_on', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('monitoring_devices_site')
    .on('monitoring_devices')
    .columns(['site_id', 'name'])
    .execute();
  await db.schema
    .createIndex('monitoring_devices_status')
    .on('monitoring_devices')
    .columns(['status', 'site_id'])
    .execute();
  await db.schema
    .createIndex('monitoring_devices_supervision')
    .on('monitoring_devices')
    .column('supervision_due_at')
    .execute();

  await db.schema
    .createTable('monitoring_device_troubles')
    .addColumn('device_id', 'text', (c) => c.notNull().references('monitoring_devices.id'))
    .addColumn('condition', 'text', (c) => c.notNull())
    // '' when the condition is not tied to a zone, so the key stays unique on both dialects.
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitoring_device_troubles_pk', ['device_id', 'condition', 'zone'])
    .execute();

  await db.schema
    .createTable('monitoring_device_outages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('monitoring_devices.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('cause', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_device_outages_device')
    .on('monitoring_device_outages')
    .columns(['device_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('monitoring_device_outages_site')
    .on('monitoring_device_outages')
    .columns(['site_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('monitoring_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .addColumn('device_id', 'text', (c) => c.references('monitoring_devices.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer')
    .addColumn('schedule', 'text')
    .addColumn('fold_seconds', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('monitoring_rules_type')
    .on('monitoring_rules')
    .columns(['event_type', 'enabled'])
    .execute();

  await db.schema
    .createTable('monitoring_sops')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alarm_type', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    // site_id or '*' for the organization-wide SOP: one SOP per type and scope on both dialects.
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('monitoring_sops_type_scope', ['alarm_type', 'scope_key'])
    .execute();

  await db.schema
    .createTable('monitoring_alarms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .addColumn('device_id', 'text', (c) => c.references('monitoring_devices.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    // 1 critical … 4 low: the desk orders by it.
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('restored_at', 'text')
    .addColumn('zone', 'text')
    .addColumn('code', 'text')
    // device|zone|type (or the unregistered account): repeats within fold_seconds fold into this alarm.
    .addColumn('fold_key', 'text', (c) => c.notNull())
    .addColumn('fold_seconds', 'integer', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    // The SOP's steps as they were when the alarm was raised (later SOP edits do not move the goalposts).
    .addColumn('sop_steps', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.references('users.id'))
    .addColumn('claimed_at', 'text')
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .addColumn('acknowledged_at', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolved_at', 'text')
    .addColumn('disposition', 'text')
    .addColumn('false_alarm_cause', 'text')
    .addColumn('resolution_note', 'text')
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('monitoring_alarms_desk')
    .on('monitoring_alarms')
    .columns(['state', 'priority', 'first_at'])
    .execute();
  await db.schema
    .createIndex('monitoring_alarms_fold')
    .on('monitoring_alarms')
    .columns(['fold_key', 'state'])
    .execute();
  await db.schema
    .createIndex('monitoring_alarms_site')
    .on('monitoring_alarms')
    .columns(['site_id', 'state'])
    .execute();
  await db.schema
    .createIndex('monitoring_alarms_device')
    .on('monitoring_alarms')
    .columns(['device_id', 'resolved_at'])
    .execute();

  await db.schema
    .createTable('monitoring_alarm_steps')
    .addColumn('alarm_id', 'text', (c) => c.notNull().references('monitoring_alarms.id'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('completed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('completed_at', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitoring_alarm_steps_pk', ['alarm_id', 'step_index'])
    .execute();

  await db.schema
    .createTable('monitoring_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_event_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('site_id', 'text')
    .addColumn('device_ref', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('restore_of', 'text')
    .addColumn('code', 'text')
    .addColumn('zone', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('alarm_id', 'text')
    .addColumn('details', 'text')
    // The idempotency key: a retransmitted or retried event is acknowledged and not stored twice.
    .addUniqueConstraint('monitoring_events_source_id', ['source', 'source_event_id'])
    .execute();
  // No per-device or per-site index on events: ingestion is the hottest write path and pays for
  // every index on every event (a device index scattered over all devices tripled the commit cost).
  // The primary key is time-ordered (UUIDv7), so event history is read by time window over it.
  // Partial: most events are log entries without an alarm, and need no entry here.
  await db.schema
    .createIndex('monitoring_events_alarm')
    .on('monitoring_events')
    .columns(['alarm_id', 'id'])
    .where('alarm_id', 'is not', null)
    .execute();
}

export function down(): Promise<void> {
  // Migrations move forward only: alarm and event records are evidence.
  return Promise.reject(new Error('0030_monitoring cannot be reverted'));
}
