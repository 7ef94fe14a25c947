import { builtinIncidentTypes, type CreateConcern } from '../../../contracts/incidents.js';
import type { Principal } from '../../platform/access/principal.js';
import { actorOf } from '../../platform/access/principal.js';
import type { Actor, AuditContext } from '../../platform/audit/chain.js';
import { hashSecret, safeEqual } from '../../platform/auth/secrets.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  appendTimeline,
  familyIds,
  findIncident,
  findIncidentByReference,
  findIncidentUnscoped,
  insertIncident,
} from './repository.js';
import { onCase } from './case.js';
import { newReference, randomCode } from './service.js';
import { loadSlaPolicy, slaClocks } from './sla.js';
import type { ConcernMessagesTable, IncidentsTable } from './tables.js';

/*
 * Anonymous concerns. What identifies a reporter is never stored: no account, no address, no
 * user agent, no precise time — records, ids, timeline and audit entries carry the day only, and
 * the audit entry has no request id (request ids are time-ordered). The reporter holds the
 * reference and a secret follow-up code (100 bits, stored as SHA-256) for the conversation.
 */

const ANONYMOUS: Actor = { type: 'anonymous', id: null, label: 'anonymous reporter' };
const ANONYMOUS_AUDIT: AuditContext = { actor: ANONYMOUS, requestId: null };

/** Midnight UTC of the day of `date`: the only time an anonymous record carries. */
export function dayOf(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** Files a concern from the public form; anonymous unless a signed-in reporter chose otherwise. */
export async function createConcern(
  ctx: AppContext,
  principal: Principal | null,
  requestId: string,
  input: CreateConcern,
): Promise<{ reference: string; followUpCode: string }> {
  const anonymous = input.anonymous || principal === null;
  const audit: AuditContext = anonymous ? ANONYMOUS_AUDIT : { actor: actorOf(principal), requestId };
  const at = anonymous ? dayOf() : nowIso();
  const followUpCode = randomCode(20);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    if (input.siteId !== undefined) {
      const site = await tx
        .selectFrom('sites')
        .select('id')
        .where('id', '=', input.siteId)
        .executeTakeFirst();
      if (!site)
        throw new AppError('validation_failed', 'The site does not exist.', [
          { path: 'siteId', message: 'unknown site' },
        ]);
    }
    const type = input.type ?? 'other';
    const custom = await tx
      .selectFrom('incident_types')
      .select('key')
      .where('key', '=', type)
      .executeTakeFirst();
    const known = custom !== undefined || builtinIncidentTypes.some((t) => t === type);
    if (!known)
      throw new AppError('validation_failed', 'The type is not known.', [
        { path: 'type', message: 'unknown type' },
      ]);
    const occurredAt = input.occurredOn ? `${input.occurredOn}T00:00:00.000Z` : null;
    const row: IncidentsTable = {
      id: newId(new Date(at)),
      reference: newReference('concern'),
      kind: 'concern',
      title: input.title && input.title !== '' ? input.title : 'Reported concern',
      description: input.description,
      type,
      severity: 'medium',
      status: 'new',
      occurred_at: occurredAt,
      event_at: occurredAt ?? at,
      site_id: input.siteId ?? null,
      location: input.location ?? null,
      confidential: 0,
      anonymous: anonymous ? 1 : 0,
      reported_by: anonymous ? null : (principal?.userId ?? null),
      assigned_to: null,
      assets: '[]',
      vehicles: '[]',
      findings: null,
      root_cause: null,
      disposition: null,
      disposition_note: null,
      merged_into: null,
      legal_hold_reason: null,
      legal_hold_since: null,
      followup_hash: hashSecret(normaliseCode(followUpCode)),
      ...slaClocks(await loadSlaPolicy(tx, 'medium'), at),
      triage_warned: 0,
      triage_breached: 0,
      resolve_warned: 0,
      resolve_breached: 0,
      triaged_at: null,
      resolved_at: null,
      closed_at: null,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    await insertIncident(tx, row);
    await appendTimeline(tx, {
      id: newId(new Date(at)),
      incidentId: row.id,
      actor: audit.actor,
      kind: 'created',
      summary: anonymous ? 'Concern reported anonymously.' : 'Concern reported.',
      data: { type, siteId: row.site_id },
      at,
    });
    await record({
      action: 'concern.reported',
      entityType: 'incident',
      entityId: row.id,
      siteId: row.site_id,
      changes: { type, siteId: row.site_id, anonymous },
      ...(anonymous ? { at } : {}),
    });
    return { reference: row.reference, followUpCode };
  });
}

/** The concern a reference and code open, or a 404 that does not say which of the two was wrong. */
async function openThread(tx: Tx, reference: string, code: string): Promise<IncidentsTable> {
  const row = await findIncidentByReference(tx, reference.trim().toUpperCase());
  const presented = hashSecret(normaliseCode(code));
  // Compare against a dummy hash when the reference is unknown, so both failures take the same time.
  const stored = row?.followup_hash ?? hashSecret('no such concern');
  if (!safeEqual(presented, stored) || !row || row.kind !== 'concern') {
    throw new AppError('not_found', 'No concern matches this reference and follow-up code.');
  }
  return row;
}

