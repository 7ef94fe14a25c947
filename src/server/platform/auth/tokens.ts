import { z } from 'zod';
import { permissionSchema, roleSchema } from '../../../contracts/access.js';
import { principalFor, type Principal } from '../access/principal.js';
import type { Db } from '../db/database.js';
import { nowIso } from '../ids.js';
import { hashSecret, randomSecret } from './secrets.js';

export const TOKEN_PREFIX = 'vgl_';
const USE_TOUCH_INTERVAL_MS = 60_000;
const storedPermissions = z.array(permissionSchema);

/** A new API token: the secret (shown once) and what is stored (its hash and a display prefix). */
export function mintToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
  return { token, hash: hashSecret(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

/** Resolves a bearer token to its principal, or null when unknown, revoked, expired or its user is disabled. */
export async function principalForToken(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as tokenId',
      'api_tokens.permissions',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.status',
    ])
    .where('api_tokens.token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.status !== 'active') return null;
  const now = Date.now();
  if (row.expires_at !== null && now >= Date.parse(row.expires_at)) return null;
  const role = roleSchema.safeParse(row.role);
  const perms = storedPermissions.safeParse(JSON.parse(row.permissions));
  if (!role.success || !perms.success) return null;
  if (row.last_used_at === null || now - Date.parse(row.last_used_at) > USE_TOUCH_INTERVAL_MS) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: nowIso() })
      .where('id', '=', row.tokenId)
      .execute();
  }
  return { ...principalFor({ ...row, role: role.data }, 'token', perms.data), tokenId: row.tokenId };
}
