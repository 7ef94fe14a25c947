import { z } from 'zod';
import { custodyActionSchema, type CustodyEntry, type Evidence } from '../../../contracts/incidents.js';
import type { Actor } from '../../platform/audit/chain.js';
import type { Tx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { formatInZone } from './calendar.js';
import type { EvidenceCustodyTable, IncidentEvidenceTable } from './tables.js';

export function toEvidence(row: IncidentEvidenceTable): Evidence {
  return {
    id: row.id,
    incidentId: row.incident_id,
    kind: row.kind === 'physical' ? 'physical' : 'digital',
    description: row.description,
    sha256: row.sha256,
    size: row.size,
    filename: row.filename,
    contentType: row.content_type,
    bagTag: row.bag_tag,
    storageLocation: row.storage_location,
    custodian: row.custodian,
    status: z.enum(['held', 'disposal_pending', 'disposed']).catch('held').parse(row.status),
    integrity: z
      .enum(['unverified', 'intact', 'mismatch', 'missing'])
      .catch('unverified')
      .parse(row.integrity),
    lastVerifiedAt: row.last_verified_at,
    acquiredAt: row.acquired_at,
    acquiredBy: row.acquired_by_label,
    disposal:
      row.disposal_reason !== null && row.disposal_requested_at !== null
        ? {
            reason: row.disposal_reason,
            requestedBy: row.disposal_requested_by ?? '',
            requestedAt: row.disposal_requested_at,
            approvedBy: row.disposal_approved_by,
            disposedAt: row.disposed_at,
          }
        : null,
    version: row.version,
  };
}

const details = z.record(z.string(), z.unknown());

export function toCustodyEntry(row: EvidenceCustodyTable): CustodyEntry {
  let parsed: Record<string, unknown>;
  try {
    parsed = details.catch({}).parse(JSON.parse(row.details));
  } catch {
    parsed = {};
  }
  return {
    id: row.id,
    evidenceId: row.evidence_id,
    action: custodyActionSchema.catch('viewed').parse(row.action),
    at: row.at,
    timeZone: row.time_zone,
    localTime: formatInZone(row.at, row.time_zone),
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    reason: row.reason,
    from: row.from_party,
    to: row.to_party,
    storageLocation: row.storage_location,
    details: parsed,
  };
}

export async function insertEvidence(tx: Tx, row: IncidentEvidenceTable): Promise<void> {
  await tx.insertInto('incident_evidence').values(row).execute();
}

export async function findEvidence(db: Tx, incidentId: string, evidenceId: string) {
  return db
    .selectFrom('incident_evidence')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '=', evidenceId)
    .executeTakeFirst();
}

export async function listEvidenceRows(db: Tx, incidentId: string) {
  return db
    .selectFrom('incident_evidence')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('id')
    .execute();
}

export async function updateEvidence(
  tx: Tx,
  id: string,
  patch: Partial<Omit<IncidentEvidenceTable, 'id' | 'version'>>,
  version: number,
): Promise<void> {
  await tx
    .updateTable('incident_evidence')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .execute();
}

/** The zone custody times of a case are shown in: its site's, else UTC. */
export async function zoneOfIncident(db: Tx, incidentId: string): Promise<string> {
  const row = await db
    .selectFrom('incidents')
    .leftJoin('sites', 'sites.id', 'incidents.site_id')
    .select('sites.timezone')
    .where('incidents.id', '=', incidentId)
    .executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

export interface CustodyInput {
  evidenceId: string;
  action: z.infer<typeof custodyActionSchema>;
  actor: Actor;
  at: string;
  timeZone: string;
  reason?: string | null;
  from?: string | null;
  to?: string | null;
  storageLocation?: string | null;
  details?: Record<string, unknown>;
}

export async function insertCustody(tx: Tx, input: CustodyInput): Promise<EvidenceCustodyTable> {
  const row: EvidenceCustodyTable = {
    id: newId(),
    evidence_id: input.evidenceId,
    action: input.action,
    at: input.at,
    time_zone: input.timeZone,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    actor_label: input.actor.label,
    reason: input.reason ?? null,
    from_party: input.from ?? null,
    to_party: input.to ?? null,
    storage_location: input.storageLocation ?? null,
    details: JSON.stringify(input.details ?? {}),
  };
  await tx.insertInto('evidence_custody').values(row).execute();
  return row;
}

export async function listCustodyRows(db: Tx, evidenceIds: readonly string[]) {
  if (evidenceIds.length === 0) return [];
  return db
    .selectFrom('evidence_custody')
    .selectAll()
    .where('evidence_id', 'in', evidenceIds)
    .orderBy('evidence_id')
    .orderBy('id')
    .execute();
}

/** Other evidence items (not disposed of) that still hold the same bytes. */
export async function otherHoldersOf(db: Tx, sha256: string, exceptId: string): Promise<number> {
  const row = await db
    .selectFrom('incident_evidence')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('sha256', '=', sha256)
    .where('id', '!=', exceptId)
    .where('status', '!=', 'disposed')
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Digital evidence still held, a page at a time by id (for the re-verification job). */
export async function heldDigitalEvidence(db: Tx, afterId: string | null, limit: number) {
  return db
    .selectFrom('incident_evidence')
    .innerJoin('incidents', 'incidents.id', 'incident_evidence.incident_id')
    .selectAll('incident_evidence')
    .select(['incidents.site_id', 'incidents.confidential', 'incidents.reference'])
    .where('incident_evidence.kind', '=', 'digital')
    .where('incident_evidence.status', '!=', 'disposed')
    .$if(afterId !== null, (qb) => qb.where('incident_evidence.id', '>', afterId ?? ''))
    .orderBy('incident_evidence.id')
    .limit(limit)
    .execute();
}
