import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Evidence } from '../../../contracts/incidents.js';
import type { Principal } from '../../platform/access/principal.js';
import type { Actor, AuditContext } from '../../platform/audit/chain.js';
import { BlobTooLargeError, blobStoreFor, type BlobStore } from '../../platform/blobs/index.js';
import { writeAudited, type AppContext, type Audit } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  findEvidence,
  heldDigitalEvidence,
  insertEvidence,
  listCustodyRows,
  listEvidenceRows,
  otherHoldersOf,
  toCustodyEntry,
  toEvidence,
  updateEvidence,
} from './evidence.repository.js';
import { appendTimeline, findIncident, type IncidentRow } from './repository.js';
import { onCase } from './case.js';
import { recordCustody } from './custody.js';
import type { IncidentEvidenceTable, IncidentsTable } from './tables.js';

/** One part of a multipart upload, as the route hands it over. */
export type UploadPart =
  | { kind: 'file'; name: string; filename: string; mimetype: string; stream: Readable }
  | { kind: 'field'; name: string; value: string };

export function blobsOf(ctx: AppContext): BlobStore {
  return blobStoreFor(ctx.config);
}

function cleanFilename(name: string): string {
  // Only the last path part survives, without control characters: a name never becomes a path.
  const base = path.basename(name.replaceAll('\\', '/'));
  const printable = Array.from(base)
    .filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127)
    .join('')
    .trim()
    .slice(0, 255);
  return printable === '' || printable === '.' || printable === '..' ? 'evidence.bin' : printable;
}

function cleanContentType(type: string): string {
  const lower = type.toLowerCase().trim();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(lower)
    ? lower
    : 'application/octet-stream';
}

async function caseForEvidence(ctx: AppContext, principal: Principal, id: string): Promise<IncidentRow> {
  const incident = await findIncident(ctx.database.db, principal, id);
  if (!incident) throw notFound('Incident');
  if (incident.merged_into !== null) throw conflict('This case was merged into another; add evidence there.');
  if (incident.status === 'closed') throw conflict('The case is closed; reopen it to add evidence.');
  return incident;
}

/**
 * Acquires digital evidence from a multipart upload. The file streams to the blob store while it
 * is hashed — never held in memory — and only then is the record written, in one transaction with
 * its "acquired" custody entry. The case is checked before the bytes are read (no upload to a case
 * you cannot see) and again when recording.
 */
export async function uploadEvidence(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  parts: AsyncIterable<UploadPart>,
): Promise<{ id: string; sha256: string; size: number; filename: string; contentType: string }> {
  await caseForEvidence(ctx, principal, id);
  const maxBytes = ctx.config.VIGIL_EVIDENCE_MAX_BYTES;
  let stored: { sha256: string; size: number; filename: string; contentType: string } | undefined;
  let description: string | undefined;
  for await (const part of parts) {
    if (part.kind === 'field') {
      if (part.name === 'description') description = part.value.trim().slice(0, 5000);
      continue;
    }
    if (part.name !== 'file' || stored) {
      part.stream.resume();
      throw new AppError('validation_failed', 'Send exactly one file, in the field "file".', [
        { path: 'file', message: 'one file expected' },
      ]);
    }
    try {
      const blob = await blobsOf(ctx).put(part.stream, maxBytes);
      stored = {
        sha256: blob.sha256,
        size: blob.size,
        filename: cleanFilename(part.filename),
        contentType: cleanContentType(part.mimetype),
      };
    } catch (error) {
      if (error instanceof BlobTooLargeError)
        throw new AppError('payload_too_large', `Evidence files are limited to ${maxBytes} bytes.`);
      throw error;
    }
  }
  if (!stored)
    throw new AppError('validation_failed', 'The upload has no file.', [
      { path: 'file', message: 'required' },
    ]);
  const file = stored;
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log, record, actor }) => {
    const row: IncidentEvidenceTable = {
      id: newId(),
      incident_id: id,
      kind: 'digital',
      description: description ?? null,
      sha256: file.sha256,
      size: file.size,
      filename: file.filename,
      content_type: file.contentType,
      bag_tag: null,
      storage_location: 'blob store',
      custodian: null,
      status: 'held',
      integrity: 'intact',
      last_verified_at: now,
      acquired_at: now,
      acquired_by_id: principal.userId,
      acquired_by_label: principal.name,
      disposal_reason: null,
      disposal_requested_by: null,
      disposal_requested_by_id: null,
      disposal_requested_at: null,
      disposal_approved_by: null,
      disposed_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertEvidence(tx, row);
    await recordCustody(tx, record, incident, {
      evidenceId: row.id,
      action: 'acquired',
      actor,
      at: now,
      reason: 'uploaded',
      to: principal.name,
      storageLocation: 'blob store',
      details: {
        sha256: file.sha256,
        size: file.size,
        filename: file.filename,
        contentType: file.contentType,
      },
    });
    await log('evidence_added', `Evidence added: ${file.filename}`, {
      evidenceId: row.id,
      sha256: file.sha256,
    });
    return { id: row.id, ...file };
  });
}

