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
import { httpEvent, makeDevice, sendEvents } from '../../test/monitoring.js';

/*
 * What the configuration pages read: one rule or SOP with its ETag (the edit drawers send it back
 * in If-Match), and the event log with its filters and device names.
 */
describe.each(dialects)('alarm rules, SOPs and the event log for the web pages (%s)', (dialect) => {
  let t: TestEnv;
  let siteA: Site;
  let siteB: Site;
  let admin: Credentials;
  let adminToken: Credentials;
  let managerA: Credentials;
  let operatorA: Credentials;
  let operatorB: Credentials;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha' });
    siteB = await makeSite(t, { name: 'Bravo' });
    const adminUser = await makeUser(t, 'admin');
    admin = await sessionFor(t, adminUser);
    adminToken = await tokenFor(t, adminUser);
    managerA = await sessionFor(t, await makeUser(t, 'manager', [siteA]));
    operatorA = await sessionFor(t, await makeUser(t, 'operator', [siteA]));
    operatorB = await sessionFor(t, await makeUser(t, 'operator', [siteB]));
  });
  afterAll(() => t.close());

  it('reads one rule with its ETag, scoped like the list', async () => {
    const created = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: {
        name: 'Person after hours',
        eventType: 'person_detected',
        siteId: siteA.id,
        action: 'alarm',
        priority: 'high',
        schedule: { windows: [{ days: [1, 2, 3, 4, 5], from: '18:00', to: '08:00' }] },
      },
    });
    expect(created.status).toBe(201);
    const url = `/api/v1/alarm-rules/${created.json.id}`;
    const read = await call(t, 'GET', url, { as: operatorA });
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"v1"');
    expect(read.json).toEqual(created.json);
    // Another site's operator does not learn that the rule exists.
    expect((await call(t, 'GET', url, { as: operatorB })).status).toBe(404);
    expect((await call(t, 'GET', '/api/v1/alarm-rules/not-an-id', { as: admin })).status).toBe(400);

    // The ETag read is the one the update takes; the next read carries the new version.
    const patched = await call(t, 'PATCH', url, {
      as: managerA,
      body: { enabled: false },
      headers: { 'if-match': read.headers.etag as string },
    });
    expect(patched.status).toBe(200);
    const again = await call(t, 'GET', url, { as: managerA });
    expect(again.headers.etag).toBe('"v2"');
    expect(again.json.enabled).toBe(false);

    // An organization-wide rule is visible to every site's reader.
    const global = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: admin,
      body: { name: 'Vehicles log', eventType: 'vehicle_detected', action: 'log' },
    });
    expect((await call(t, 'GET', `/api/v1/alarm-rules/${global.json.id}`, { as: operatorB })).status).toBe(
      200,
    );
  });

  it('reads one SOP with its ETag, scoped like the list', async () => {
    const created = await call(t, 'POST', '/api/v1/alarm-sops', {
      as: managerA,
      body: { alarmType: 'door_held', siteId: siteA.id, title: 'Door held', steps: ['Call the guard'] },
    });
    expect(created.status).toBe(201);
    const url = `/api/v1/alarm-sops/${created.json.id}`;
    const read = await call(t, 'GET', url, { as: operatorA });
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"v1"');
    expect(read.json).toMatchObject({ alarmType: 'door_held', siteId: siteA.id, steps: ['Call the guard'] });
    expect((await call(t, 'GET', url, { as: operatorB })).status).toBe(404);
    const stale = await call(t, 'PATCH', url, {
      as: managerA,
      body: { steps: ['Check the camera', 'Call the guard'] },
      headers: { 'if-match': '"v7"' },
    });
    expect(stale.status).toBe(412);
    const saved = await call(t, 'PATCH', url, {
      as: managerA,
      body: { steps: ['Check the camera', 'Call the guard'] },
      headers: { 'if-match': read.headers.etag as string },
    });
    expect(saved.json.steps).toEqual(['Check the camera', 'Call the guard']);
  });

  it('lists events with their device name, filtered by source and outcome within the window', async () => {
    const camera = await makeDevice(t, siteA, { name: 'Gate camera', kind: 'camera' });
    const sent = await sendEvents(t, adminToken, [
      httpEvent(camera, { id: 'e1', type: 'intrusion', code: 'BA', zone: '4' }),
      httpEvent(camera, { id: 'e2', type: 'opening', code: 'OP' }),
      httpEvent({ externalId: 'nobody-knows-me' }, { id: 'e3', type: 'intrusion' }),
    ]);
    expect(sent.status).toBe(202);
    const all = await call(t, 'GET', `/api/v1/monitoring/events?deviceId=${camera.id}`, { as: operatorA });
    expect(all.status).toBe(200);
    expect(all.json.items.map((e: { code: string }) => e.code)).toEqual(['OP', 'BA']);
    expect(all.json.items[1]).toMatchObject({
      deviceName: 'Gate camera',
      siteId: siteA.id,
      source: 'http',
      type: 'intrusion',
      zone: '4',
      outcome: 'alarm',
    });
    expect(all.json.items[1].alarmId).toEqual(expect.any(String));

    const alarms = await call(
      t,
      'GET',
      `/api/v1/monitoring/events?deviceId=${camera.id}&outcome=alarm&source=http`,
      { as: operatorA },
    );
    expect(alarms.json.items.map((e: { code: string }) => e.code)).toEqual(['BA']);
    const logged = await call(t, 'GET', `/api/v1/monitoring/events?siteId=${siteA.id}&outcome=log`, {
      as: operatorA,
    });
    expect(logged.json.items.map((e: { code: string }) => e.code)).toContain('OP');
    expect(logged.json.items.every((e: { outcome: string }) => e.outcome === 'log')).toBe(true);
    const mqtt = await call(t, 'GET', `/api/v1/monitoring/events?deviceId=${camera.id}&source=mqtt`, {
      as: operatorA,
    });
    expect(mqtt.json.items).toEqual([]);

    // The unregistered device's event has no site: only all-site roles see it, without a name.
    const unregistered = await call(t, 'GET', '/api/v1/monitoring/events?outcome=unregistered', {
      as: admin,
    });
    expect(unregistered.json.items).toEqual([
      expect.objectContaining({ deviceId: null, deviceName: null, deviceRef: 'nobody-knows-me' }),
    ]);
    const hidden = await call(t, 'GET', '/api/v1/monitoring/events?outcome=unregistered', {
      as: operatorA,
    });
    expect(hidden.json.items).toEqual([]);

    // The alarm's detail lists the same event with its device name.
    const detail = await call(t, 'GET', `/api/v1/alarms/${all.json.items[1].alarmId}`, { as: operatorA });
    expect(detail.json.events).toEqual([expect.objectContaining({ code: 'BA', deviceName: 'Gate camera' })]);

    expect((await call(t, 'GET', '/api/v1/monitoring/events?outcome=maybe', { as: admin })).status).toBe(400);
    expect((await call(t, 'GET', '/api/v1/monitoring/events?source=fax', { as: admin })).status).toBe(400);
  });
});
