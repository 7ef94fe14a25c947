import PDFDocument from 'pdfkit';
import type { CustodyEntry, Evidence, Incident } from '../../../contracts/incidents.js';
import type { Principal } from '../../platform/access/principal.js';
import type { Tx } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { listCustodyRows, listEvidenceRows, toCustodyEntry, toEvidence } from './evidence.repository.js';
import { canSeePersonalData } from './policy.js';
import {
  findIncident,
  listNotes,
  listPeople,
  listReferrals,
  listTimeline,
  listWorkItems,
  toIncident,
  toReferral,
  toWorkItem,
} from './repository.js';

/** Everything a case report shows, read once under the caller's scope. */
export interface CaseFile {
  incident: Incident;
  site: { code: string; name: string; timezone: string } | null;
  people: { role: string; name: string | null; contact: string | null }[];
  notes: { author: string; at: string; body: string }[];
  timeline: { at: string; actor: string; summary: string; reference: string }[];
  tasks: ReturnType<typeof toWorkItem>[];
  actions: ReturnType<typeof toWorkItem>[];
  referrals: ReturnType<typeof toReferral>[];
  evidence: (Evidence & { custody: CustodyEntry[] })[];
}

/** Reads a case with all its parts (404 when the caller may not see it). */
export async function readCaseFile(db: Tx, principal: Principal, id: string): Promise<CaseFile> {
  const row = await findIncident(db, principal, id);
  if (!row) throw notFound('Incident');
  const pii = canSeePersonalData(principal);
  const site = row.site_id
    ? await db
        .selectFrom('sites')
        .select(['code', 'name', 'timezone'])
        .where('id', '=', row.site_id)
        .executeTakeFirst()
    : undefined;
  const evidenceRows = await listEvidenceRows(db, id);
  const custody = (
    await listCustodyRows(
      db,
      evidenceRows.map((e) => e.id),
    )
  ).map(toCustodyEntry);
  return {
    incident: toIncident(row),
    site: site ?? null,
    people: (await listPeople(db, id)).map((p) => ({
      role: p.role,
      name: pii ? p.name : null,
      contact: pii ? p.contact : null,
    })),
    notes: (await listNotes(db, id)).map((n) => ({ author: n.author_label, at: n.created_at, body: n.body })),
    timeline: (await listTimeline(db, id)).map((t) => ({
      at: t.at,
      actor: t.actor_label,
      summary: t.summary,
      reference: t.reference,
    })),
    tasks: (await listWorkItems(db, id, 'task')).map(toWorkItem),
    actions: (await listWorkItems(db, id, 'action')).map(toWorkItem),
    referrals: (await listReferrals(db, id)).map(toReferral),
    evidence: evidenceRows.map((e) => ({
      ...toEvidence(e),
      custody: custody.filter((c) => c.evidenceId === e.id),
    })),
  };
}