/** Records a physical item (bag/tag, storage location, custodian); it shares the custody log. */
export async function addPhysicalEvidence(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  input: {
    description: string;
    bagTag: string;
    storageLocation: string;
    custodian: string;
    acquiredAt?: string;
    reason?: string;
  },
): Promise<Evidence> {
  await caseForEvidence(ctx, principal, id);
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, log, record, actor }) => {
    const acquiredAt = input.acquiredAt ? new Date(input.acquiredAt).toISOString() : now;
    const row: IncidentEvidenceTable = {
      id: newId(),
      incident_id: id,
      kind: 'physical',
      description: input.description,
      sha256: null,
      size: null,
      filename: null,
      content_type: null,
      bag_tag: input.bagTag,
      storage_location: input.storageLocation,
      custodian: input.custodian,
      status: 'held',
      integrity: 'unverified',
      last_verified_at: null,
      acquired_at: acquiredAt,
      acquired_by_id: principal.userId,
      acquired_by_label: principal.name,
      disposal_reason: null,
      disposal_requested_by: null,
      disposal_requested_by_id: null,
      disposal_requested_at: null,
      disposal_approved_by: null,
      disposed_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertEvidence(tx, row);
    await recordCustody(tx, record, incident, {
      evidenceId: row.id,
      action: 'acquired',
      actor,
      at: acquiredAt,
      reason: input.reason ?? 'collected',
      to: input.custodian,
      storageLocation: input.storageLocation,
      details: { bagTag: input.bagTag },
    });
    await log('evidence_added', `Physical evidence logged: bag ${input.bagTag}`, {
      evidenceId: row.id,
      bagTag: input.bagTag,
    });
    return toEvidence(row);
  });
}

async function visibleEvidence(db: Tx, principal: Principal, id: string, evidenceId: string) {
  const incident = await findIncident(db, principal, id);
  if (!incident) throw notFound('Incident');
  const evidence = await findEvidence(db, id, evidenceId);
  if (!evidence) throw notFound('Evidence');
  return { incident, evidence };
}

export async function listEvidence(ctx: AppContext, principal: Principal, id: string): Promise<Evidence[]> {
  const incident = await findIncident(ctx.database.db, principal, id);
  if (!incident) throw notFound('Incident');
  return (await listEvidenceRows(ctx.database.db, id)).map(toEvidence);
}

export async function getEvidence(ctx: AppContext, principal: Principal, id: string, evidenceId: string) {
  return toEvidence((await visibleEvidence(ctx.database.db, principal, id, evidenceId)).evidence);
}

export async function listCustody(ctx: AppContext, principal: Principal, id: string, evidenceId: string) {
  await visibleEvidence(ctx.database.db, principal, id, evidenceId);
  return (await listCustodyRows(ctx.database.db, [evidenceId])).map(toCustodyEntry);
}

/**
 * Opens the stored bytes for a viewer or a download, recording the access in the custody log
 * first: if the entry cannot be written, no byte is served.
 */
export async function openEvidenceContent(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  evidenceId: string,
  purpose: 'view' | 'download',
): Promise<{ evidence: Evidence; stream: Readable }> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const { incident, evidence } = await visibleEvidence(tx, principal, id, evidenceId);
    if (evidence.kind !== 'digital' || evidence.sha256 === null)
      throw conflict('Physical evidence has no stored file.');
    if (evidence.status === 'disposed') throw conflict('This evidence was disposed of.');
    if (!(await blobsOf(ctx).has(evidence.sha256)))
      throw conflict('The stored file is missing; verify the evidence and report the incident.');
    await recordCustody(tx, record, incident, {
      evidenceId,
      action: purpose === 'view' ? 'viewed' : 'downloaded',
      actor: audit.actor,
      reason: purpose === 'view' ? 'viewed in Vigil' : 'downloaded',
      to: principal.name,
    });
    return { evidence: toEvidence(evidence), stream: blobsOf(ctx).open(evidence.sha256) };
  });
}

