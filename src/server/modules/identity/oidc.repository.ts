import type { Tx } from '../../platform/db/database.js';
import type { OidcLoginsTable } from './oidc.tables.js';

/** Stores a sign-on attempt's secrets until its callback. */
export async function insertOidcLogin(db: Tx, row: OidcLoginsTable): Promise<void> {
  await db.insertInto('oidc_logins').values(row).execute();
}

/**
 * Takes a sign-on attempt out of the store in one statement: of two callbacks racing with the same
 * state, only one gets the row, so a state can never be redeemed twice.
 */
export async function takeOidcLogin(db: Tx, stateHash: string): Promise<OidcLoginsTable | undefined> {
  return db.deleteFrom('oidc_logins').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
}

/** Forgets attempts that were never completed. */
export async function purgeExpiredOidcLogins(db: Tx, now: string): Promise<void> {
  await db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
}
