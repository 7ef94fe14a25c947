import { roleSchema } from '../../../contracts/access.js';
import type { ApiToken, User } from '../../../contracts/identity.js';
import type { Db, Tx } from '../../platform/db/database.js';
import type { ApiTokensTable, UsersTable } from '../../platform/db/schema.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';

export function toUser(row: UsersTable, sites: string[]): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: roleSchema.parse(row.role),
    status: row.status === 'disabled' ? 'disabled' : 'active',
    sites,
    sso: row.oidc_subject !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export function toToken(row: ApiTokensTable): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    permissions: JSON.parse(row.permissions) as string[],
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
  };
}

/** Site ids assigned to each of the given users. */
export async function sitesOfUsers(db: Tx, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_sites')
    .select(['user_id', 'site_id'])
    .where('user_id', 'in', userIds)
    .orderBy('site_id')
    .execute();
  for (const row of rows) map.get(row.user_id)?.push(row.site_id);
  return map;
}

export async function findUserById(db: Tx, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Tx, email: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserByOidcSubject(db: Tx, subject: string): Promise<UsersTable | undefined> {
  return db.selectFrom('users').selectAll().where('oidc_subject', '=', subject).executeTakeFirst();
}

export async function countUsers(db: Tx): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function countActiveAdmins(db: Tx): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function listUsers(
  db: Db,
  query: { limit: number; cursor?: string; q?: string; role?: string; status?: string },
) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .$if(query.q !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([eb('name', 'like', `%${query.q}%`), eb('email', 'like', `%${query.q?.toLowerCase()}%`)]),
      ),
    )
    .$if(query.role !== undefined, (qb) => qb.where('role', '=', query.role ?? ''))
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status ?? ''))
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const sites = await sitesOfUsers(
    db,
    rows.map((row) => row.id),
  );
  return pageOf(
    rows,
    query.limit,
    (row) => [row.id],
    (row) => toUser(row, sites.get(row.id) ?? []),
  );
}

export async function insertUser(tx: Tx, row: UsersTable, siteIds: readonly string[]): Promise<void> {
  await tx.insertInto('users').values(row).execute();
  await replaceUserSites(tx, row.id, siteIds);
}

export async function replaceUserSites(tx: Tx, userId: string, siteIds: readonly string[]): Promise<void> {
  await tx.deleteFrom('user_sites').where('user_id', '=', userId).execute();
  if (siteIds.length > 0) {
    await tx
      .insertInto('user_sites')
      .values([...new Set(siteIds)].map((siteId) => ({ user_id: userId, site_id: siteId })))
      .execute();
  }
}

export async function updateUserVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<UsersTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('users')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setUserFields(
  tx: Tx,
  id: string,
  patch: Partial<Omit<UsersTable, 'id'>>,
): Promise<void> {
  await tx.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function insertToken(tx: Tx, row: ApiTokensTable): Promise<void> {
  await tx.insertInto('api_tokens').values(row).execute();
}

export async function listTokens(db: Db, userId: string | null) {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .$if(userId !== null, (qb) => qb.where('user_id', '=', userId ?? ''))
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
}

export async function findToken(db: Tx, id: string): Promise<ApiTokensTable | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeTokenRow(tx: Tx, id: string, at: string): Promise<void> {
  await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function getSetting(db: Tx, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function putSetting(tx: Tx, key: string, value: string, at: string): Promise<void> {
  await tx
    .insertInto('settings')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}

export async function deleteSetting(tx: Tx, key: string): Promise<void> {
  await tx.deleteFrom('settings').where('key', '=', key).execute();
}
