import { randomBytes } from 'node:crypto';
import { rolePermissions, type Role } from '../../../contracts/access.js';
import {
  builtinIncidentTypes,
  type AddPerson,
  type CreateIncident,
  type Incident,
  type IncidentStatus,
  type Transition,
  type UpdateIncident,
  type UpdateWorkItem,
} from '../../../contracts/incidents.js';
import { roleSchema } from '../../../contracts/access.js';
import type { Principal } from '../../platform/access/principal.js';
import { siteVisible } from '../../platform/access/scope.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  addExclusion,
  addMember,
  appendNoteToSearch,
  appendTimeline,
  findActiveUser,
  findIncident,
  findIncidentUnscoped,
  findReferral,
  findWorkItem,
  insertIncident,
  isExcluded,
  isMember,
  reindexIncident,
  removeExclusion,
  removeMember,
  toIncident,
  toReferral,
  toWorkItem,
  updateIncident,
  updateIncidentVersioned,
} from './repository.js';
import { auditChanges, onCase, reload } from './case.js';
import { recordCustody } from './custody.js';
import { loadSlaPolicy, slaClocks } from './sla.js';
import type { IncidentPeopleTable, IncidentsTable } from './tables.js';

// Crockford base32: no I, L, O or U, so references and codes read aloud without confusion.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random code of `length` base32 characters in groups of five. */
export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET.charAt((bytes[i] ?? 0) % 32);
    if (i % 5 === 4 && i < length - 1) out += '-';
  }
  return out;
}

/** A case reference: random (50 bits), so it says nothing about when or in what order cases came in. */
export function newReference(kind: 'incident' | 'concern'): string {
  return `${kind === 'concern' ? 'CON' : 'INC'}-${randomCode(10)}`;
}

async function checkType(tx: Tx, type: string): Promise<void> {
  if ((builtinIncidentTypes as readonly string[]).includes(type)) return;
  const custom = await tx
    .selectFrom('incident_types')
    .select('key')
    .where('key', '=', type)
    .executeTakeFirst();
  if (!custom)
    throw new AppError('validation_failed', 'The incident type is not known.', [
      { path: 'type', message: 'unknown type; an administrator can add it' },
    ]);
}

