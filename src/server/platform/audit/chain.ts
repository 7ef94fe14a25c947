import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import type { DatabaseHandle, Dialect, Tx } from '../db/database.js';
import type { AuditLogTable } from '../db/schema.js';
import { newId, nowIso } from '../ids.js';

/** Who did something: a user, an API token's user, the system (jobs, CLI) or an anonymous reporter. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'anonymous';
  id: string | null;
  label: string;
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  siteId?: string | null;
  /** Changed fields: `{ field: [before, after] }` for updates, the created values for creations. */
  changes?: Record<string, unknown>;
  /**
   * The time recorded instead of now. Only for anonymous reports, where a precise time could
   * identify the reporter: they record the day.
   */
  at?: string;
}

export interface AuditContext {
  actor: Actor;
  requestId: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

// A fixed key for the PostgreSQL advisory lock that serialises appends to the chain across nodes.
const AUDIT_CHAIN_LOCK = 0x56_49_47_41; // "VIGA"

type ChainFields = Omit<AuditLogTable, 'hash'>;

/** SHA-256 over the canonical (RFC 8785) JSON form of an entry, chained to the previous hash. */
export function hashEntry(entry: ChainFields): string {
  const canonical = canonicalize({
    seq: entry.seq,
    id: entry.id,
    at: entry.at,
    actorType: entry.actor_type,
    actorId: entry.actor_id,
    actorLabel: entry.actor_label,
    action: entry.action,
    entityType: entry.entity_type,
    entityId: entry.entity_id,
    siteId: entry.site_id,
    changes: entry.changes,
    requestId: entry.request_id,
    prevHash: entry.prev_hash,
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

/**
 * Appends one entry to the hash-chained audit log. Must be called inside the transaction of the
 * mutation it records, so the record and its audit entry commit or fail together.
 */
export async function appendAudit(
  tx: Tx,
  dialect: Dialect,
  context: AuditContext,
  input: AuditInput,
): Promise<string> {
  if (dialect === 'postgres') {
    // Serialise chain appends across transactions and nodes; released at commit or rollback.
    await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(tx);
  }
  const last = await tx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fields: ChainFields = {
    seq: (last?.seq ?? 0) + 1,
    id: newId(input.at ? new Date(input.at) : undefined),
    at: input.at ?? nowIso(),
    actor_type: context.actor.type,
    actor_id: context.actor.id,
    actor_label: context.actor.label,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId ?? null,
    site_id: input.siteId ?? null,
    changes: JSON.stringify(input.changes ?? {}),
    request_id: context.requestId,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await tx
    .insertInto('audit_log')
    .values({ ...fields, hash: hashEntry(fields) })
    .execute();
  return fields.id;
}

export type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; badSeq: number; badId: string | null; reason: string };

/**
 * Walks the chain in sequence order and recomputes every hash. Detects an edited entry (hash
 * mismatch), a deleted or inserted one (gap in seq or broken prev-hash link) and reordering.
 */
export async function verifyAuditChain(
  handle: Pick<DatabaseHandle, 'db'>,
  batchSize = 5000,
): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return { ok: true, count };
    for (const row of rows) {
      const fail = (reason: string): VerifyResult => ({
        ok: false,
        count,
        badSeq: row.seq,
        badId: row.id,
        reason,
      });
      if (row.seq !== expectedSeq)
        return fail(`expected entry #${expectedSeq} but found #${row.seq} (entry missing)`);
      if (row.prev_hash !== prevHash)
        return fail('does not link to the previous entry (deleted, inserted or reordered)');
      const { hash, ...fields } = row;
      if (hashEntry(fields) !== hash) return fail('content does not match its hash (edited)');
      prevHash = hash;
      expectedSeq += 1;
      count += 1;
    }
  }
}
