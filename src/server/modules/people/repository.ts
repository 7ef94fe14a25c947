import type { Person, PersonListQuery } from '../../../contracts/people.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { Db, Tx } from '../../platform/db/database.js';
import type { PeopleTable } from '../../platform/db/schema.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';

/** Presents a person; personal data (email, phone, notes) is withheld without people:pii. */
export function toPerson(row: PeopleTable, showPii: boolean): Person {
  return {
    id: row.id,
    siteId: row.site_id,
    kind: row.kind as Person['kind'],
    firstName: row.first_name,
    lastName: row.last_name,
    email: showPii ? row.email : null,
    phone: showPii ? row.phone : null,
    employeeNumber: row.employee_number,
    department: row.department,
    title: row.title,
    status: row.status === 'inactive' ? 'inactive' : 'active',
    managerId: row.manager_id,
    userId: row.user_id,
    notes: showPii ? row.notes : null,
    piiRedacted: !showPii,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** People at the sites the principal may see, newest first. Search covers names, employee number and (with PII rights) email. */
export async function listPeople(db: Db, principal: Principal, query: PersonListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const showPii = principal.permissions.has('people:pii');
  const q = query.q?.trim();
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where(siteVisible('people.site_id', principal))
    .$if(query.siteId !== undefined, (qb) => qb.where('site_id', '=', query.siteId ?? ''))
    .$if(query.kind !== undefined, (qb) => qb.where('kind', '=', query.kind ?? ''))
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status ?? ''))
    .$if(q !== undefined && q !== '', (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('first_name', 'like', `%${q}%`),
          eb('last_name', 'like', `%${q}%`),
          eb('employee_number', 'like', `%${q}%`),
          ...(showPii ? [eb('email', 'like', `%${q?.toLowerCase()}%`)] : []),
        ]),
      ),
    )
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(
    rows,
    query.limit,
    (row) => [row.id],
    (row) => toPerson(row, showPii),
  );
}

export async function findPerson(db: Tx, principal: Principal, id: string): Promise<PeopleTable | undefined> {
  return db
    .selectFrom('people')
    .selectAll()
    .where('id', '=', id)
    .where(siteVisible('people.site_id', principal))
    .executeTakeFirst();
}

export async function insertPerson(tx: Tx, row: PeopleTable): Promise<void> {
  await tx.insertInto('people').values(row).execute();
}

export async function updatePersonVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<PeopleTable, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('people')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