async function checkSite(tx: Tx, principal: Principal, siteId: string): Promise<void> {
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

/** An active user who may work on cases (holds incidents:read), for assignment and membership. */
async function caseWorker(tx: Tx, userId: string, path: string) {
  const user = await findActiveUser(tx, userId);
  const role = roleSchema.safeParse(user?.role);
  if (!user || !role.success)
    throw new AppError('validation_failed', 'The user does not exist or is disabled.', [
      { path, message: 'unknown user' },
    ]);
  if (!rolePermissions[role.data].includes('incidents:read'))
    throw new AppError('validation_failed', `A user with the ${role.data} role cannot work on cases.`, [
      { path, message: 'role cannot read incidents' },
    ]);
  return { id: user.id, name: user.name, role: role.data satisfies Role };
}

async function insertPerson(
  tx: Tx,
  incidentId: string,
  input: AddPerson,
  now: string,
  addedBy: string | null,
): Promise<IncidentPeopleTable> {
  if (input.personId !== undefined) {
    const person = await tx
      .selectFrom('people')
      .select('id')
      .where('id', '=', input.personId)
      .executeTakeFirst();
    if (!person)
      throw new AppError('validation_failed', 'The person is not in the directory.', [
        { path: 'personId', message: 'unknown person' },
      ]);
  }
  if (input.userId !== undefined && !(await findActiveUser(tx, input.userId)))
    throw new AppError('validation_failed', 'The user does not exist.', [
      { path: 'userId', message: 'unknown user' },
    ]);
  if (input.exclude) {
    if (input.role !== 'subject' || input.userId === undefined)
      throw new AppError('validation_failed', 'Only a subject who is a user can be excluded.', [
        { path: 'exclude', message: 'needs role subject and userId' },
      ]);
    if (input.userId === addedBy)
      throw new AppError('validation_failed', 'You cannot exclude yourself from a case.', [
        { path: 'userId', message: 'self' },
      ]);
  }
  const row: IncidentPeopleTable = {
    id: newId(),
    incident_id: incidentId,
    role: input.role,
    person_id: input.personId ?? null,
    user_id: input.userId ?? null,
    name: input.name ?? null,
    contact: input.contact ?? null,
    notes: input.notes ?? null,
    created_at: now,
  };
  await tx.insertInto('incident_people').values(row).execute();
  if (input.exclude && input.userId !== undefined) {
    await addExclusion(tx, {
      incident_id: incidentId,
      user_id: input.userId,
      reason: 'named as a subject',
      added_at: now,
      added_by: addedBy,
    });
    await removeMember(tx, incidentId, input.userId);
  }
  return row;
}

/** Files a staff incident at a site the caller can see, with its SLA clocks started. */
export async function createIncident(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  input: CreateIncident,
): Promise<Incident> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    await checkSite(tx, principal, input.siteId);
    await checkType(tx, input.type);
    const now = nowIso();
    const policy = await loadSlaPolicy(tx, input.severity);
    const row: IncidentsTable = {
      id: newId(),
      reference: newReference('incident'),
      kind: 'incident',
      title: input.title,
      description: input.description,
      type: input.type,
      severity: input.severity,
      status: 'new',
      occurred_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : null,
      event_at: input.occurredAt ? new Date(input.occurredAt).toISOString() : now,
      site_id: input.siteId,
      location: input.location ?? null,
      confidential: input.confidential ? 1 : 0,
      anonymous: 0,
      reported_by: principal.userId,
      assigned_to: null,
      assets: JSON.stringify(input.assets),
      vehicles: JSON.stringify(input.vehicles),
      findings: null,
      root_cause: null,
      disposition: null,
      disposition_note: null,
      merged_into: null,
      legal_hold_reason: null,
      legal_hold_since: null,
      followup_hash: null,
      ...slaClocks(policy, now),
      triage_warned: 0,
      triage_breached: 0,
      resolve_warned: 0,
      resolve_breached: 0,
      triaged_at: null,
      resolved_at: null,
      closed_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertIncident(tx, row);
    // The author of a confidential case is its first member: otherwise they could not see what they filed.
    const members = new Set(input.members);
    if (input.confidential) members.add(principal.userId);
    for (const userId of members) {
      await caseWorker(tx, userId, 'members');
      await addMember(tx, row.id, userId, principal.userId, now);
    }
    for (const person of input.people) {
      if (person.exclude && person.userId !== undefined && members.has(person.userId))
        throw new AppError('validation_failed', 'A member cannot also be excluded.', [
          { path: 'people', message: 'excluded subject is a member' },
        ]);
      await insertPerson(tx, row.id, person, now, principal.userId);
    }
    const data = {
      title: row.title,
      type: row.type,
      severity: row.severity,
      siteId: row.site_id,
      confidential: input.confidential,
      members: [...members],
      people: input.people.length,
    };
    await appendTimeline(tx, {
      incidentId: row.id,
      actor: audit.actor,
      kind: 'created',
      summary: 'Incident reported.',
      data,
      at: now,
    });
    await record({
      action: 'incident.created',
      entityType: 'incident',
      entityId: row.id,
      siteId: row.site_id,
      changes: auditChanges(row, data),
    });
    return reload(tx, principal, row.id);
  });
}

const columnOf = {
  title: 'title',
  description: 'description',
  type: 'type',
  severity: 'severity',
  occurredAt: 'occurred_at',
  siteId: 'site_id',
  location: 'location',
  findings: 'findings',
  rootCause: 'root_cause',
} as const satisfies Partial<Record<keyof UpdateIncident, keyof IncidentsTable>>;

