import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../contracts/sites.js';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  tokenFor,
  type Credentials,
  type TestEnv,
} from '../../test/harness.js';
import { httpEvent, makeDevice, sendEvents, tag } from '../../test/monitoring.js';
import { checkSupervision, ingestEvents, SUPERVISION_JOB } from './index.js';

describe.each(dialects)('ingestion pipeline (%s)', (dialect) => {
  let t: TestEnv;
  let siteA: Site;
  let siteB: Site;
  let adminToken: Credentials;
  let admin: Credentials;
  let managerA: Credentials;
  const db = () => t.server.ctx.database.db;
  const eventsOf = (deviceId: string) =>
    db()
      .selectFrom('monitoring_events')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('id')
      .execute();
  const alarmsOf = (deviceId: string) =>
    db()
      .selectFrom('monitoring_alarms')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('first_at')
      .execute();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha' });
    siteB = await makeSite(t, { name: 'Bravo' });
    const adminUser = await makeUser(t, 'admin');
    adminToken = await tokenFor(t, adminUser);
    admin = await sessionFor(t, adminUser);
    managerA = await tokenFor(t, await makeUser(t, 'manager', [siteA]));
  });
  afterAll(() => t.close());

  it('answers 202 after storing, and a retried batch is acknowledged without storing twice', async () => {
    const device = await makeDevice(t, siteA);
    const events = [
      httpEvent(device, { type: 'opening', zone: '1' }),
      httpEvent(device, { type: 'closing', zone: '1' }),
      httpEvent(device, { type: 'access_granted', details: { card: '42' } }),
    ];
    const first = await sendEvents(t, adminToken, events);
    expect(first.status).toBe(202);
    expect(first.json).toEqual({ accepted: 3, duplicates: 0 });
    expect(await eventsOf(device.id)).toHaveLength(3);
    const retry = await sendEvents(t, adminToken, events);
    expect(retry.json).toEqual({ accepted: 0, duplicates: 3 });
    const overlap = await sendEvents(t, adminToken, [events[0]!, httpEvent(device, { type: 'test' })]);
    expect(overlap.json).toEqual({ accepted: 1, duplicates: 1 });
    const twice = httpEvent(device, { type: 'test' });
    expect((await sendEvents(t, adminToken, [twice, twice])).json).toEqual({ accepted: 1, duplicates: 1 });
    const stored = await eventsOf(device.id);
    expect(stored).toHaveLength(5);
    expect(stored.find((e) => e.type === 'access_granted')?.details).toContain('"card":"42"');
    // The device was heard: online, with its last-seen time.
    const got = await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin });
    expect(got.json.status).toBe('online');
    expect(got.json.lastSeenAt).not.toBeNull();
  });

  it('rejects bad batches whole, and callers without the ingest permission', async () => {
    const device = await makeDevice(t, siteA);
    const noDevice = await sendEvents(t, adminToken, [
      { id: '1', type: 'intrusion', occurredAt: new Date().toISOString() },
    ]);
    expect(noDevice.status).toBe(400);
    const badType = await sendEvents(t, adminToken, [
      httpEvent(device),
      httpEvent(device, { type: 'explosion' }),
    ]);
    expect(badType.status).toBe(400);
    expect(badType.json.errors[0].path).toContain('events.1.type');
    const badTime = await sendEvents(t, adminToken, [httpEvent(device, { occurredAt: 'yesterday' })]);
    expect(badTime.status).toBe(400);
    expect((await sendEvents(t, adminToken, [])).status).toBe(400);
    expect(await eventsOf(device.id)).toHaveLength(0);
    const operator = await tokenFor(t, await makeUser(t, 'operator', [siteA]));
    expect((await sendEvents(t, operator, [httpEvent(device)])).status).toBe(403);
    expect(
      (await call(t, 'POST', '/api/v1/ingest/events', { body: { events: [httpEvent(device)] } })).status,
    ).toBe(401);
  });

  it('stores events of unknown devices and raises one folded "unregistered device" alarm', async () => {
    const ghost = `ghost-${tag()}`;
    const response = await sendEvents(t, adminToken, [
      { id: 'a', externalId: ghost, type: 'intrusion', occurredAt: new Date().toISOString() },
      { id: 'b', externalId: ghost, type: 'fire', occurredAt: new Date().toISOString() },
    ]);
    expect(response.json).toEqual({ accepted: 2, duplicates: 0 });
    const stored = await db()
      .selectFrom('monitoring_events')
      .selectAll()
      .where('device_ref', '=', ghost)
      .execute();
    expect(stored.map((e) => e.outcome)).toEqual(['unregistered', 'unregistered']);
    const alarms = await db().selectFrom('monitoring_alarms').selectAll().where('code', '=', ghost).execute();
    expect(alarms).toHaveLength(1);
    // A fire from an unknown panel is still critical.
    expect(alarms[0]).toMatchObject({ type: 'unregistered_device', count: 2, priority: 1, site_id: null });
    const desk = await call(t, 'GET', '/api/v1/alarms?type=unregistered_device', { as: admin });
    expect(desk.json.items.some((a: { code: string }) => a.code === ghost)).toBe(true);
  });

  it('limits a token to devices at its sites: elsewhere the event counts as unregistered', async () => {
    const other = await makeDevice(t, siteB);
    const response = await sendEvents(t, managerA, [httpEvent(other)]);
    expect(response.status).toBe(202);
    expect(await eventsOf(other.id)).toHaveLength(0);
    const device = await call(t, 'GET', `/api/v1/devices/${other.id}`, { as: admin });
    expect(device.json.status).toBe('unknown');
    const unregistered = await db()
      .selectFrom('monitoring_alarms')
      .select('type')
      .where('code', '=', other.externalId)
      .execute();
    expect(unregistered).toEqual([{ type: 'unregistered_device' }]);
  });

  it('folds a flood of the same device, zone and type into one alarm with a count', async () => {
    const device = await makeDevice(t, siteA, { kind: 'intrusion_panel' });
    const base = Date.now();
    const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
    await sendEvents(
      t,
      adminToken,
      [0, 5, 10, 15, 20].map((s) => httpEvent(device, { type: 'intrusion', zone: '3', occurredAt: at(s) })),
    );
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'intrusion', zone: '3', occurredAt: at(30) }),
    ]);
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'intrusion', zone: '4', occurredAt: at(30) }),
    ]);
    // Outside the 5-minute window: a new alarm.
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'intrusion', zone: '3', occurredAt: at(1000) }),
    ]);
    const alarms = await alarmsOf(device.id);
    expect(alarms.map((a) => [a.zone, a.count])).toEqual([
      ['3', 6],
      ['4', 1],
      ['3', 1],
    ]);
    expect(alarms[0]?.first_at).toBe(at(0));
    expect(alarms[0]?.last_at).toBe(at(30));
    const events = await eventsOf(device.id);
    expect(events.filter((e) => e.alarm_id === alarms[0]?.id)).toHaveLength(6);
  });

  it('a restore marks the matching active alarm restored, and only that one', async () => {
    const device = await makeDevice(t, siteA, { kind: 'intrusion_panel' });
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'intrusion', zone: '7', code: 'BA' }),
      httpEvent(device, { type: 'intrusion', zone: '8', code: 'BA' }),
      httpEvent(device, { type: 'fire', zone: '7', code: 'FA' }),
    ]);
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'restore', restoreOf: 'intrusion', zone: '7', code: 'BR' }),
    ]);
    const alarms = await alarmsOf(device.id);
    const restored = alarms.filter((a) => a.restored_at !== null).map((a) => [a.type, a.zone]);
    expect(restored).toEqual([['intrusion', '7']]);
    expect(alarms.every((a) => a.state === 'active')).toBe(true);
    const restore = (await eventsOf(device.id)).find((e) => e.type === 'restore');
    expect(restore).toMatchObject({ outcome: 'restore', restore_of: 'intrusion', code: 'BR' });
  });

  it('trouble conditions hold the device in trouble until each is restored', async () => {
    const device = await makeDevice(t, siteA);
    const status = async () => (await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin })).json;
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'tamper' }),
      httpEvent(device, { type: 'battery_low' }),
    ]);
    const troubled = await status();
    expect(troubled.status).toBe('trouble');
    expect(troubled.troubles.map((x: { condition: string }) => x.condition).sort()).toEqual([
      'battery_low',
      'tamper',
    ]);
    const listed = await call(t, 'GET', `/api/v1/devices?status=trouble&siteId=${siteA.id}`, { as: admin });
    expect(listed.json.items.map((d: { id: string }) => d.id)).toContain(device.id);
    await sendEvents(t, adminToken, [httpEvent(device, { type: 'restore', restoreOf: 'tamper' })]);
    expect((await status()).status).toBe('trouble');
    await sendEvents(t, adminToken, [httpEvent(device, { type: 'restore', restoreOf: 'battery_low' })]);
    const fine = await status();
    expect(fine.status).toBe('online');
    expect(fine.troubles).toEqual([]);
  });

  it('takes DC-09 shaped events by account, dedupes retransmissions, flags unknown accounts', async () => {
    const account = tag().slice(0, 6).toUpperCase();
    const panel = await makeDevice(t, siteA, { kind: 'intrusion_panel', dc09: { account } });
    const frame = {
      source: 'dc09' as const,
      sourceEventId: `R0:L0:${account}:0042:${Date.now()}`,
      account,
      receivedAt: new Date().toISOString(),
      occurredAt: new Date().toISOString(),
      rawCode: 'FA',
      zone: '5',
      type: 'fire' as const,
      details: { protocol: 'SIA-DCS' },
    };
    expect(await ingestEvents(t.server.ctx, [frame])).toEqual({
      accepted: 1,
      duplicates: 0,
      outcomes: ['accepted'],
    });
    expect(await ingestEvents(t.server.ctx, [frame])).toEqual({
      accepted: 0,
      duplicates: 1,
      outcomes: ['duplicate'],
    });
    const [alarm] = await alarmsOf(panel.id);
    expect(alarm).toMatchObject({ type: 'fire', priority: 1, zone: '5', code: 'FA', count: 1 });
    const stranger = `${account}F`;
    await ingestEvents(t.server.ctx, [{ ...frame, sourceEventId: 'x1', account: stranger }]);
    const unregistered = await db()
      .selectFrom('monitoring_alarms')
      .selectAll()
      .where('code', '=', stranger)
      .execute();
    expect(unregistered.map((a) => a.type)).toEqual(['unregistered_device']);
  });

  it('group-commits concurrent callers: all durable, far fewer transactions than calls', async () => {
    const device = await makeDevice(t, siteA);
    const handle = t.server.ctx.database;
    const original = handle.transaction.bind(handle);
    let transactions = 0;
    handle.transaction = (fn) => {
      transactions += 1;
      return original(fn);
    };
    try {
      const calls = Array.from({ length: 50 }, (_, c) =>
        ingestEvents(
          t.server.ctx,
          Array.from({ length: 20 }, (_, i) => ({
            source: 'http' as const,
            sourceEventId: `group:${device.id}:${c}:${i}`,
            deviceId: device.id,
            type: 'access_granted' as const,
          })),
        ),
      );
      const results = await Promise.all(calls);
      expect(results.every((r) => r.accepted === 20)).toBe(true);
      expect(transactions).toBeLessThan(10);
    } finally {
      handle.transaction = original;
    }
    expect(await eventsOf(device.id)).toHaveLength(1000);
  });

  it("one caller's bad batch fails alone; the batches sharing its transaction commit", async () => {
    const device = await makeDevice(t, siteA);
    const event = (id: string, details: Record<string, unknown> | null = null) => ({
      source: 'http' as const,
      sourceEventId: `${device.id}:${id}`,
      deviceId: device.id,
      type: 'test' as const,
      details,
    });
    const outcomes = await Promise.allSettled([
      ingestEvents(t.server.ctx, [event('good-1')]),
      // BigInt cannot be serialised: this batch cannot be stored.
      ingestEvents(t.server.ctx, [event('bad', { n: 10n })]),
      ingestEvents(t.server.ctx, [event('good-2')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await eventsOf(device.id)).map((e) => e.source_event_id).sort()).toEqual([
      `${device.id}:good-1`,
      `${device.id}:good-2`,
    ]);
  });

  it('supervision: a silent device goes offline with one alarm; heard again it is back and the outage recorded', async () => {
    const device = await makeDevice(t, siteA, { kind: 'intrusion_panel', supervisionSeconds: 60 });
    // Installed an hour ago, last heard five minutes ago.
    await db()
      .updateTable('monitoring_devices')
      .set({ created_at: new Date(Date.now() - 3600_000).toISOString() })
      .where('id', '=', device.id)
      .execute();
    const heardAt = new Date(Date.now() - 300_000).toISOString();
    await ingestEvents(t.server.ctx, [
      {
        source: 'dc09',
        sourceEventId: `link:${device.id}:1`,
        deviceId: device.id,
        type: 'test',
        receivedAt: heardAt,
      },
    ]);
    const before = await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin });
    expect(before.json).toMatchObject({ status: 'online', lastSeenAt: heardAt });
    // Two nodes sweeping at the same moment raise the alarm once.
    const now = new Date();
    const sweeps = await Promise.all([
      checkSupervision(t.server.ctx, now),
      checkSupervision(t.server.ctx, now),
    ]);
    expect(sweeps.reduce((sum, s) => sum + s.offline, 0)).toBeGreaterThanOrEqual(1);
    const offline = await call(t, 'GET', `/api/v1/devices?status=offline&siteId=${siteA.id}`, { as: admin });
    expect(offline.json.items.map((d: { id: string }) => d.id)).toContain(device.id);
    const lost = (await alarmsOf(device.id)).filter((a) => a.type === 'communication_lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ count: 1, priority: 2, restored_at: null });
    expect(await checkSupervision(t.server.ctx, new Date())).toEqual({ offline: 0 });
    // Heard again: online, the alarm restored, the outage closed.
    await sendEvents(t, adminToken, [httpEvent(device, { type: 'test' })]);
    const after = await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin });
    expect(after.json.status).toBe('online');
    const [restored] = (await alarmsOf(device.id)).filter((a) => a.type === 'communication_lost');
    expect(restored?.restored_at).not.toBeNull();
    const outages = await db()
      .selectFrom('monitoring_device_outages')
      .selectAll()
      .where('device_id', '=', device.id)
      .execute();
    expect(outages).toHaveLength(1);
    expect(outages[0]?.cause).toBe('supervision');
    expect(outages[0]?.ended_at).not.toBeNull();
    const uptime = await call(t, 'GET', `/api/v1/monitoring/uptime?deviceId=${device.id}`, { as: admin });
    expect(uptime.status).toBe(200);
    const [row] = uptime.json.devices;
    // Due at heard + 60 s + 30 s grace; down from then until heard again (~210 s).
    expect(row.downtimeSeconds).toBeGreaterThan(180);
    expect(row.downtimeSeconds).toBeLessThan(260);
    expect(row.uptime).toBeLessThan(1);
    expect(row.outages).toHaveLength(1);
    expect(uptime.json.sites[0]).toMatchObject({ siteId: siteA.id, devices: 1 });
  });

  it('supervision: a device registered and never heard goes offline one period later; unsupervised never does', async () => {
    const site = await makeSite(t);
    const silent = await makeDevice(t, site, { supervisionSeconds: 60 });
    const unsupervised = await makeDevice(t, site);
    expect((await checkSupervision(t.server.ctx, new Date(Date.now() + 30_000))).offline).toBe(0);
    await checkSupervision(t.server.ctx, new Date(Date.now() + 120_000));
    const list = await call(t, 'GET', `/api/v1/devices?siteId=${site.id}`, { as: admin });
    const status = Object.fromEntries(
      list.json.items.map((d: { id: string; status: string }) => [d.id, d.status]),
    );
    expect(status[silent.id]).toBe('offline');
    expect(status[unsupervised.id]).toBe('unknown');
  });

  it('runs the supervision sweep as a scheduled job of the platform queue', async () => {
    expect(t.server.ctx.jobs.registeredKinds()).toEqual(
      expect.arrayContaining([SUPERVISION_JOB, 'monitoring.escalation']),
    );
    const site = await makeSite(t);
    const device = await makeDevice(t, site, { supervisionSeconds: 10 });
    await db()
      .updateTable('monitoring_devices')
      .set({ supervision_due_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', device.id)
      .execute();
    await t.server.ctx.database.transaction((tx) =>
      t.server.ctx.jobs.enqueue(tx, { kind: SUPERVISION_JOB, payload: {} }),
    );
    await t.server.ctx.jobs.runDueJobs();
    expect((await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin })).json.status).toBe('offline');
  });

  it('availability reports take a device offline and back (communication_lost / restore)', async () => {
    const device = await makeDevice(t, siteA, { kind: 'sensor' });
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'communication_lost', details: { reason: 'availability' } }),
    ]);
    expect((await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin })).json.status).toBe('offline');
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'restore', restoreOf: 'communication_lost' }),
    ]);
    expect((await call(t, 'GET', `/api/v1/devices/${device.id}`, { as: admin })).json.status).toBe('online');
    const outages = await db()
      .selectFrom('monitoring_device_outages')
      .selectAll()
      .where('device_id', '=', device.id)
      .execute();
    expect(outages.map((o) => [o.cause, o.ended_at !== null])).toEqual([['availability', true]]);
  });
});
