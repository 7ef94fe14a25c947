import type { Db } from '../db/database.js';
import { nowIso } from '../ids.js';

/** Failed logins allowed per window, per account and per client address (OWASP ASVS V2.2.1). */
export const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMinutes: 15 } as const;

const accountKey = (email: string) => `acct:${email}`;
const addressKey = (ip: string) => `ip:${ip}`;

/** Seconds until another login attempt is allowed, or 0 when it is allowed now. */
export async function loginRetryAfter(db: Db, email: string, ip: string): Promise<number> {
  const since = nowIso(new Date(Date.now() - LOGIN_LIMITS.windowMinutes * 60_000));
  const rows = await db
    .selectFrom('auth_failures')
    .select(['key', (eb) => eb.fn.countAll<number>().as('failures'), (eb) => eb.fn.min('at').as('oldest')])
    .where('key', 'in', [accountKey(email), addressKey(ip)])
    .where('at', '>', since)
    .groupBy('key')
    .execute();
  let retryAfter = 0;
  for (const row of rows) {
    const limit = row.key.startsWith('acct:') ? LOGIN_LIMITS.perAccount : LOGIN_LIMITS.perAddress;
    if (row.failures >= limit && row.oldest) {
      const freesAt = Date.parse(row.oldest) + LOGIN_LIMITS.windowMinutes * 60_000;
      retryAfter = Math.max(retryAfter, Math.ceil((freesAt - Date.now()) / 1000));
    }
  }
  return retryAfter;
}

/** Records a failed login against the account and the address. */
export async function recordLoginFailure(db: Db, email: string, ip: string): Promise<void> {
  const at = nowIso();
  await db
    .insertInto('auth_failures')
    .values([
      { key: accountKey(email), at },
      { key: addressKey(ip), at },
    ])
    .execute();
}

/** Clears an account's failures after a successful login. */
export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('auth_failures').where('key', '=', accountKey(email)).execute();
}

/** Removes failures older than the window (run by the scheduler). */
export async function pruneLoginFailures(db: Db): Promise<void> {
  const since = nowIso(new Date(Date.now() - LOGIN_LIMITS.windowMinutes * 60_000));
  await db.deleteFrom('auth_failures').where('at', '<=', since).execute();
}