/** Edits a case at the version the caller read; a new severity restarts the SLA clocks' due times. */
export async function editIncident(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  version: number,
  input: UpdateIncident,
): Promise<Incident> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log }) => {
    if (incident.version !== version)
      throw new AppError('precondition_failed', 'The case has changed since you read it; reload it.');
    if (input.confidential !== undefined && !principal.permissions.has('incidents:manage'))
      throw forbidden('Only case managers can change whether a case is confidential.');
    if (input.siteId !== undefined) await checkSite(tx, principal, input.siteId);
    if (input.type !== undefined) await checkType(tx, input.type);
    const patch: Partial<IncidentsTable> = { updated_at: now };
    const changes: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(columnOf) as [
      keyof typeof columnOf,
      (typeof columnOf)[keyof typeof columnOf],
    ][]) {
      const value = input[field];
      if (value === undefined) continue;
      const stored = field === 'occurredAt' && value !== null ? new Date(value).toISOString() : value;
      if (incident[column] === stored) continue;
      Object.assign(patch, { [column]: stored });
      changes[field] = [incident[column], stored];
    }
    if (input.occurredAt !== undefined) patch.event_at = patch.occurred_at ?? incident.created_at;
    if (input.assets !== undefined) {
      patch.assets = JSON.stringify(input.assets);
      changes.assets = input.assets;
    }
    if (input.vehicles !== undefined) {
      patch.vehicles = JSON.stringify(input.vehicles);
      changes.vehicles = input.vehicles;
    }
    if (input.confidential !== undefined && (incident.confidential === 1) !== input.confidential) {
      patch.confidential = input.confidential ? 1 : 0;
      changes.confidential = [incident.confidential === 1, input.confidential];
      if (input.confidential) {
        await addMember(tx, id, principal.userId, principal.userId, now);
        if (incident.assigned_to) await addMember(tx, id, incident.assigned_to, principal.userId, now);
      }
    }
    if (patch.severity !== undefined) {
      const clocks = slaClocks(await loadSlaPolicy(tx, patch.severity), incident.created_at);
      Object.assign(patch, clocks, {
        triage_warned: clocks.triage_warn_at <= now ? incident.triage_warned : 0,
        resolve_warned: clocks.resolve_warn_at <= now ? incident.resolve_warned : 0,
      });
    }
    if (Object.keys(changes).length === 0) return toIncident(incident);
    if (!(await updateIncidentVersioned(tx, id, version, patch)))
      throw new AppError('precondition_failed', 'The case has changed since you read it; reload it.');
    if (patch.title !== undefined || patch.description !== undefined) await reindexIncident(tx, id);
    await log('updated', `Changed ${Object.keys(changes).join(', ')}.`, changes);
    return reload(tx, principal, id);
  });
}

const transitions: Record<IncidentStatus, readonly IncidentStatus[]> = {
  new: ['triaged'],
  triaged: ['investigating', 'resolved'],
  investigating: ['resolved'],
  resolved: ['closed', 'investigating'],
  closed: ['investigating'],
};

/**
 * Moves a case through new → triaged → investigating → resolved → closed. Closing requires a
 * disposition; going back from resolved or closed is a reopen and requires a reason.
 */
export async function transitionIncident(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: Transition,
): Promise<Incident> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log }) => {
    if (incident.merged_into !== null) throw conflict('This case was merged into another; work on that one.');
    const from = incident.status as IncidentStatus;
    if (!transitions[from].includes(input.to)) throw conflict(`A ${from} case cannot move to ${input.to}.`);
    const reopen = from === 'resolved' || from === 'closed' ? input.to === 'investigating' : false;
    if (reopen && !input.reason)
      throw new AppError('validation_failed', 'Reopening a case requires a reason.', [
        { path: 'reason', message: 'required to reopen' },
      ]);
    if (input.to === 'closed' && !input.disposition)
      throw new AppError('validation_failed', 'Closing a case requires a disposition.', [
        { path: 'disposition', message: 'required to close' },
      ]);
    const patch: Partial<IncidentsTable> = { status: input.to, updated_at: now };
    const late = (due: string | null) => due !== null && due < now;
    if (input.to === 'triaged') {
      patch.triaged_at = now;
      if (late(incident.triage_due_at)) patch.triage_breached = 1;
    }
    if (input.to === 'resolved') {
      patch.resolved_at = now;
      if (late(incident.resolve_due_at) && !incident.resolved_at) patch.resolve_breached = 1;
    }
    if (input.to === 'closed') {
      patch.closed_at = now;
      patch.disposition = input.disposition ?? null;
      patch.disposition_note = input.dispositionNote ?? null;
    }
    if (reopen) {
      patch.closed_at = null;
      patch.disposition = null;
      patch.disposition_note = null;
    }
    await updateIncident(tx, id, patch);
    const data: Record<string, unknown> = { from, to: input.to };
    if (input.reason) data.reason = input.reason;
    if (input.disposition) data.disposition = input.disposition;
    if (input.dispositionNote) data.dispositionNote = input.dispositionNote;
    await log(
      reopen ? 'reopened' : 'status_changed',
      reopen ? `Reopened: ${input.reason ?? ''}` : `Status ${from} → ${input.to}.`,
      data,
    );
    return reload(tx, principal, id);
  });
}

