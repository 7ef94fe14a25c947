import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { incidentScope } from '../../../contracts/access.js';
import type { Principal } from '../../platform/access/principal.js';

/**
 * The SQL condition "the caller may know this incident exists", on the `incidents` table.
 * Applied to every query of the module — lookups by id (404 otherwise), lists, counts, search,
 * metrics and exports — so need-to-know is enforced by the database, not by filtering results.
 *
 * - A user excluded from a case (a subject) never sees it, whatever the role.
 * - Confidential cases: members only, and admins.
 * - Other cases: members, plus what the role's scope gives (contracts/access.ts `incidentScope`).
 */
export function incidentVisible(principal: Principal, table = 'incidents'): RawBuilder<SqlBool> {
  const uid = principal.userId;
  const id = sql.ref(`${table}.id`);
  const notExcluded = sql<SqlBool>`not exists (select 1 from incident_exclusions x where x.incident_id = ${id} and x.user_id = ${uid})`;
  const member = sql<SqlBool>`exists (select 1 from incident_members m where m.incident_id = ${id} and m.user_id = ${uid})`;
  const site = sql<SqlBool>`${sql.ref(`${table}.site_id`)} in (select site_id from user_sites where user_id = ${uid})`;
  const reporter = sql<SqlBool>`${sql.ref(`${table}.reported_by`)} = ${uid}`;
  const assignee = sql<SqlBool>`${sql.ref(`${table}.assigned_to`)} = ${uid}`;
  const open = sql<SqlBool>`${sql.ref(`${table}.confidential`)} = 0`;

  switch (incidentScope[principal.role]) {
    case 'all':
      return notExcluded;
    case 'all-open':
      return sql<SqlBool>`(${notExcluded} and (${open} or ${member}))`;
    case 'sites':
      return sql<SqlBool>`(${notExcluded} and (${member} or (${open} and (${site} or ${reporter} or ${assignee}))))`;
    case 'assigned':
      return sql<SqlBool>`(${notExcluded} and (${member} or (${open} and (${assignee} or ${reporter}))))`;
    case 'own':
      return sql<SqlBool>`(${notExcluded} and (${member} or (${open} and ${reporter} and ${site})))`;
  }
}

/** Personal data of people involved (names, contacts) is shown only with people:pii. */
export function canSeePersonalData(principal: Principal): boolean {
  return principal.permissions.has('people:pii');
}
