import type { Generated } from 'kysely';

/*
 * Column conventions (one code path for SQLite and PostgreSQL):
 * - ids are app-generated UUIDv7 text;
 * - times are ISO-8601 UTC text with milliseconds, so they sort as text on both dialects;
 * - booleans are integers 0/1 (SQLite has no boolean);
 * - JSON is text, parsed in the repository that owns the table.
 * Modules add their tables to `Database` by declaration merging from their own `tables.ts`.
 */

export interface SitesTable {
  id: string;
  code: string;
  name: string;
  timezone: string;
  address: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  status: string;
  password_hash: string | null;
  password_changed_at: string | null;
  oidc_subject: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UserSitesTable {
  user_id: string;
  site_id: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  absolute_expires_at: string;
  ip: string | null;
  user_agent: string | null;
  auth_method: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  permissions: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

export interface AuthFailuresTable {
  id: Generated<number>;
  key: string;
  at: string;
}

export interface PeopleTable {
  id: string;
  site_id: string;
  kind: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  employee_number: string | null;
  department: string | null;
  title: string | null;
  status: string;
  manager_id: string | null;
  user_id: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  site_id: string | null;
  changes: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface SequencesTable {
  name: string;
  value: number;
}

export interface Database {
  sequences: SequencesTable;
  sites: SitesTable;
  users: UsersTable;
  user_sites: UserSitesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  auth_failures: AuthFailuresTable;
  people: PeopleTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
}
