import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Principal } from './principal.js';

/**
 * The SQL condition "this row's site is one the caller may see", for `.where(...)`. Out-of-scope
 * rows are filtered in the query itself, so they never appear in lists, counts or exports, and a
 * lookup by id answers 404. `siteColumn` is a trusted column reference such as 'people.site_id'.
 */
export function siteVisible(siteColumn: string, principal: Principal): RawBuilder<SqlBool> {
  if (principal.allSites) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.ref(siteColumn)} in (select site_id from user_sites where user_id = ${principal.userId})`;
}

/** True when the caller may see records of this site (for checks outside a query). */
export function canSeeSite(principal: Principal, siteId: string, userSiteIds: readonly string[]): boolean {
  return principal.allSites || userSiteIds.includes(siteId);
}