/** Assigns the case (or unassigns it with null); on a confidential case the assignee becomes a member. */
export async function assignIncident(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  userId: string | null,
): Promise<Incident> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log }) => {
    if (userId === incident.assigned_to) return toIncident(incident);
    let name: string | null = null;
    if (userId !== null) {
      const user = await caseWorker(tx, userId, 'userId');
      if (await isExcluded(tx, id, userId))
        throw new AppError('validation_failed', 'This user is excluded from the case.', [
          { path: 'userId', message: 'excluded' },
        ]);
      name = user.name;
      if (incident.confidential === 1) await addMember(tx, id, userId, principal.userId, now);
    }
    await updateIncident(tx, id, { assigned_to: userId, updated_at: now });
    await log('assigned', userId ? `Assigned to ${name ?? ''}.` : 'Unassigned.', {
      assignedTo: [incident.assigned_to, userId],
    });
    return reload(tx, principal, id);
  });
}

/** Adds a team member (who can then see the case, confidential or not). */
export async function addIncidentMember(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  userId: string,
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const user = await caseWorker(tx, userId, 'userId');
    if (await isExcluded(tx, id, userId))
      throw new AppError('validation_failed', 'This user is excluded from the case.', [
        { path: 'userId', message: 'excluded' },
      ]);
    if (await addMember(tx, id, userId, principal.userId, now)) {
      await log('member_added', `${user.name} joined the case.`, { userId });
    }
    return { userId, name: user.name, addedAt: now };
  });
}

/** Removes a team member; the assignee of a confidential case must be unassigned first. */
export async function removeIncidentMember(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  userId: string,
): Promise<void> {
  await onCase(ctx, audit, principal, id, async ({ tx, incident, log }) => {
    if (incident.confidential === 1 && incident.assigned_to === userId)
      throw conflict('Unassign the case before removing its assignee from a confidential case.');
    if (!(await removeMember(tx, id, userId))) throw notFound('Member');
    await log('member_removed', 'A member left the case.', { userId });
  });
}

/** Excludes a user (typically a subject) from the case, even where their role would see it. */
export async function excludeFromIncident(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  userId: string,
  reason: string,
) {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log }) => {
    if (userId === principal.userId)
      throw new AppError('validation_failed', 'You cannot exclude yourself from a case.', [
        { path: 'userId', message: 'self' },
      ]);
    const user = await findActiveUser(tx, userId);
    if (!user)
      throw new AppError('validation_failed', 'The user does not exist.', [
        { path: 'userId', message: 'unknown user' },
      ]);
    await addExclusion(tx, {
      incident_id: id,
      user_id: userId,
      reason,
      added_at: now,
      added_by: principal.userId,
    });
    await removeMember(tx, id, userId);
    if (incident.assigned_to === userId) await updateIncident(tx, id, { assigned_to: null, updated_at: now });
    await log('excluded', 'A user was excluded from the case.', { userId, reason });
    return { userId, name: user.name, reason, addedAt: now };
  });
}

/** Lifts an exclusion. */
export async function liftExclusion(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  userId: string,
): Promise<void> {
  await onCase(ctx, audit, principal, id, async ({ tx, log }) => {
    if (!(await removeExclusion(tx, id, userId))) throw notFound('Exclusion');
    await log('exclusion_lifted', 'An exclusion was lifted.', { userId });
  });
}

/** Names a person involved (reporter, victim, witness, subject). */
export async function addIncidentPerson(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: AddPerson,
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    if (input.exclude && input.userId !== undefined && (await isMember(tx, id, input.userId)))
      throw new AppError('validation_failed', 'Remove the member before excluding them.', [
        { path: 'userId', message: 'is a member' },
      ]);
    const row = await insertPerson(tx, id, input, now, principal.userId);
    if (input.exclude && input.userId !== undefined) {
      const current = await findIncidentUnscoped(tx, id);
      if (current?.assigned_to === input.userId)
        await updateIncident(tx, id, { assigned_to: null, updated_at: now });
    }
    await log('person_added', `A ${input.role} was added.`, {
      personEntryId: row.id,
      role: row.role,
      personId: row.person_id,
      userId: row.user_id,
      excluded: input.exclude ?? false,
    });
    return row;
  });
}

