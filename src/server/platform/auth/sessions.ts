import { createHash } from 'node:crypto';
import { roleSchema } from '../../../contracts/access.js';
import { principalFor, type Principal } from '../access/principal.js';
import type { Db, Tx } from '../db/database.js';
import { nowIso } from '../ids.js';
import { hashSecret, randomSecret } from './secrets.js';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

// last_seen_at is refreshed at most this often, so a busy session does not write on every request.
const TOUCH_INTERVAL_MS = 60_000;

/** The CSRF token of a session: derived from the raw session id, so it needs no storage. */
export function csrfTokenFor(rawSessionId: string): string {
  return createHash('sha256').update(`csrf:${rawSessionId}`).digest('base64url');
}

/**
 * Opens a session for a user and returns its raw id (256 random bits) for the cookie. Only the
 * hash is stored. A new id at every login defeats session fixation.
 */
export async function createSession(
  tx: Tx,
  policy: SessionPolicy,
  input: { userId: string; method: 'password' | 'oidc'; ip: string | null; userAgent: string | null },
): Promise<string> {
  const raw = randomSecret(32);
  const now = new Date();
  await tx
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(raw),
      user_id: input.userId,
      created_at: nowIso(now),
      last_seen_at: nowIso(now),
      absolute_expires_at: nowIso(new Date(now.getTime() + policy.absoluteHours * 3_600_000)),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      auth_method: input.method,
    })
    .execute();
  return raw;
}

/** Resolves a session cookie to its principal, or null when unknown, expired or the user is disabled. */
export async function principalForSession(
  db: Db,
  policy: SessionPolicy,
  raw: string,
): Promise<Principal | null> {
  const idHash = hashSecret(raw);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.last_seen_at',
      'sessions.absolute_expires_at',
      'sessions.auth_method',
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.status',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  const idleExpired = now - Date.parse(row.last_seen_at) > policy.idleMinutes * 60_000;
  const absoluteExpired = now >= Date.parse(row.absolute_expires_at);
  const role = roleSchema.safeParse(row.role);
  if (idleExpired || absoluteExpired || row.status !== 'active' || !role.success) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  if (now - Date.parse(row.last_seen_at) > TOUCH_INTERVAL_MS) {
    await db.updateTable('sessions').set({ last_seen_at: nowIso() }).where('id_hash', '=', idHash).execute();
  }
  const principal = principalFor(
    { ...row, role: role.data },
    row.auth_method === 'oidc' ? 'oidc' : 'password',
  );
  return { ...principal, sessionIdHash: idHash, csrfToken: csrfTokenFor(raw) };
}

/** Ends one session. */
export async function endSession(tx: Tx, idHash: string): Promise<void> {
  await tx.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user (on disable, role change or password change). */
export async function endAllSessions(tx: Tx, userId: string): Promise<number> {
  const result = await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