async function caseOf(tx: Tx, thread: IncidentsTable): Promise<IncidentsTable> {
  if (thread.merged_into === null) return thread;
  return (await findIncidentUnscoped(tx, thread.merged_into)) ?? thread;
}

function publicStatus(status: string): 'received' | 'in_review' | 'closed' {
  if (status === 'new') return 'received';
  if (status === 'closed') return 'closed';
  return 'in_review';
}

function toMessage(row: ConcernMessagesTable) {
  return {
    id: row.id,
    from: row.direction === 'staff' ? ('staff' as const) : ('reporter' as const),
    body: row.body,
    on: row.created_on,
  };
}

async function messagesOf(tx: Tx, threadIds: readonly string[]) {
  if (threadIds.length === 0) return [];
  return tx
    .selectFrom('concern_messages')
    .innerJoin('incidents', 'incidents.id', 'concern_messages.thread_id')
    .selectAll('concern_messages')
    .select('incidents.reference')
    .where('concern_messages.thread_id', 'in', threadIds)
    .orderBy('concern_messages.thread_id')
    .orderBy('concern_messages.seq')
    .execute();
}

/** What the reporter sees: the state of their concern and their own conversation (never another reporter's). */
export async function readThread(ctx: AppContext, reference: string, code: string) {
  const tx = ctx.database.db;
  const thread = await openThread(tx, reference, code);
  const current = await caseOf(tx, thread);
  const messages = await messagesOf(tx, [thread.id]);
  return {
    reference: thread.reference,
    status: publicStatus(current.status),
    messages: messages.map(toMessage),
  };
}

async function appendMessage(
  tx: Tx,
  threadId: string,
  message: {
    direction: 'reporter' | 'staff';
    body: string;
    authorId: string | null;
    authorLabel: string | null;
    at: string;
  },
): Promise<ConcernMessagesTable> {
  const last = await tx
    .selectFrom('concern_messages')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  const row: ConcernMessagesTable = {
    id: newId(message.direction === 'reporter' ? new Date(message.at) : undefined),
    thread_id: threadId,
    seq: (last?.seq ?? 0) + 1,
    direction: message.direction,
    body: message.body,
    author_id: message.authorId,
    author_label: message.authorLabel,
    created_on: message.at.slice(0, 10),
  };
  await tx.insertInto('concern_messages').values(row).execute();
  return row;
}

/** A reporter's message on their concern (anonymous: the day only, no request id). */
export async function postReporterMessage(ctx: AppContext, reference: string, code: string, body: string) {
  return writeAudited(ctx.database, ANONYMOUS_AUDIT, async (tx, record) => {
    const thread = await openThread(tx, reference, code);
    const at = thread.anonymous === 1 ? dayOf() : nowIso();
    const row = await appendMessage(tx, thread.id, {
      direction: 'reporter',
      body,
      authorId: null,
      authorLabel: null,
      at,
    });
    await appendTimeline(tx, {
      id: newId(new Date(at)),
      incidentId: thread.id,
      actor: ANONYMOUS,
      kind: 'concern_message',
      summary: 'The reporter sent a message.',
      data: { messageId: row.id },
      at,
    });
    await record({
      action: 'concern.message_received',
      entityType: 'incident',
      entityId: thread.id,
      siteId: thread.site_id,
      changes: { messageId: row.id },
      at,
    });
    return toMessage(row);
  });
}

/** The conversations of a case and of the concerns merged into it, for the people working it. */
export async function listConcernMessages(ctx: AppContext, principal: Principal, id: string) {
  const db = ctx.database.db;
  const incident = await findIncident(db, principal, id);
  if (!incident) throw notFound('Incident');
  const rows = await messagesOf(db, await familyIds(db, id));
  return rows.map((row) => ({ ...toMessage(row), threadReference: row.reference, author: row.author_label }));
}

/** A reply from the case team to a reporter's thread (this case's, or that of a concern merged into it). */
export async function replyToReporter(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: { body: string; threadReference?: string },
) {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log }) => {
    const family = await familyIds(tx, id);
    const threads = await tx
      .selectFrom('incidents')
      .select(['id', 'reference', 'kind', 'followup_hash'])
      .where('id', 'in', family)
      .execute();
    const reference = input.threadReference ?? incident.reference;
    const thread = threads.find((t) => t.reference === reference);
    if (!thread || thread.kind !== 'concern' || thread.followup_hash === null)
      throw new AppError(
        'validation_failed',
        'There is no reporter conversation with this reference on the case.',
        [{ path: 'threadReference', message: 'no such concern thread' }],
      );
    const row = await appendMessage(tx, thread.id, {
      direction: 'staff',
      body: input.body,
      authorId: principal.userId,
      authorLabel: principal.name,
      at: now,
    });
    await log('concern_reply', 'A reply was sent to the reporter.', {
      messageId: row.id,
      threadReference: reference,
    });
    return { ...toMessage(row), threadReference: reference, author: principal.name };
  });
}