export async function removeIncidentPerson(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  entryId: string,
): Promise<void> {
  await onCase(ctx, audit, principal, id, async ({ tx, log }) => {
    const result = await tx
      .deleteFrom('incident_people')
      .where('incident_id', '=', id)
      .where('id', '=', entryId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('Person');
    await log('person_removed', 'A person was removed from the case.', { personEntryId: entryId });
  });
}

/** Adds a note (notes are never edited; a correction is another note). */
export async function addNote(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  body: string,
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const row = {
      id: newId(),
      incident_id: id,
      author_id: principal.userId,
      author_label: principal.name,
      body,
      created_at: now,
    };
    await tx.insertInto('incident_notes').values(row).execute();
    await appendNoteToSearch(tx, id, body);
    await log('note_added', 'A note was added.', { noteId: row.id, length: body.length });
    return row;
  });
}

/** Adds a task or a corrective action. */
export async function addWorkItem(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  kind: 'task' | 'action',
  input: { title: string; ownerId?: string | null; dueAt?: string | null },
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    if (input.ownerId) await checkOwner(tx, input.ownerId);
    const row = {
      id: newId(),
      incident_id: id,
      kind,
      title: input.title,
      owner_id: input.ownerId ?? null,
      due_at: input.dueAt ? new Date(input.dueAt).toISOString() : null,
      status: 'open',
      completed_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('incident_work_items').values(row).execute();
    await log(`${kind}_added`, `${kind === 'task' ? 'Task' : 'Corrective action'} added: ${input.title}`, {
      itemId: row.id,
      title: row.title,
      ownerId: row.owner_id,
      dueAt: row.due_at,
    });
    const created = await findWorkItem(tx, id, kind, row.id);
    if (!created) throw notFound('Item');
    return toWorkItem(created);
  });
}

async function checkOwner(tx: Tx, ownerId: string): Promise<void> {
  if (!(await findActiveUser(tx, ownerId)))
    throw new AppError('validation_failed', 'The owner does not exist or is disabled.', [
      { path: 'ownerId', message: 'unknown user' },
    ]);
}

/** Updates a task or corrective action at the version the caller read. */
export async function updateWorkItem(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  kind: 'task' | 'action',
  itemId: string,
  version: number,
  input: UpdateWorkItem,
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const current = await findWorkItem(tx, id, kind, itemId);
    if (!current) throw notFound(kind === 'task' ? 'Task' : 'Corrective action');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The item has changed since you read it; reload it.');
    if (input.ownerId) await checkOwner(tx, input.ownerId);
    const patch = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.dueAt !== undefined
        ? { due_at: input.dueAt ? new Date(input.dueAt).toISOString() : null }
        : {}),
      ...(input.status !== undefined
        ? { status: input.status, completed_at: input.status === 'done' ? now : null }
        : {}),
      updated_at: now,
      version: version + 1,
    };
    await tx
      .updateTable('incident_work_items')
      .set(patch)
      .where('id', '=', itemId)
      .where('version', '=', version)
      .execute();
    await log(
      `${kind}_updated`,
      `${kind === 'task' ? 'Task' : 'Corrective action'} updated: ${current.title}`,
      {
        itemId,
        ...input,
      },
    );
    const updated = await findWorkItem(tx, id, kind, itemId);
    if (!updated) throw notFound('Item');
    return toWorkItem(updated);
  });
}

/** Records a referral to law enforcement. */
export async function addReferral(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: { agency: string; contact?: string; caseNumber?: string; referredOn: string; shared: string },
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const row = {
      id: newId(),
      incident_id: id,
      agency: input.agency,
      contact: input.contact ?? null,
      case_number: input.caseNumber ?? null,
      referred_on: input.referredOn,
      shared: input.shared,
      follow_ups: '[]',
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await tx.insertInto('incident_referrals').values(row).execute();
    await log('referred', `Referred to ${input.agency}.`, { referralId: row.id, ...input });
    return toReferral(row);
  });
}

