import type { Generated } from 'kysely';
import type { SavedViewsTable } from '../../platform/views/saved-views.js';

/** Tables of the incidents module (migration 0010_incidents), merged into the database type. */
export interface IncidentsTable {
  id: string;
  reference: string;
  kind: string;
  title: string;
  description: string;
  type: string;
  severity: string;
  status: string;
  occurred_at: string | null;
  event_at: string;
  site_id: string | null;
  location: string | null;
  confidential: number;
  anonymous: number;
  reported_by: string | null;
  assigned_to: string | null;
  assets: string;
  vehicles: string;
  findings: string | null;
  root_cause: string | null;
  disposition: string | null;
  disposition_note: string | null;
  merged_into: string | null;
  legal_hold_reason: string | null;
  legal_hold_since: string | null;
  followup_hash: string | null;
  triage_due_at: string | null;
  triage_warn_at: string | null;
  triage_warned: number;
  triage_breached: number;
  resolve_due_at: string | null;
  resolve_warn_at: string | null;
  resolve_warned: number;
  resolve_breached: number;
  triaged_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface IncidentMembersTable {
  incident_id: string;
  user_id: string;
  added_at: string;
  added_by: string | null;
}

export interface IncidentExclusionsTable {
  incident_id: string;
  user_id: string;
  reason: string;
  added_at: string;
  added_by: string | null;
}

export interface IncidentPeopleTable {
  id: string;
  incident_id: string;
  role: string;
  person_id: string | null;
  user_id: string | null;
  name: string | null;
  contact: string | null;
  notes: string | null;
  created_at: string;
}

export interface IncidentNotesTable {
  id: string;
  incident_id: string;
  author_id: string | null;
  author_label: string;
  body: string;
  created_at: string;
}

export interface IncidentTimelineTable {
  id: string;
  incident_id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  kind: string;
  summary: string;
  data: string;
}

export interface IncidentWorkItemsTable {
  id: string;
  incident_id: string;
  kind: string;
  title: string;
  owner_id: string | null;
  due_at: string | null;
  status: string;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface IncidentReferralsTable {
  id: string;
  incident_id: string;
  agency: string;
  contact: string | null;
  case_number: string | null;
  referred_on: string;
  shared: string;
  follow_ups: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ConcernMessagesTable {
  id: string;
  thread_id: string;
  seq: number;
  direction: string;
  body: string;
  author_id: string | null;
  author_label: string | null;
  created_on: string;
}

export interface IncidentSearchTable {
  id: Generated<number>;
  incident_id: string;
  title: string;
  description: string;
  notes: string;
}

/** The FTS5 index over incident_search (SQLite only; PostgreSQL uses a tsvector column). */
export interface IncidentSearchFtsTable {
  rowid: number;
  incident_search_fts: string;
  title: string;
  description: string;
  notes: string;
}

export interface IncidentTypesTable {
  key: string;
  label: string;
  created_at: string;
}

export interface BusinessCalendarsTable {
  id: string;
  name: string;
  timezone: string;
  hours: string;
  holidays: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface IncidentSlaPoliciesTable {
  severity: string;
  triage_minutes: number;
  resolve_minutes: number;
  warn_percent: number;
  calendar_id: string | null;
  updated_at: string;
  version: number;
}

export interface IncidentEvidenceTable {
  id: string;
  incident_id: string;
  kind: string;
  description: string | null;
  sha256: string | null;
  size: number | null;
  filename: string | null;
  content_type: string | null;
  bag_tag: string | null;
  storage_location: string | null;
  custodian: string | null;
  status: string;
  integrity: string;
  last_verified_at: string | null;
  acquired_at: string;
  acquired_by_id: string | null;
  acquired_by_label: string;
  disposal_reason: string | null;
  disposal_requested_by: string | null;
  disposal_requested_by_id: string | null;
  disposal_requested_at: string | null;
  disposal_approved_by: string | null;
  disposed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface EvidenceCustodyTable {
  id: string;
  evidence_id: string;
  action: string;
  at: string;
  time_zone: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  reason: string | null;
  from_party: string | null;
  to_party: string | null;
  storage_location: string | null;
  details: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    incidents: IncidentsTable;
    incident_members: IncidentMembersTable;
    incident_exclusions: IncidentExclusionsTable;
    incident_people: IncidentPeopleTable;
    incident_notes: IncidentNotesTable;
    incident_timeline: IncidentTimelineTable;
    incident_work_items: IncidentWorkItemsTable;
    incident_referrals: IncidentReferralsTable;
    concern_messages: ConcernMessagesTable;
    incident_search: IncidentSearchTable;
    incident_search_fts: IncidentSearchFtsTable;
    incident_types: IncidentTypesTable;
    business_calendars: BusinessCalendarsTable;
    incident_sla_policies: IncidentSlaPoliciesTable;
    incident_evidence: IncidentEvidenceTable;
    evidence_custody: EvidenceCustodyTable;
    /** Migration 0032_incident_views. */
    incident_saved_views: SavedViewsTable;
  }
}
