import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  type Credentials,
  type TestEnv,
} from '../../test/harness.js';
import { reverifyAllEvidence } from './evidence.service.js';
import { multipart, reportIncident, uploadBytes } from './testing.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Reads every entry of a ZIP into memory (test-sized archives only). */
function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

describe.each(dialects)('evidence and chain of custody (%s)', (dialect) => {
  let t: TestEnv;
  let site: { id: string };
  let manager: Credentials;
  let secondManager: Credentials;
  let officer: Credentials;
  let incident: { id: string; reference: string };

  beforeAll(async () => {
    t = await startTestServer(dialect, { VIGIL_EVIDENCE_MAX_BYTES: '100000' });
    site = await makeSite(t, { timezone: 'America/New_York' });
    manager = await sessionFor(t, await makeUser(t, 'manager', [site as never]));
    secondManager = await sessionFor(t, await makeUser(t, 'manager', [site as never]));
    officer = await sessionFor(t, await makeUser(t, 'officer', [site as never]));
    incident = await reportIncident(t, officer, site.id, { title: 'Break-in at loading dock' });
  });
  afterAll(() => t.close());

  const blobPath = (hash: string) =>
    path.join(t.config.blobDir, 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);
  const custodyOf = async (evidenceId: string, as = manager) =>
    (await call(t, 'GET', `/api/v1/incidents/${incident.id}/evidence/${evidenceId}/custody`, { as })).json
      .items;

  it('streams an upload into a content-addressed, write-once blob and answers its hash', async () => {
    const bytes = randomBytes(50_000);
    const response = await uploadBytes(t, officer, incident.id, bytes, 'cam 3/../dock.jpg', 'CCTV still');
    expect(response.status).toBe(201);
    const body = JSON.parse(response.body);
    expect(body).toEqual({
      id: expect.any(String),
      sha256: sha256(bytes),
      size: 50_000,
      filename: 'dock.jpg',
      contentType: 'image/jpeg',
    });
    expect(fs.readFileSync(blobPath(body.sha256)).equals(bytes)).toBe(true);
    expect(fs.statSync(blobPath(body.sha256)).mode & 0o222).toBe(0);
    expect(fs.readdirSync(path.join(t.config.blobDir, 'tmp'))).toEqual([]);
    const custody = await custodyOf(body.id);
    expect(custody).toHaveLength(1);
    expect(custody[0]).toMatchObject({
      action: 'acquired',
      timeZone: 'America/New_York',
      details: { sha256: body.sha256 },
    });
    expect(custody[0].localTime).toMatch(/-0[45]:00$/);
    expect(Date.parse(custody[0].localTime)).toBe(Date.parse(custody[0].at));
    const evidence = await call(t, 'GET', `/api/v1/incidents/${incident.id}/evidence/${body.id}`, {
      as: manager,
    });
    expect(evidence.json).toMatchObject({
      kind: 'digital',
      description: 'CCTV still',
      status: 'held',
      integrity: 'intact',
    });

    // identical bytes: a second record, the same blob, never rewritten
    const before = fs.statSync(blobPath(body.sha256));
    const again = JSON.parse((await uploadBytes(t, officer, incident.id, bytes, 'copy.jpg')).body);
    expect(again.sha256).toBe(body.sha256);
    expect(again.id).not.toBe(body.id);
    expect(fs.statSync(blobPath(body.sha256)).mtimeMs).toBe(before.mtimeMs);
    expect(fs.statSync(blobPath(body.sha256)).ino).toBe(before.ino);
  });

  it('refuses an upload over the limit with 413 and keeps nothing of it', async () => {
    const response = await uploadBytes(t, officer, incident.id, randomBytes(150_000), 'big.bin');
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).code).toBe('payload_too_large');
    expect(fs.readdirSync(path.join(t.config.blobDir, 'tmp'))).toEqual([]);
    const declared = await t.server.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incident.id}/evidence`,
      headers: {
        ...officer.headers,
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(5_000_000),
      },
      payload: Buffer.alloc(5_000_000),
    });
    expect(declared.statusCode).toBe(413);
  });

  it('answers 400 without a file and 415 for a non-multipart body', async () => {
    const empty = multipart({ description: 'nothing' });
    const noFile = await t.server.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incident.id}/evidence`,
      headers: { ...officer.headers, ...empty.headers },
      payload: empty.payload,
    });
    expect(noFile.statusCode).toBe(400);
    const json = await call(t, 'POST', `/api/v1/incidents/${incident.id}/evidence`, {
      as: officer,
      body: { file: 'x' },
    });
    expect(json.status).toBe(415);
  });

  it('serves the bytes with a custody entry, and only to those allowed to download', async () => {
    const bytes = Buffer.from('<html><script>alert(1)</script></html>');
    const uploaded = JSON.parse(
      (await uploadBytes(t, officer, incident.id, bytes, 'page.html', undefined, 'text/html')).body,
    );
    const forbidden = await call(
      t,
      'GET',
      `/api/v1/incidents/${incident.id}/evidence/${uploaded.id}/content`,
      { as: officer },
    );
    expect(forbidden.status).toBe(403);
    const response = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.id}/evidence/${uploaded.id}/content?purpose=view`,
      headers: manager.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
    // never rendered as a page: served as bytes to download, in a sandbox
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['content-disposition']).toMatch(/^attachment;/);
    expect(response.headers['content-security-policy']).toContain('sandbox');
    const custody = await custodyOf(uploaded.id);
    expect(custody.map((c: { action: string }) => c.action)).toEqual(['acquired', 'viewed']);
    // a safe type may be shown inline when asked to view it; a download is always an attachment
    const image = JSON.parse(
      (await uploadBytes(t, officer, incident.id, randomBytes(10), 'p.png', undefined, 'image/png')).body,
    );
    const view = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.id}/evidence/${image.id}/content?purpose=view`,
      headers: manager.headers,
    });
    expect(view.headers['content-type']).toBe('image/png');
    expect(view.headers['content-disposition']).toMatch(/^inline;/);
    const download = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.id}/evidence/${image.id}/content`,
      headers: manager.headers,
    });
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect((await custodyOf(image.id)).map((c: { action: string }) => c.action)).toEqual([
      'acquired',
      'viewed',
      'downloaded',
    ]);
  });

  it('verifies stored bytes, and says intact false when a byte changed on disk or the file is gone', async () => {
    const bytes = randomBytes(20_000);
    const uploaded = JSON.parse((await uploadBytes(t, officer, incident.id, bytes, 'ledger.bin')).body);
    const verify = () =>
      call(t, 'POST', `/api/v1/incidents/${incident.id}/evidence/${uploaded.id}/verify`, {
        as: manager,
        body: {},
      });
    expect((await verify()).json).toEqual({
      intact: true,
      sha256Expected: uploaded.sha256,
      sha256Actual: uploaded.sha256,
    });

    const file = blobPath(uploaded.sha256);
    fs.chmodSync(file, 0o600);
    const tampered = Buffer.from(bytes);
    tampered[12_345] = (tampered[12_345] ?? 0) ^ 0x01;
    fs.writeFileSync(file, tampered);
    const result = (await verify()).json;
    expect(result).toEqual({
      intact: false,
      sha256Expected: uploaded.sha256,
      sha256Actual: sha256(tampered),
    });
    const evidence = await call(t, 'GET', `/api/v1/incidents/${incident.id}/evidence/${uploaded.id}`, {
      as: manager,
    });
    expect(evidence.json.integrity).toBe('mismatch');
    const custody = await custodyOf(uploaded.id);
    expect(custody.at(-1)).toMatchObject({ action: 'verified', details: { intact: false } });
    const timeline = await call(t, 'GET', `/api/v1/incidents/${incident.id}/timeline`, { as: manager });
    expect(timeline.json.items.map((e: { kind: string }) => e.kind)).toContain('evidence_integrity_failed');

    const sweep = await reverifyAllEvidence(t.server.ctx);
    expect(sweep.checked).toBeGreaterThanOrEqual(3);
    expect(sweep.mismatches.map((m) => m.evidenceId)).toEqual([uploaded.id]);

    fs.rmSync(file);
    expect((await verify()).json).toEqual({
      intact: false,
      sha256Expected: uploaded.sha256,
      sha256Actual: null,
    });
    fs.writeFileSync(file, bytes);
    expect((await verify()).json.intact).toBe(true);
  });

  it('logs physical evidence in the same custody log, with transfers', async () => {
    const created = await call(t, 'POST', `/api/v1/incidents/${incident.id}/evidence/physical`, {
      as: officer,
      body: {
        description: 'Crowbar',
        bagTag: 'BAG-0001',
        storageLocation: 'Locker 4',
        custodian: 'Officer Ray',
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      kind: 'physical',
      bagTag: 'BAG-0001',
      custodian: 'Officer Ray',
      sha256: null,
    });
    const transfer = await call(
      t,
      'POST',
      `/api/v1/incidents/${incident.id}/evidence/${created.json.id}/transfers`,
      {
        as: manager,
        body: {
          to: 'Det. Lane (police)',
          storageLocation: 'Police property room',
          reason: 'Forensic examination',
        },
      },
    );
    expect(transfer.json).toMatchObject({
      custodian: 'Det. Lane (police)',
      storageLocation: 'Police property room',
    });
    const custody = await custodyOf(created.json.id);
    expect(custody.map((c: { action: string }) => c.action)).toEqual(['acquired', 'transferred']);
    expect(custody[1]).toMatchObject({
      from: 'Officer Ray',
      to: 'Det. Lane (police)',
      storageLocation: 'Police property room',
      reason: 'Forensic examination',
    });
    const verify = await call(
      t,
      'POST',
      `/api/v1/incidents/${incident.id}/evidence/${created.json.id}/verify`,
      { as: manager, body: {} },
    );
    expect(verify.status).toBe(409);
  });

  it('disposes only through a recorded four-eyes decision, never under legal hold', async () => {
    const bytes = randomBytes(1000);
    const uploaded = JSON.parse((await uploadBytes(t, officer, incident.id, bytes, 'old.bin')).body);
    const base = `/api/v1/incidents/${incident.id}/evidence/${uploaded.id}`;
    expect((await call(t, 'POST', `${base}/disposal`, { as: officer, body: { reason: 'x' } })).status).toBe(
      403,
    );

    const hold = await call(t, 'POST', `/api/v1/incidents/${incident.id}/legal-hold`, {
      as: manager,
      body: { reason: 'Civil suit 24-118' },
    });
    expect(hold.json.legalHold.reason).toBe('Civil suit 24-118');
    const blocked = await call(t, 'POST', `${base}/disposal`, {
      as: manager,
      body: { reason: 'Retention period over' },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.json.detail).toContain('legal hold');
    await call(t, 'POST', `/api/v1/incidents/${incident.id}/legal-hold/release`, {
      as: manager,
      body: { reason: 'Settled' },
    });

    const requested = await call(t, 'POST', `${base}/disposal`, {
      as: manager,
      body: { reason: 'Retention period over' },
    });
    expect(requested.json.status).toBe('disposal_pending');
    expect((await call(t, 'POST', `${base}/disposal/approve`, { as: manager, body: {} })).status).toBe(409);
    // a hold placed while the request is pending still blocks the approval
    await call(t, 'POST', `/api/v1/incidents/${incident.id}/legal-hold`, {
      as: manager,
      body: { reason: 'New claim' },
    });
    expect((await call(t, 'POST', `${base}/disposal/approve`, { as: secondManager, body: {} })).status).toBe(
      409,
    );
    await call(t, 'POST', `/api/v1/incidents/${incident.id}/legal-hold/release`, {
      as: manager,
      body: { reason: 'Withdrawn' },
    });
    const approved = await call(t, 'POST', `${base}/disposal/approve`, {
      as: secondManager,
      body: { reason: 'checked' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('disposed');
    expect(approved.json.disposal).toMatchObject({
      reason: 'Retention period over',
      approvedBy: expect.any(String),
    });
    expect(fs.existsSync(blobPath(uploaded.sha256))).toBe(false);
    expect((await call(t, 'GET', `${base}/content`, { as: manager })).status).toBe(409);
    const custody = await custodyOf(uploaded.id);
    expect(custody.map((c: { action: string }) => c.action)).toEqual([
      'acquired',
      'legal_hold',
      'legal_hold',
      'disposal_requested',
      'legal_hold',
      'legal_hold',
      'disposed',
    ]);
    // why a hold ended is kept as well as why it began
    expect(custody.map((c: { reason: string | null }) => c.reason).slice(1, 3)).toEqual([
      'legal hold placed: Civil suit 24-118',
      'legal hold lifted: Settled',
    ]);
    const timeline = await call(t, 'GET', `/api/v1/incidents/${incident.id}/timeline`, { as: manager });
    const lifted = timeline.json.items.findLast((e: { kind: string }) => e.kind === 'legal_hold_lifted');
    expect(lifted).toMatchObject({
      summary: 'Legal hold lifted: Withdrawn',
      data: { reason: 'Withdrawn', heldFor: 'New claim' },
    });
    // the record stays, and the custody log cannot be rewritten
    const db = t.server.ctx.database.db;
    await expect(
      sql`delete from evidence_custody where evidence_id = ${uploaded.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update evidence_custody set actor_label = 'x' where evidence_id = ${uploaded.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
  });

  it('exports a ZIP whose manifest lets anyone verify every file, and records the export in custody', async () => {
    const exportCase = await reportIncident(t, manager, site.id, { title: 'Export me' });
    const files = [randomBytes(3000), Buffer.from('second file')];
    const ids: string[] = [];
    for (const [i, bytes] of files.entries()) {
      ids.push(JSON.parse((await uploadBytes(t, manager, exportCase.id, bytes, `file-${i}.bin`)).body).id);
    }
    await call(t, 'POST', `/api/v1/incidents/${exportCase.id}/evidence/physical`, {
      as: manager,
      body: { description: 'Glove', bagTag: 'BAG-77', storageLocation: 'Safe', custodian: 'Desk' },
    });
    const response = await t.server.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${exportCase.id}/export`,
      headers: manager.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const zip = await unzip(response.rawPayload);
    const manifest = JSON.parse(zip.get('manifest.json')!.toString());
    expect(manifest.incident.reference).toBe(exportCase.reference);
    expect(manifest.evidence).toHaveLength(3);
    for (const item of manifest.evidence.filter((e: { kind: string }) => e.kind === 'digital')) {
      const content = zip.get(item.path)!;
      expect(sha256(content)).toBe(item.sha256);
      expect(content.length).toBe(item.size);
      expect(item.custody.map((c: { action: string }) => c.action)).toEqual(['acquired', 'exported']);
    }
    const physical = manifest.evidence.find((e: { kind: string }) => e.kind === 'physical');
    expect(physical).toMatchObject({ path: null, bagTag: 'BAG-77' });
    expect(sha256(zip.get('case-report.pdf')!)).toBe(manifest.report.sha256);
    expect(zip.get('case-report.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    const sums = zip.get('SHA256SUMS')!.toString().trim().split('\n');
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(sha256(zip.get(name!)!)).toBe(hash);
    }
    expect(sums).toHaveLength(3);
    for (const id of ids) {
      const custody = (
        await call(t, 'GET', `/api/v1/incidents/${exportCase.id}/evidence/${id}/custody`, { as: manager })
      ).json.items;
      expect(custody.at(-1).action).toBe('exported');
    }
    const timeline = await call(t, 'GET', `/api/v1/incidents/${exportCase.id}/timeline`, { as: manager });
    expect(timeline.json.items.at(-1).kind).toBe('exported');
    expect((await call(t, 'GET', `/api/v1/incidents/${exportCase.id}/export`, { as: officer })).status).toBe(
      403,
    );
  });

  it('moves evidence with its custody when cases are merged', async () => {
    const target = await reportIncident(t, manager, site.id, { title: 'Target' });
    const source = await reportIncident(t, manager, site.id, { title: 'Source' });
    const uploaded = JSON.parse(
      (await uploadBytes(t, manager, source.id, Buffer.from('merge me'), 'm.txt')).body,
    );
    await call(t, 'POST', `/api/v1/incidents/${target.id}/merge`, {
      as: manager,
      body: { sourceId: source.id },
    });
    const list = await call(t, 'GET', `/api/v1/incidents/${target.id}/evidence`, { as: manager });
    expect(list.json.items.map((e: { id: string }) => e.id)).toEqual([uploaded.id]);
    const custody = (
      await call(t, 'GET', `/api/v1/incidents/${target.id}/evidence/${uploaded.id}/custody`, { as: manager })
    ).json.items;
    expect(custody.map((c: { action: string }) => c.action)).toEqual(['acquired', 'case_merged']);
  });
});