export async function updateReferral(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  referralId: string,
  version: number,
  input: { contact?: string | null; caseNumber?: string | null; shared?: string },
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const current = await findReferral(tx, id, referralId);
    if (!current) throw notFound('Referral');
    if (current.version !== version)
      throw new AppError('precondition_failed', 'The referral has changed since you read it; reload it.');
    const patch = {
      ...(input.contact !== undefined ? { contact: input.contact } : {}),
      ...(input.caseNumber !== undefined ? { case_number: input.caseNumber } : {}),
      ...(input.shared !== undefined ? { shared: input.shared } : {}),
      updated_at: now,
      version: version + 1,
    };
    await tx.updateTable('incident_referrals').set(patch).where('id', '=', referralId).execute();
    await log('referral_updated', `Referral to ${current.agency} updated.`, { referralId, ...input });
    return toReferral({ ...current, ...patch });
  });
}

export async function addReferralFollowUp(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  referralId: string,
  input: { on: string; note: string },
) {
  return onCase(ctx, audit, principal, id, async ({ tx, now, log }) => {
    const current = await findReferral(tx, id, referralId);
    if (!current) throw notFound('Referral');
    const referral = toReferral(current);
    const followUps = [...referral.followUps, { on: input.on, note: input.note, by: principal.name }];
    const patch = { follow_ups: JSON.stringify(followUps), updated_at: now, version: current.version + 1 };
    await tx.updateTable('incident_referrals').set(patch).where('id', '=', referralId).execute();
    await log('referral_follow_up', `Follow-up with ${current.agency}.`, { referralId, ...input });
    return toReferral({ ...current, ...patch });
  });
}

/**
 * Merges a duplicate (`sourceId`) into this case. Both timelines and all notes stay, read as one;
 * people, tasks, actions, referrals and evidence move to this case (evidence with a custody entry).
 * The duplicate is closed with the disposition "duplicate". Confidentiality never weakens: if
 * either case is confidential, the merged case is, with both member lists and exclusions.
 */
export async function mergeIncidents(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  targetId: string,
  sourceId: string,
): Promise<Incident> {
  if (targetId === sourceId)
    throw new AppError('validation_failed', 'A case cannot be merged into itself.', [
      { path: 'sourceId', message: 'same case' },
    ]);
  return onCase(
    ctx,
    audit,
    principal,
    targetId,
    async ({ tx, incident: target, now, log, record, actor }) => {
      const source = await findIncident(tx, principal, sourceId);
      if (!source)
        throw new AppError('validation_failed', 'The case to merge does not exist.', [
          { path: 'sourceId', message: 'unknown case' },
        ]);
      if (target.merged_into !== null) throw conflict('This case was itself merged into another.');
      if (source.merged_into !== null) throw conflict('That case was already merged.');
      for (const table of ['incident_people', 'incident_work_items', 'incident_referrals'] as const) {
        await tx
          .updateTable(table)
          .set({ incident_id: targetId })
          .where('incident_id', '=', sourceId)
          .execute();
      }
      const evidence = await tx
        .selectFrom('incident_evidence')
        .select('id')
        .where('incident_id', '=', sourceId)
        .execute();
      await tx
        .updateTable('incident_evidence')
        .set({ incident_id: targetId })
        .where('incident_id', '=', sourceId)
        .execute();
      for (const item of evidence) {
        await recordCustody(tx, record, target, {
          evidenceId: item.id,
          action: 'case_merged',
          actor,
          at: now,
          reason: `case ${source.reference} merged into ${target.reference}`,
          details: { fromIncident: sourceId, toIncident: targetId },
        });
      }
      const sourceMembers = await tx
        .selectFrom('incident_members')
        .selectAll()
        .where('incident_id', '=', sourceId)
        .execute();
      for (const member of sourceMembers) await addMember(tx, targetId, member.user_id, member.added_by, now);
      const sourceExclusions = await tx
        .selectFrom('incident_exclusions')
        .selectAll()
        .where('incident_id', '=', sourceId)
        .execute();
      for (const exclusion of sourceExclusions) {
        await addExclusion(tx, { ...exclusion, incident_id: targetId });
        await removeMember(tx, targetId, exclusion.user_id);
      }
      const confidential = target.confidential === 1 || source.confidential === 1;
      if (confidential && target.confidential === 0) {
        await addMember(tx, targetId, principal.userId, principal.userId, now);
        if (target.assigned_to) await addMember(tx, targetId, target.assigned_to, principal.userId, now);
      }
      // Cases merged earlier into the duplicate now belong to this case's family too.
      await tx
        .updateTable('incidents')
        .set({ merged_into: targetId })
        .where('merged_into', '=', sourceId)
        .execute();
      await updateIncident(tx, sourceId, {
        merged_into: targetId,
        status: 'closed',
        disposition: 'duplicate',
        disposition_note: `Merged into ${target.reference}`,
        closed_at: source.closed_at ?? now,
        updated_at: now,
      });
      await updateIncident(tx, targetId, { confidential: confidential ? 1 : 0, updated_at: now });
      await appendTimeline(tx, {
        incidentId: sourceId,
        actor: audit.actor,
        kind: 'merged_into',
        summary: `Merged into ${target.reference}.`,
        data: { targetId },
        at: now,
      });
      await record({
        action: 'incident.merged_into',
        entityType: 'incident',
        entityId: sourceId,
        siteId: source.site_id,
        changes: auditChanges(source, { targetId }),
      });
      await log('merged', `${source.reference} merged into this case.`, {
        sourceId,
        evidenceMoved: evidence.length,
      });
      await reindexIncident(tx, targetId);
      return reload(tx, principal, targetId);
    },
  );
}

