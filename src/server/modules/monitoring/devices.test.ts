import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../contracts/sites.js';
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
import { eventually, makeDevice, tag } from '../../test/monitoring.js';
import { dc09KeyFor, dc09Keys } from './index.js';

describe.each(dialects)('device registry (%s)', (dialect) => {
  let t: TestEnv;
  let siteA: Site;
  let siteB: Site;
  let admin: Credentials;
  let managerA: Credentials;
  let officerA: Credentials;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha' });
    siteB = await makeSite(t, { name: 'Bravo' });
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    managerA = await sessionFor(t, await makeUser(t, 'manager', [siteA]));
    officerA = await sessionFor(t, await makeUser(t, 'officer', [siteA]));
  });
  afterAll(() => t.close());

  it('registers a device with every field and answers 201 with status unknown', async () => {
    const account = tag().slice(0, 6).toUpperCase();
    const response = await call(t, 'POST', '/api/v1/devices', {
      as: managerA,
      body: {
        name: 'Main panel',
        kind: 'intrusion_panel',
        siteId: siteA.id,
        supervisionSeconds: 3600,
        dc09: { account, key: '00112233445566778899AABBCCDDEEFF', keyEncoding: 'hex' },
        externalId: `panel-${tag()}`,
        vendor: 'Ajax',
        model: 'Hub 2',
        firmware: '2.16',
        serial: 'SN-1',
        location: 'Lobby',
        zone: 'Ground floor',
        installedOn: '2024-05-01',
        lastMaintenanceOn: '2025-01-10',
        nextMaintenanceOn: '2026-01-10',
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.json).toMatchObject({
      name: 'Main panel',
      kind: 'intrusion_panel',
      status: 'unknown',
      lastSeenAt: null,
      supervisionSeconds: 3600,
      dc09: { account, keyEncoding: 'hex', hasKey: true },
      vendor: 'Ajax',
      installedOn: '2024-05-01',
    });
    // The key is never answered, nor stored in clear, nor written to the audit log.
    expect(response.body).not.toContain('00112233445566778899');
    const stored = await t.server.ctx.database.db
      .selectFrom('monitoring_devices')
      .select('dc09_key')
      .where('id', '=', response.json.id)
      .executeTakeFirstOrThrow();
    expect(stored.dc09_key).toMatch(/^v1\./);
    expect(stored.dc09_key?.toLowerCase()).not.toContain('00112233445566778899');
    const audit = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'changes'])
      .where('entity_id', '=', response.json.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['device.created']);
    expect(audit[0]?.changes).not.toContain('00112233445566778899');
    expect(audit[0]?.changes).toContain('[set]');
    // The DC-09 receiver gets the raw key bytes back.
    const key = await dc09KeyFor(t.server.ctx, account);
    expect(key?.toString('hex')).toBe('00112233445566778899aabbccddeeff');
    const got = await call(t, 'GET', `/api/v1/devices/${response.json.id}`, { as: officerA });
    expect(got.status).toBe(200);
    expect(got.body).not.toContain('00112233445566778899');
  });

  it('takes ASCII keys and rejects keys of the wrong size', async () => {
    const account = tag().slice(0, 8);
    const ascii = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: {
        name: 'ASCII panel',
        kind: 'intrusion_panel',
        siteId: siteA.id,
        dc09: { account, key: 'abcdefghijklmnop', keyEncoding: 'ascii' },
      },
    });
    expect(ascii.status).toBe(201);
    expect((await dc09KeyFor(t.server.ctx, account))?.toString('latin1')).toBe('abcdefghijklmnop');
    const bad = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: { name: 'Bad', kind: 'intrusion_panel', siteId: siteA.id, dc09: { account: '1234', key: 'abc' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.some((e: { path: string }) => e.path.includes('key'))).toBe(true);
    const badKind = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: { name: 'Bad', kind: 'toaster', siteId: siteA.id },
    });
    expect(badKind.status).toBe(400);
  });

  it('keeps routing identifiers unique (409 naming the field)', async () => {
    const device = await makeDevice(t, siteA);
    const clash = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: { name: 'Twin', kind: 'sensor', siteId: siteB.id, externalId: device.externalId },
    });
    expect(clash.status).toBe(409);
    expect(clash.json.errors[0].path).toBe('externalId');
  });

  it('scopes devices by site: 404 and absent from lists elsewhere, no filing under a hidden site', async () => {
    const hidden = await makeDevice(t, siteB, { name: 'Hidden camera', kind: 'camera' });
    const visible = await makeDevice(t, siteA, { name: 'Visible camera', kind: 'camera' });
    expect((await call(t, 'GET', `/api/v1/devices/${hidden.id}`, { as: managerA })).status).toBe(404);
    const list = await call(t, 'GET', '/api/v1/devices?limit=500', { as: managerA });
    const ids = list.json.items.map((d: { id: string }) => d.id);
    expect(ids).toContain(visible.id);
    expect(ids).not.toContain(hidden.id);
    expect(list.json.items.every((d: { siteId: string }) => d.siteId === siteA.id)).toBe(true);
    const misfiled = await call(t, 'POST', '/api/v1/devices', {
      as: managerA,
      body: { name: 'X', kind: 'sensor', siteId: siteB.id },
    });
    expect(misfiled.status).toBe(400);
    expect(misfiled.json.errors[0].path).toBe('siteId');
    const patch = await call(t, 'PATCH', `/api/v1/devices/${hidden.id}`, {
      as: managerA,
      body: { name: 'Mine now' },
      headers: { 'if-match': '"v1"' },
    });
    expect(patch.status).toBe(404);
    expect((await call(t, 'POST', '/api/v1/devices', { as: officerA, body: {} })).status).toBe(403);
  });

  it('updates with If-Match, keeps the key unless replaced, and audits the change', async () => {
    const account = tag().slice(0, 6);
    const device = await makeDevice(t, siteA, { dc09: { account, key: '0123456789abcdef0123456789abcdef' } });
    const url = `/api/v1/devices/${device.id}`;
    // The receiver's in-memory copy of the keys follows the registry.
    const store = dc09Keys(t.server.ctx);
    await store.refresh();
    expect(Buffer.from(store.get(account) ?? []).toString('hex')).toBe('0123456789abcdef0123456789abcdef');
    expect((await call(t, 'PATCH', url, { as: admin, body: { firmware: '3.0' } })).status).toBe(428);
    const first = await call(t, 'PATCH', url, {
      as: admin,
      body: { firmware: '3.0', dc09: { account } },
      headers: { 'if-match': '"v1"' },
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ firmware: '3.0', version: 2, dc09: { account, hasKey: true } });
    const stale = await call(t, 'PATCH', url, {
      as: admin,
      body: { firmware: '4.0' },
      headers: { 'if-match': '"v1"' },
    });
    expect(stale.status).toBe(412);
    const removed = await call(t, 'PATCH', url, {
      as: admin,
      body: { dc09: { account, key: null } },
      headers: { 'if-match': '"v2"' },
    });
    expect(removed.json.dc09).toEqual({ account, keyEncoding: null, hasKey: false });
    expect(await dc09KeyFor(t.server.ctx, account)).toBeNull();
    await eventually(() => Promise.resolve(store.get(account) === undefined ? true : undefined));
    const actions = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', device.id)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['device.created', 'device.updated', 'device.updated']);
  });

  it('filters the list by status, kind and search', async () => {
    const site = await makeSite(t);
    const a = await makeDevice(t, site, { name: 'Door A', kind: 'door' });
    await makeDevice(t, site, { name: 'Cam B', kind: 'camera' });
    await t.server.ctx.database.db
      .updateTable('monitoring_devices')
      .set({ status: 'offline' })
      .where('id', '=', a.id)
      .execute();
    const offline = await call(t, 'GET', `/api/v1/devices?status=offline&siteId=${site.id}`, { as: admin });
    expect(offline.json.items.map((d: { id: string }) => d.id)).toEqual([a.id]);
    const cams = await call(t, 'GET', `/api/v1/devices?kind=camera&siteId=${site.id}`, { as: admin });
    expect(cams.json.items.map((d: { name: string }) => d.name)).toEqual(['Cam B']);
    const found = await call(t, 'GET', `/api/v1/devices?q=Door&siteId=${site.id}`, { as: admin });
    expect(found.json.items).toHaveLength(1);
    expect((await call(t, 'GET', '/api/v1/devices?status=broken', { as: admin })).status).toBe(400);
  });
});
