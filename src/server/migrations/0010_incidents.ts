// Frozen: never import application code here. Dialect-portable column types only
// (text, integer, double precision); see platform/db/schema.ts for the conventions.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';

// The seeded business calendar (Monday to Friday, 09:00–17:00 UTC) used by the default SLAs.
const BUSINESS_CALENDAR_ID = '01900000-0000-7000-8000-000000000001';

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const now = new Date().toISOString();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text')
    // What the case is dated by in lists and date filters: when it occurred, else when it was reported.
    .addColumn('event_at', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .addColumn('location', 'text')
    .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reported_by', 'text', (c) => c.references('users.id'))
    .addColumn('assigned_to', 'text', (c) => c.references('users.id'))
    .addColumn('assets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('vehicles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('findings', 'text')
    .addColumn('root_cause', 'text')
    .addColumn('disposition', 'text')
    .addColumn('disposition_note', 'text')
    .addColumn('merged_into', 'text', (c) => c.references('incidents.id'))
    .addColumn('legal_hold_reason', 'text')
    .addColumn('legal_hold_since', 'text')
    .addColumn('followup_hash', 'text')
    .addColumn('triage_due_at', 'text')
    .addColumn('triage_warn_at', 'text')
    .addColumn('triage_warned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('triage_breached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolve_due_at', 'text')
    .addColumn('resolve_warn_at', 'text')
    .addColumn('resolve_warned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolve_breached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('triaged_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Lists are newest first (id desc) with optional filters; each filter has an (x, id) index.
  for (const column of ['site_id', 'status', 'type', 'severity', 'assigned_to', 'reported_by']) {
    await db.schema.createIndex(`incidents_${column}_id`).on('incidents').columns([column, 'id']).execute();
  }
  // Date-filtered lists walk this index in (event_at, id) order.
  await db.schema.createIndex('incidents_event_at_id').on('incidents').columns(['event_at', 'id']).execute();
  await db.schema.createIndex('incidents_created_at').on('incidents').column('created_at').execute();
  await db.schema.createIndex('incidents_merged_into').on('incidents').column('merged_into').execute();
  // The SLA job looks for open cases whose warning time has passed (a due time is never earlier).
  await db.schema
    .createIndex('incidents_triage_sla')
    .on('incidents')
    .columns(['status', 'triage_warn_at'])
    .execute();
  await db.schema
    .createIndex('incidents_resolve_sla')
    .on('incidents')
    .columns(['status', 'resolve_warn_at'])
    .execute();

  await db.schema
    .createTable('incident_members')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text')
    .addPrimaryKeyConstraint('incident_members_pk', ['incident_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('incident_members_user')
    .on('incident_members')
    .columns(['user_id', 'incident_id'])
    .execute();

  await db.schema
    .createTable('incident_exclusions')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text')
    .addPrimaryKeyConstraint('incident_exclusions_pk', ['incident_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('incident_exclusions_user')
    .on('incident_exclusions')
    .columns(['user_id', 'incident_id'])
    .execute();

  await db.schema
    .createTable('incident_people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('name', 'text')
    .addColumn('contact', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_people_incident')
    .on('incident_people')
    .column('incident_id')
    .execute();

  await db.schema
    .createTable('incident_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('author_id', 'text')
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_notes_incident')
    .on('incident_notes')
    .columns(['incident_id', 'id'])
    .execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_timeline_incident')
    .on('incident_timeline')
    .columns(['incident_id', 'id'])
    .execute();

  await db.schema
    .createTable('incident_work_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('due_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('incident_work_items_incident')
    .on('incident_work_items')
    .columns(['incident_id', 'kind', 'id'])
    .execute();

  await db.schema
    .createTable('incident_referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('case_number', 'text')
    .addColumn('referred_on', 'text', (c) => c.notNull())
    .addColumn('shared', 'text', (c) => c.notNull())
    .addColumn('follow_ups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('incident_referrals_incident')
    .on('incident_referrals')
    .column('incident_id')
    .execute();

  // A concern's conversation: `thread_id` is the concern it was opened on and never changes,
  // even when that concern is merged into another case, so a reporter only ever sees their own.
  await db.schema
    .createTable('concern_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('thread_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('author_label', 'text')
    .addColumn('created_on', 'text', (c) => c.notNull())
    .addUniqueConstraint('concern_messages_thread_seq', ['thread_id', 'seq'])
    .execute();

  await db.schema
    .createTable('incident_search')
    .addColumn('id', 'integer', (c) =>
      pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .execute();
  if (pg) {
    await sql`alter table incident_search add column tsv tsvector generated always as (
      to_tsvector('simple', title || ' ' || description || ' ' || notes)) stored`.execute(db);
    await sql`create index incident_search_tsv on incident_search using gin (tsv)`.execute(db);
  } else {
    // External-content FTS5 index kept in step with incident_search by triggers.
    await sql`create virtual table incident_search_fts using fts5(
      title, description, notes, content='incident_search', content_rowid='id',
      tokenize='unicode61 remove_diacritics 2')`.execute(db);
    await sql`create trigger incident_search_ai after insert on incident_search begin
      insert into incident_search_fts(rowid, title, description, notes)
        values (new.id, new.title, new.description, new.notes);
    end`.execute(db);
    await sql`create trigger incident_search_ad after delete on incident_search begin
      insert into incident_search_fts(incident_search_fts, rowid, title, description, notes)
        values ('delete', old.id, old.title, old.description, old.notes);
    end`.execute(db);
    await sql`create trigger incident_search_au after update on incident_search begin
      insert into incident_search_fts(incident_search_fts, rowid, title, description, notes)
        values ('delete', old.id, old.title, old.description, old.notes);
      insert into incident_search_fts(rowid, title, description, notes)
        values (new.id, new.title, new.description, new.notes);
    end`.execute(db);
  }

  await db.schema
    .createTable('incident_types')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('business_calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('hours', 'text', (c) => c.notNull())
    .addColumn('holidays', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  const weekday = [{ start: '09:00', end: '17:00' }];
  const hours = JSON.stringify([weekday, weekday, weekday, weekday, weekday, [], []]);
  await sql`insert into business_calendars (id, name, timezone, hours, holidays, created_at, updated_at, version)
    values (${BUSINESS_CALENDAR_ID}, 'Business hours', 'UTC', ${hours}, '[]', ${now}, ${now}, 1)`.execute(db);

  await db.schema
    .createTable('incident_sla_policies')
    .addColumn('severity', 'text', (c) => c.primaryKey())
    .addColumn('triage_minutes', 'integer', (c) => c.notNull())
    .addColumn('resolve_minutes', 'integer', (c) => c.notNull())
    .addColumn('warn_percent', 'integer', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.references('business_calendars.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Critical and high run around the clock; medium and low count business hours only.
  const policies: [string, number, number, string | null][] = [
    ['critical', 30, 24 * 60, null],
    ['high', 4 * 60, 3 * 24 * 60, null],
    ['medium', 8 * 60, 10 * 8 * 60, BUSINESS_CALENDAR_ID],
    ['low', 3 * 8 * 60, 30 * 8 * 60, BUSINESS_CALENDAR_ID],
  ];
  for (const [severity, triage, resolve, calendar] of policies) {
    await sql`insert into incident_sla_policies
      (severity, triage_minutes, resolve_minutes, warn_percent, calendar_id, updated_at, version)
      values (${severity}, ${triage}, ${resolve}, 75, ${calendar}, ${now}, 1)`.execute(db);
  }

  await db.schema
    .createTable('incident_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sha256', 'text')
    .addColumn('size', 'integer')
    .addColumn('filename', 'text')
    .addColumn('content_type', 'text')
    .addColumn('bag_tag', 'text')
    .addColumn('storage_location', 'text')
    .addColumn('custodian', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('integrity', 'text', (c) => c.notNull())
    .addColumn('last_verified_at', 'text')
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('acquired_by_id', 'text')
    .addColumn('acquired_by_label', 'text', (c) => c.notNull())
    .addColumn('disposal_reason', 'text')
    .addColumn('disposal_requested_by', 'text')
    .addColumn('disposal_requested_by_id', 'text')
    .addColumn('disposal_requested_at', 'text')
    .addColumn('disposal_approved_by', 'text')
    .addColumn('disposed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('incident_evidence_incident')
    .on('incident_evidence')
    .columns(['incident_id', 'id'])
    .execute();
  await db.schema.createIndex('incident_evidence_sha256').on('incident_evidence').column('sha256').execute();

  await db.schema
    .createTable('evidence_custody')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('evidence_id', 'text', (c) => c.notNull().references('incident_evidence.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('from_party', 'text')
    .addColumn('to_party', 'text')
    .addColumn('storage_location', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('evidence_custody_evidence')
    .on('evidence_custody')
    .columns(['evidence_id', 'id'])
    .execute();

  // The timeline, the custody log and concern conversations are records: append-only in the schema.
  const appendOnly = ['incident_timeline', 'evidence_custody', 'concern_messages', 'incident_notes'];
  if (pg) {
    await sql`
      create function incidents_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only', tg_table_name;
      end $$`.execute(db);
    for (const table of appendOnly) {
      await sql`create trigger ${sql.raw(`${table}_no_change`)} before update or delete on ${sql.table(table)}
        for each row execute function incidents_append_only()`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
        for each statement execute function incidents_append_only()`.execute(db);
    }
  } else {
    for (const table of appendOnly) {
      await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
        begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_no_delete`)} before delete on ${sql.table(table)}
        begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
    }
  }
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0010_incidents cannot be reverted'));
}