/**
 * Places or lifts a legal hold on the case: while held, no evidence of the case can be disposed of.
 * Both carry a reason (the matter placing it, or why it ended), kept on the timeline and custody logs.
 */
export async function setLegalHold(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  change: { hold: boolean; reason: string },
): Promise<Incident> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log, record, actor }) => {
    if (change.hold && incident.legal_hold_reason !== null)
      throw conflict('The case is already under legal hold.');
    if (!change.hold && incident.legal_hold_reason === null)
      throw conflict('The case is not under legal hold.');
    await updateIncident(tx, id, {
      legal_hold_reason: change.hold ? change.reason : null,
      legal_hold_since: change.hold ? now : null,
      updated_at: now,
    });
    const evidence = await tx
      .selectFrom('incident_evidence')
      .select('id')
      .where('incident_id', '=', id)
      .execute();
    for (const item of evidence) {
      await recordCustody(tx, record, incident, {
        evidenceId: item.id,
        action: 'legal_hold',
        actor,
        at: now,
        reason: change.hold ? `legal hold placed: ${change.reason}` : `legal hold lifted: ${change.reason}`,
        details: { hold: change.hold },
      });
    }
    await log(
      change.hold ? 'legal_hold_placed' : 'legal_hold_lifted',
      change.hold ? `Legal hold: ${change.reason}` : `Legal hold lifted: ${change.reason}`,
      change.hold
        ? { reason: change.reason }
        : {
            reason: change.reason,
            heldSince: incident.legal_hold_since,
            heldFor: incident.legal_hold_reason,
          },
    );
    return reload(tx, principal, id);
  });
}

/** Adds a user-defined incident type. */
export async function createIncidentType(
  ctx: AppContext,
  audit: AuditContext,
  input: { key: string; label: string },
) {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const exists =
      (builtinIncidentTypes as readonly string[]).includes(input.key) ||
      (await tx
        .selectFrom('incident_types')
        .select('key')
        .where('key', '=', input.key)
        .executeTakeFirst()) !== undefined;
    if (exists)
      throw new AppError('already_exists', `The type ${input.key} already exists.`, [
        { path: 'key', message: 'already exists' },
      ]);
    await tx
      .insertInto('incident_types')
      .values({ key: input.key, label: input.label, created_at: nowIso() })
      .execute();
    await record({
      action: 'incident_type.created',
      entityType: 'incident_type',
      entityId: input.key,
      changes: { ...input },
    });
    return { key: input.key, label: input.label, builtin: false };
  });
}

/** Built-in and user-defined types. */
export async function listIncidentTypes(ctx: AppContext) {
  const custom = await ctx.database.db.selectFrom('incident_types').selectAll().orderBy('key').execute();
  return [
    ...builtinIncidentTypes.map((key) => ({ key, label: labelOf(key), builtin: true })),
    ...custom.map((row) => ({ key: row.key, label: row.label, builtin: false })),
  ];
}

function labelOf(key: string): string {
  const words = key.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
