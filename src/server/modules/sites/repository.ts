import type { Site } from '../../../contracts/sites.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Tx } from '../../platform/db/database.js';
import type { SitesTable } from '../../platform/db/schema.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';

export function toSite(row: SitesTable): Site {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    timezone: row.timezone,
    address: row.address,
    status: row.status === 'archived' ? 'archived' : 'active',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Sites the principal may see, by name then id. */
export async function listSites(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; q?: string; status?: string },
) {
  const after = decodeCursor(query.cursor, 2);
  const rows = await db
    .selectFrom('sites')
    .selectAll()
    .where(siteVisible('sites.id', principal))
    .$if(query.q !== undefined, (qb) =>
      qb.where((eb) => eb.or([eb('name', 'like', `%${query.q}%`), eb('code', 'like', `%${query.q}%`)])),
    )
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status ?? ''))
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('name', '>', String(after?.[0])),
          eb.and([eb('name', '=', String(after?.[0])), eb('id', '>', String(after?.[1]))]),
        ]),
      ),
    )
    .orderBy('name')
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.name, row.id], toSite);
}

export async function findSite(db: Tx, principal: Principal, id: string): Promise<SitesTable | undefined> {
  return db
    .selectFrom('sites')
    .selectAll()
    .where('id', '=', id)
    .where(siteVisible('sites.id', principal))
    .executeTakeFirst();
}

export async function findSiteByCode(db: Tx, code: string): Promise<SitesTable | undefined> {
  return db.selectFrom('sites').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertSite(tx: Tx, row: SitesTable): Promise<void> {
  await tx.insertInto('sites').values(row).execute();
}

/** Updates when the version still matches; returns false when someone else changed it first. */
export async function updateSiteVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<SitesTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('sites')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ids of existing sites among `ids` (to validate references). */
export async function existingSiteIds(db: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('sites').select('id').where('id', 'in', ids).execute();
  return rows.map((row) => row.id);
}