/** Re-hashes stored bytes against the hash taken at acquisition, and records the result. */
export async function verifyEvidence(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  evidenceId: string,
): Promise<{ intact: boolean; sha256Expected: string; sha256Actual: string | null }> {
  const { evidence } = await visibleEvidence(ctx.database.db, principal, id, evidenceId);
  if (evidence.kind !== 'digital' || evidence.sha256 === null)
    throw conflict(
      'Physical evidence is verified by inspection; record a transfer with the finding instead.',
    );
  if (evidence.status === 'disposed') throw conflict('This evidence was disposed of.');
  const expected = evidence.sha256;
  const actual = await blobsOf(ctx).rehash(expected);
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const { incident } = await visibleEvidence(tx, principal, id, evidenceId);
    return recordVerification(tx, record, audit.actor, incident, evidence, expected, actual?.sha256 ?? null);
  });
}

async function recordVerification(
  tx: Tx,
  record: Audit,
  actor: Actor,
  incident: Pick<IncidentsTable, 'id' | 'site_id' | 'confidential'>,
  evidence: IncidentEvidenceTable,
  expected: string,
  actual: string | null,
) {
  const intact = actual === expected;
  const now = nowIso();
  const integrity = intact ? 'intact' : actual === null ? 'missing' : 'mismatch';
  await updateEvidence(
    tx,
    evidence.id,
    { integrity, last_verified_at: now, updated_at: now },
    evidence.version,
  );
  await recordCustody(tx, record, incident, {
    evidenceId: evidence.id,
    action: 'verified',
    actor,
    at: now,
    reason: intact ? 'hash matches' : actual === null ? 'stored file missing' : 'hash does not match',
    details: { intact, sha256Expected: expected, sha256Actual: actual },
  });
  if (!intact) {
    await appendTimeline(tx, {
      incidentId: incident.id,
      actor,
      kind: 'evidence_integrity_failed',
      summary: `Evidence ${evidence.filename ?? evidence.id} failed verification (${integrity}).`,
      data: { evidenceId: evidence.id, sha256Expected: expected, sha256Actual: actual },
      at: now,
    });
    await record({
      action: 'evidence.integrity_failed',
      entityType: 'evidence',
      entityId: evidence.id,
      siteId: incident.site_id,
      changes: { incidentId: incident.id, sha256Expected: expected, sha256Actual: actual },
    });
  }
  return { intact, sha256Expected: expected, sha256Actual: actual };
}

export interface IntegrityMismatch {
  evidenceId: string;
  incidentId: string;
  reference: string;
  siteId: string | null;
  confidential: boolean;
  sha256Expected: string;
  sha256Actual: string | null;
}

const SYSTEM_VERIFIER: AuditContext = {
  actor: { type: 'system', id: null, label: 'evidence verifier' },
  requestId: null,
};

/**
 * Re-hashes every piece of digital evidence still held and records each result in its custody
 * log. Called by the scheduled job `incidents.evidence-reverify` (see jobs.ts), which raises an
 * alert for every mismatch returned.
 */
export async function reverifyAllEvidence(
  ctx: AppContext,
): Promise<{ checked: number; mismatches: IntegrityMismatch[] }> {
  const mismatches: IntegrityMismatch[] = [];
  let checked = 0;
  let after: string | null = null;
  for (;;) {
    const page = await heldDigitalEvidence(ctx.database.db, after, 100);
    if (page.length === 0) break;
    for (const item of page) {
      after = item.id;
      if (item.sha256 === null) continue;
      const expected = item.sha256;
      const actual = (await blobsOf(ctx).rehash(expected))?.sha256 ?? null;
      checked += 1;
      await writeAudited(ctx.database, SYSTEM_VERIFIER, async (tx, record) => {
        const current = await findEvidence(tx, item.incident_id, item.id);
        if (!current || current.status === 'disposed') return;
        const incident = { id: item.incident_id, site_id: item.site_id, confidential: item.confidential };
        const result = await recordVerification(
          tx,
          record,
          SYSTEM_VERIFIER.actor,
          incident,
          current,
          expected,
          actual,
        );
        if (!result.intact) {
          mismatches.push({
            evidenceId: item.id,
            incidentId: item.incident_id,
            reference: item.reference,
            siteId: item.site_id,
            confidential: item.confidential === 1,
            sha256Expected: expected,
            sha256Actual: actual,
          });
        }
      });
    }
  }
  return { checked, mismatches };
}

