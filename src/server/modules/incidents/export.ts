import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Incident, IncidentListQuery } from '../../../contracts/incidents.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import type { AppContext } from '../../platform/context.js';
import { onCase } from './case.js';
import { recordCustody } from './custody.js';
import { blobsOf } from './evidence.service.js';
import { listEvidenceRows } from './evidence.repository.js';
import { readCaseFile, renderCaseReport } from './report.js';
import { iterateIncidents } from './repository.js';

/** A file name safe inside a ZIP and on every recipient's file system. */
function zipName(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120);
  return cleaned === '' || cleaned.startsWith('.') ? `_${cleaned}` : cleaned;
}

/**
 * Builds the law-enforcement package of a case: the case report (PDF), `manifest.json` (every
 * evidence item with its SHA-256 and full custody history), `SHA256SUMS` (so a recipient can run
 * `sha256sum -c`) and the evidence files. The export is itself recorded on every item's custody
 * log first, so the manifest includes it. Files stream from the blob store into the ZIP.
 */
export async function exportCase(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
): Promise<{ filename: string; stream: Readable }> {
  await onCase(ctx, audit, principal, id, async ({ tx, incident, now, record, actor, log }) => {
    const evidence = await listEvidenceRows(tx, id);
    for (const item of evidence.filter((e) => e.status !== 'disposed')) {
      await recordCustody(tx, record, incident, {
        evidenceId: item.id,
        action: 'exported',
        actor,
        at: now,
        reason: 'case export package',
        to: 'export package',
      });
    }
    await log('exported', 'The case was exported (report, manifest and evidence).', {
      items: evidence.length,
    });
  });
  const file = await readCaseFile(ctx.database.db, principal, id);
  const report = await renderCaseReport(file, principal.name);
  const zip = new yazl.ZipFile();
  const blobs = blobsOf(ctx);
  const sums: string[] = [];
  const items = [];
  for (const item of file.evidence) {
    let path: string | null = null;
    if (
      item.kind === 'digital' &&
      item.sha256 !== null &&
      item.status !== 'disposed' &&
      (await blobs.has(item.sha256))
    ) {
      path = `evidence/${item.id}/${zipName(item.filename ?? 'evidence.bin')}`;
      zip.addFile(blobs.pathOf(item.sha256), path, { compress: false });
      sums.push(`${item.sha256}  ${path}`);
    }
    items.push({
      id: item.id,
      kind: item.kind,
      path,
      filename: item.filename,
      contentType: item.contentType,
      size: item.size,
      sha256: item.sha256,
      description: item.description,
      bagTag: item.bagTag,
      storageLocation: item.storageLocation,
      custodian: item.custodian,
      status: item.status,
      integrityAtExport: item.integrity,
      lastVerifiedAt: item.lastVerifiedAt,
      acquiredAt: item.acquiredAt,
      acquiredBy: item.acquiredBy,
      custody: item.custody,
    });
  }
  const reportSha = createHash('sha256').update(report).digest('hex');
  sums.push(`${reportSha}  case-report.pdf`);
  const manifest = {
    format: 'vigil-evidence-manifest/1',
    exportedAt: new Date().toISOString(),
    exportedBy: principal.name,
    incident: {
      id: file.incident.id,
      reference: file.incident.reference,
      title: file.incident.title,
      type: file.incident.type,
      status: file.incident.status,
      site: file.site,
    },
    report: { path: 'case-report.pdf', sha256: reportSha },
    hashAlgorithm: 'SHA-256',
    evidence: items,
  };
  zip.addBuffer(report, 'case-report.pdf');
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json');
  zip.addBuffer(Buffer.from(`${sums.join('\n')}\n`), 'SHA256SUMS');
  zip.end();
  return {
    filename: `${file.incident.reference}-export.zip`,
    stream: Readable.from(zip.outputStream),
  };
}

const CSV_COLUMNS = [
  'reference',
  'kind',
  'title',
  'type',
  'severity',
  'status',
  'siteId',
  'location',
  'occurredAt',
  'createdAt',
  'triagedAt',
  'resolvedAt',
  'closedAt',
  'assignedTo',
  'confidential',
  'triageDueAt',
  'triageBreached',
  'resolveDueAt',
  'resolveBreached',
  'disposition',
] as const;

/** A CSV cell, quoted when needed, with spreadsheet formulas neutralised (CWE-1236). */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(incident: Incident): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
    reference: incident.reference,
    kind: incident.kind,
    title: incident.title,
    type: incident.type,
    severity: incident.severity,
    status: incident.status,
    siteId: incident.siteId,
    location: incident.location,
    occurredAt: incident.occurredAt,
    createdAt: incident.createdAt,
    triagedAt: incident.triagedAt,
    resolvedAt: incident.resolvedAt,
    closedAt: incident.closedAt,
    assignedTo: incident.assignedTo?.name ?? null,
    confidential: incident.confidential,
    triageDueAt: incident.sla.triageDueAt,
    triageBreached: incident.sla.triageBreached,
    resolveDueAt: incident.sla.resolveDueAt,
    resolveBreached: incident.sla.resolveBreached,
    disposition: incident.disposition,
  };
  return `${CSV_COLUMNS.map((column) => csvCell(values[column])).join(',')}\r\n`;
}

/** The visible incidents matching the filters as CSV, streamed page by page. */
export function incidentsCsv(
  ctx: AppContext,
  principal: Principal,
  filters: Omit<IncidentListQuery, 'limit' | 'cursor'>,
): Readable {
  async function* lines() {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const incident of iterateIncidents(
      ctx.database.db,
      ctx.database.dialect,
      principal,
      filters,
    )) {
      yield csvRow(incident);
    }
  }
  return Readable.from(lines());
}