/** Renders the case report as a PDF (A4), in memory: a report is text, not evidence bytes. */
export function renderCaseReport(file: CaseFile, generatedBy: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Case ${file.incident.reference}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { incident } = file;
  const heading = (text: string) => {
    doc
      .moveDown(0.8)
      .font('Helvetica-Bold')
      .fontSize(13)
      .text(text)
      .moveDown(0.2)
      .font('Helvetica')
      .fontSize(10);
  };
  const field = (label: string, value: string | null | undefined) => {
    doc
      .font('Helvetica-Bold')
      .text(`${label}: `, { continued: true })
      .font('Helvetica')
      .text(value ?? '—');
  };

  doc.font('Helvetica-Bold').fontSize(18).text(`Case report ${incident.reference}`);
  doc.font('Helvetica').fontSize(9).fillColor('#555555');
  doc.text(
    `Generated ${new Date().toISOString()} by ${generatedBy}.${incident.confidential ? ' CONFIDENTIAL — need to know.' : ''}`,
  );
  doc.fillColor('#000000').fontSize(10).moveDown();

  field('Title', incident.title);
  field('Type', incident.type);
  field('Severity', incident.severity);
  field('Status', incident.status);
  field('Site', file.site ? `${file.site.name} (${file.site.code})` : null);
  field('Location', incident.location);
  field('Occurred', incident.occurredAt);
  field('Reported', `${incident.createdAt}${incident.anonymous ? ' (anonymous)' : ''}`);
  field('Reported by', incident.anonymous ? 'anonymous' : (incident.reportedBy?.name ?? null));
  field('Assigned to', incident.assignedTo?.name ?? null);
  field(
    'Triage due',
    `${incident.sla.triageDueAt ?? '—'}${incident.sla.triageBreached ? ' (BREACHED)' : ''}`,
  );
  field(
    'Resolution due',
    `${incident.sla.resolveDueAt ?? '—'}${incident.sla.resolveBreached ? ' (BREACHED)' : ''}`,
  );
  field(
    'Disposition',
    incident.disposition
      ? `${incident.disposition}${incident.dispositionNote ? ` — ${incident.dispositionNote}` : ''}`
      : null,
  );
  if (incident.legalHold)
    field('Legal hold', `${incident.legalHold.reason} (since ${incident.legalHold.since})`);

  heading('Description');
  doc.text(incident.description === '' ? '—' : incident.description);
  heading('Findings and root cause');
  field('Root cause', incident.rootCause);
  doc.text(incident.findings ?? '—');

  heading('People involved');
  if (file.people.length === 0) doc.text('—');
  for (const person of file.people)
    doc.text(`${person.role}: ${person.name ?? '[withheld]'}${person.contact ? ` (${person.contact})` : ''}`);

  heading('Tasks');
  if (file.tasks.length === 0) doc.text('—');
  for (const task of file.tasks)
    doc.text(
      `[${task.status}] ${task.title} — ${task.owner?.name ?? 'no owner'}${task.dueAt ? `, due ${task.dueAt}` : ''}`,
    );
  heading('Corrective actions');
  if (file.actions.length === 0) doc.text('—');
  for (const action of file.actions)
    doc.text(
      `[${action.status}] ${action.title} — ${action.owner?.name ?? 'no owner'}${action.dueAt ? `, due ${action.dueAt}` : ''}`,
    );

  heading('Law-enforcement referrals');
  if (file.referrals.length === 0) doc.text('—');
  for (const referral of file.referrals) {
    doc.text(
      `${referral.referredOn} ${referral.agency}${referral.caseNumber ? `, case ${referral.caseNumber}` : ''}${referral.contact ? `, contact ${referral.contact}` : ''}`,
    );
    if (referral.shared) doc.text(`  Shared: ${referral.shared}`);
    for (const followUp of referral.followUps) doc.text(`  ${followUp.on} ${followUp.by}: ${followUp.note}`);
  }

  heading('Evidence');
  if (file.evidence.length === 0) doc.text('—');
  for (const item of file.evidence) {
    doc
      .font('Helvetica-Bold')
      .text(item.kind === 'digital' ? (item.filename ?? item.id) : `Bag ${item.bagTag ?? '?'}`);
    doc.font('Helvetica');
    if (item.sha256)
      doc
        .font('Courier')
        .fontSize(8)
        .text(`SHA-256 ${item.sha256}  ${item.size ?? 0} bytes`)
        .font('Helvetica')
        .fontSize(10);
    if (item.description) doc.text(item.description);
    doc.text(
      `Status ${item.status}, integrity ${item.integrity}${item.storageLocation ? `, stored at ${item.storageLocation}` : ''}`,
    );
    for (const entry of item.custody) {
      doc
        .fontSize(8)
        .text(
          `  ${entry.localTime} ${entry.action} by ${entry.actor.label}${entry.to ? ` → ${entry.to}` : ''}${entry.reason ? ` (${entry.reason})` : ''}`,
        );
    }
    doc.fontSize(10).moveDown(0.3);
  }

  heading('Notes');
  if (file.notes.length === 0) doc.text('—');
  for (const note of file.notes) {
    doc
      .font('Helvetica-Bold')
      .text(`${note.at} ${note.author}`)
      .font('Helvetica')
      .text(note.body)
      .moveDown(0.3);
  }

  heading('Timeline');
  for (const entry of file.timeline) {
    doc.fontSize(8).text(`${entry.at} [${entry.reference}] ${entry.actor}: ${entry.summary}`);
  }
  doc.end();
  return done;
}