/** Records a hand-over (physical or of the storage medium): who from, who to, where, why. */
export async function transferEvidence(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  evidenceId: string,
  input: { from?: string; to: string; storageLocation: string; reason: string },
): Promise<Evidence> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, record, actor }) => {
    const evidence = await findEvidence(tx, id, evidenceId);
    if (!evidence) throw notFound('Evidence');
    if (evidence.status === 'disposed') throw conflict('This evidence was disposed of.');
    const from = input.from ?? evidence.custodian ?? evidence.acquired_by_label;
    await updateEvidence(
      tx,
      evidenceId,
      { custodian: input.to, storage_location: input.storageLocation, updated_at: now },
      evidence.version,
    );
    await recordCustody(tx, record, incident, {
      evidenceId,
      action: 'transferred',
      actor,
      at: now,
      reason: input.reason,
      from,
      to: input.to,
      storageLocation: input.storageLocation,
    });
    const updated = await findEvidence(tx, id, evidenceId);
    if (!updated) throw notFound('Evidence');
    return toEvidence(updated);
  });
}

function checkNoHold(incident: Pick<IncidentsTable, 'legal_hold_reason'>): void {
  if (incident.legal_hold_reason !== null)
    throw conflict(
      `The case is under legal hold (${incident.legal_hold_reason}); its evidence cannot be disposed of.`,
    );
}

/** Asks for disposal of an item (first half of the decision); blocked by a legal hold. */
export async function requestDisposal(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  evidenceId: string,
  reason: string,
): Promise<Evidence> {
  return onCase(ctx, audit, principal, id, async ({ tx, incident, now, record, actor }) => {
    checkNoHold(incident);
    const evidence = await findEvidence(tx, id, evidenceId);
    if (!evidence) throw notFound('Evidence');
    if (evidence.status !== 'held') throw conflict(`The evidence is ${evidence.status.replace('_', ' ')}.`);
    await updateEvidence(
      tx,
      evidenceId,
      {
        status: 'disposal_pending',
        disposal_reason: reason,
        disposal_requested_by: principal.name,
        disposal_requested_by_id: principal.userId,
        disposal_requested_at: now,
        disposal_approved_by: null,
        updated_at: now,
      },
      evidence.version,
    );
    await recordCustody(tx, record, incident, {
      evidenceId,
      action: 'disposal_requested',
      actor,
      at: now,
      reason,
    });
    const updated = await findEvidence(tx, id, evidenceId);
    if (!updated) throw notFound('Evidence');
    return toEvidence(updated);
  });
}

/**
 * Approves or rejects a pending disposal. Approval needs a second person (four eyes) and no legal
 * hold; the stored bytes are then destroyed unless other evidence still holds the same content.
 * The record and its custody history are kept for good.
 */
export async function decideDisposal(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
  evidenceId: string,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): Promise<Evidence> {
  const result = await onCase(
    ctx,
    audit,
    principal,
    id,
    async ({ tx, incident, now, record, actor, log }) => {
      const evidence = await findEvidence(tx, id, evidenceId);
      if (!evidence) throw notFound('Evidence');
      if (evidence.status !== 'disposal_pending') throw conflict('No disposal of this evidence is pending.');
      if (decision === 'reject') {
        await updateEvidence(
          tx,
          evidenceId,
          {
            status: 'held',
            disposal_reason: null,
            disposal_requested_by: null,
            disposal_requested_by_id: null,
            disposal_requested_at: null,
            updated_at: now,
          },
          evidence.version,
        );
        await recordCustody(tx, record, incident, {
          evidenceId,
          action: 'disposal_rejected',
          actor,
          at: now,
          reason: reason ?? null,
        });
        return { evidence: await findEvidence(tx, id, evidenceId), destroy: null };
      }
      checkNoHold(incident);
      if (evidence.disposal_requested_by_id === principal.userId)
        throw conflict('A disposal must be approved by someone other than who requested it.');
      await updateEvidence(
        tx,
        evidenceId,
        { status: 'disposed', disposal_approved_by: principal.name, disposed_at: now, updated_at: now },
        evidence.version,
      );
      await recordCustody(tx, record, incident, {
        evidenceId,
        action: 'disposed',
        actor,
        at: now,
        reason: evidence.disposal_reason,
        details: {
          requestedBy: evidence.disposal_requested_by,
          approvedBy: principal.name,
          note: reason ?? null,
        },
      });
      await log(
        'evidence_disposed',
        `Evidence disposed of: ${evidence.filename ?? evidence.bag_tag ?? evidence.id}`,
        {
          evidenceId,
        },
      );
      const destroy =
        evidence.sha256 !== null && (await otherHoldersOf(tx, evidence.sha256, evidenceId)) === 0
          ? evidence.sha256
          : null;
      return { evidence: await findEvidence(tx, id, evidenceId), destroy };
    },
  );
  // The bytes go only after the decision has committed: a failed commit never loses evidence.
  if (result.destroy !== null) await blobsOf(ctx).remove(result.destroy);
  if (!result.evidence) throw notFound('Evidence');
  return toEvidence(result.evidence);
}
