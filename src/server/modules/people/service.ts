import type { CreatePerson, Person, UpdatePerson } from '../../../contracts/people.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import type { PeopleTable } from '../../platform/db/schema.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import { findPerson, insertPerson, toPerson, updatePersonVersioned } from './repository.js';

const PII_FIELDS = ['email', 'phone', 'notes'] as const;

/** A site the caller can see, or a 400 naming the field (an unknown and a hidden site look alike). */
async function checkSiteInScope(tx: Tx, principal: Principal, siteId: string): Promise<void> {
  const site = await tx
    .selectFrom('sites')
    .select('id')
    .where('id', '=', siteId)
    .where(siteVisible('sites.id', principal))
    .executeTakeFirst();
  if (!site)
    throw new AppError('validation_failed', 'The site does not exist.', [
      { path: 'siteId', message: 'unknown site' },
    ]);
}

async function checkManager(
  tx: Tx,
  principal: Principal,
  managerId: string | null | undefined,
  selfId?: string,
): Promise<void> {
  if (managerId === null || managerId === undefined) return;
  if (managerId === selfId)
    throw new AppError('validation_failed', 'A person cannot be their own manager.', [
      { path: 'managerId', message: 'self' },
    ]);
  if (!(await findPerson(tx, principal, managerId))) {
    throw new AppError('validation_failed', 'The manager is not in the directory.', [
      { path: 'managerId', message: 'unknown person' },
    ]);
  }
}

/** Writing personal data requires people:pii as well as people:write. */
function checkPiiWrite(
  principal: Principal,
  input: Partial<Record<(typeof PII_FIELDS)[number], unknown>>,
): void {
  if (principal.permissions.has('people:pii')) return;
  const touched = PII_FIELDS.filter((field) => input[field] !== undefined);
  if (touched.length > 0)
    throw new AppError('forbidden', `You may not set personal data (${touched.join(', ')}).`);
}

/** Adds a person to the directory at a site the caller can see. */
export async function createPerson(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreatePerson,
): Promise<Person> {
  checkPiiWrite(principal, input);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    await checkSiteInScope(tx, principal, input.siteId);
    await checkManager(tx, principal, input.managerId);
    const now = nowIso();
    const row: PeopleTable = {
      id: newId(),
      site_id: input.siteId,
      kind: input.kind,
      first_name: input.firstName,
      last_name: input.lastName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      employee_number: input.employeeNumber ?? null,
      department: input.department ?? null,
      title: input.title ?? null,
      status: input.status,
      manager_id: input.managerId ?? null,
      user_id: input.userId ?? null,
      notes: input.notes ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertPerson(tx, row);
    // Personal data is recorded as "set", never copied into the audit log.
    const changes: Record<string, unknown> = {
      siteId: row.site_id,
      kind: row.kind,
      firstName: row.first_name,
      lastName: row.last_name,
    };
    for (const field of PII_FIELDS) if (input[field]) changes[field] = '[set]';
    await record({
      action: 'person.created',
      entityType: 'person',
      entityId: row.id,
      siteId: row.site_id,
      changes,
    });
    return toPerson(row, principal.permissions.has('people:pii'));
  });
}

const columnOf: Record<string, keyof PeopleTable> = {
  siteId: 'site_id',
  kind: 'kind',
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  employeeNumber: 'employee_number',
  department: 'department',
  title: 'title',
  status: 'status',
  managerId: 'manager_id',
  userId: 'user_id',
  notes: 'notes',
};

/** Updates a person at the version the caller read. */
export async function updatePerson(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdatePerson,
): Promise<Person> {
  checkPiiWrite(principal, input);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await findPerson(tx, principal, id);
    if (!current) throw notFound('Person');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The person has changed since you read it; reload it.');
    if (input.siteId !== undefined) await checkSiteInScope(tx, principal, input.siteId);
    await checkManager(tx, principal, input.managerId, id);
    const patch: Partial<PeopleTable> = { updated_at: nowIso() };
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(input)) {
      const column = columnOf[field];
      if (!column || value === undefined || current[column] === value) continue;
      Object.assign(patch, { [column]: value ?? null });
      changes[field] = (PII_FIELDS as readonly string[]).includes(field)
        ? '[changed]'
        : [current[column], value];
    }
    if (!(await updatePersonVersioned(tx, id, version, patch))) {
      throw new AppError('precondition_failed', 'The person has changed since you read it; reload it.');
    }
    await record({
      action: 'person.updated',
      entityType: 'person',
      entityId: id,
      siteId: patch.site_id ?? current.site_id,
      changes,
    });
    return toPerson({ ...current, ...patch, version: version + 1 }, principal.permissions.has('people:pii'));
  });
}
