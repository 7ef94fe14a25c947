import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../contracts/identity.js';
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
import { escalateAlarms } from './index.js';

describe.each(dialects)('alarm desk (%s)', (dialect) => {
  let t: TestEnv;
  let siteA: Site;
  let siteB: Site;
  let admin: Credentials;
  let adminToken: Credentials;
  let operatorUser: User;
  let operator: Credentials;
  let operator2: Credentials;
  let operatorB: Credentials;
  let managerA: Credentials;
  const db = () => t.server.ctx.database.db;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha', timezone: 'America/New_York' });
    siteB = await makeSite(t, { name: 'Bravo' });
    const adminUser = await makeUser(t, 'admin', [], { name: 'Ada Admin' });
    admin = await sessionFor(t, adminUser);
    adminToken = await tokenFor(t, adminUser);
    operatorUser = await makeUser(t, 'operator', [siteA], { name: 'Olga Operator' });
    operator = await sessionFor(t, operatorUser);
    operator2 = await sessionFor(t, await makeUser(t, 'operator', [siteA], { name: 'Oscar Operator' }));
    operatorB = await sessionFor(t, await makeUser(t, 'operator', [siteB]));
    managerA = await sessionFor(t, await makeUser(t, 'manager', [siteA]));
  });
  afterAll(() => t.close());

  const alarmFor = async (deviceId: string, type: string) => {
    const row = await db()
      .selectFrom('monitoring_alarms')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('type', '=', type)
      .executeTakeFirstOrThrow();
    return row.id;
  };

  it('rules with arming schedules in the site time zone: a person at night is an alarm, by day a log entry', async () => {
    const camera = await makeDevice(t, siteA, { kind: 'camera' });
    const night = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: {
        name: 'Person after hours',
        eventType: 'person_detected',
        siteId: siteA.id,
        action: 'alarm',
        priority: 'high',
        schedule: { windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '20:00', to: '06:00' }] },
      },
    });
    expect(night.status).toBe(201);
    const day = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: { name: 'Person in hours', eventType: 'person_detected', siteId: siteA.id, action: 'log' },
    });
    expect(day.status).toBe(201);
    // Wednesday 15 January 2025: 07:00Z is 02:00 in New York, 19:00Z is 14:00.
    await sendEvents(t, adminToken, [
      httpEvent(camera, { id: 'night', type: 'person_detected', occurredAt: '2025-01-15T07:00:00.000Z' }),
      httpEvent(camera, { id: 'day', type: 'person_detected', occurredAt: '2025-01-15T19:00:00.000Z' }),
    ]);
    const events = await db()
      .selectFrom('monitoring_events')
      .select(['source_event_id', 'outcome'])
      .where('device_id', '=', camera.id)
      .execute();
    const outcome = Object.fromEntries(events.map((e) => [e.source_event_id.split('@')[0], e.outcome]));
    expect(outcome).toEqual({ night: 'alarm', day: 'log' });
    const alarms = await db()
      .selectFrom('monitoring_alarms')
      .selectAll()
      .where('device_id', '=', camera.id)
      .execute();
    expect(alarms.map((a) => [a.type, a.priority, a.rule_id])).toEqual([
      ['person_detected', 2, night.json.id],
    ]);
    // A device rule beats the site's rules; another site without rules gets the default (medium alarm).
    const quiet = await makeDevice(t, siteA, { kind: 'camera' });
    await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: { name: 'Lab camera', eventType: 'person_detected', deviceId: quiet.id, action: 'log' },
    });
    const elsewhere = await makeDevice(t, siteB, { kind: 'camera' });
    await sendEvents(t, adminToken, [
      httpEvent(quiet, { type: 'person_detected', occurredAt: '2025-01-15T07:00:00.000Z' }),
      httpEvent(elsewhere, { type: 'person_detected', occurredAt: '2025-01-15T19:00:00.000Z' }),
    ]);
    expect(
      await db().selectFrom('monitoring_alarms').select('id').where('device_id', '=', quiet.id).execute(),
    ).toEqual([]);
    const defaulted = await db()
      .selectFrom('monitoring_alarms')
      .selectAll()
      .where('device_id', '=', elsewhere.id)
      .execute();
    expect(defaulted.map((a) => a.priority)).toEqual([3]);
  });

  it('validates and scopes rules: priorities for alarms, organization-wide rules for all-site roles only', async () => {
    const noPriority = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: admin,
      body: { name: 'x', eventType: 'intrusion', action: 'alarm' },
    });
    expect(noPriority.status).toBe(400);
    const global = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: { name: 'x', eventType: 'intrusion', action: 'log' },
    });
    expect(global.status).toBe(403);
    const otherDevice = await makeDevice(t, siteB);
    const foreign = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: managerA,
      body: { name: 'x', eventType: 'intrusion', deviceId: otherDevice.id, action: 'log' },
    });
    expect(foreign.status).toBe(400);
    const badWindow = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: admin,
      body: {
        name: 'x',
        eventType: 'motion',
        action: 'log',
        schedule: { windows: [{ days: [9], from: '25:00', to: '1' }] },
      },
    });
    expect(badWindow.status).toBe(400);
    const rule = await call(t, 'POST', '/api/v1/alarm-rules', {
      as: admin,
      body: { name: 'Motion', eventType: 'motion', action: 'alarm', priority: 'low', enabled: false },
    });
    expect(rule.status).toBe(201);
    const patched = await call(t, 'PATCH', `/api/v1/alarm-rules/${rule.json.id}`, {
      as: admin,
      body: { action: 'log', priority: null },
      headers: { 'if-match': '"v1"' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ action: 'log', priority: null, version: 2 });
    const list = await call(t, 'GET', '/api/v1/alarm-rules', { as: operatorB });
    expect(list.json.items.every((r: { siteId: string | null }) => r.siteId !== siteA.id)).toBe(true);
  });

  it('orders the desk by priority, then age, and pages without gaps', async () => {
    const site = await makeSite(t);
    const device = await makeDevice(t, site, { kind: 'intrusion_panel' });
    const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 0, minutes)).toISOString();
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'battery_low', occurredAt: at(1) }),
      httpEvent(device, { type: 'fire', zone: '2', occurredAt: at(5) }),
      httpEvent(device, { type: 'intrusion', zone: '1', occurredAt: at(3) }),
      httpEvent(device, { type: 'panic', occurredAt: at(4) }),
      httpEvent(device, { type: 'intrusion', zone: '9', occurredAt: at(2) }),
    ]);
    const desk = await call(t, 'GET', `/api/v1/alarms?siteId=${site.id}`, { as: admin });
    expect(desk.json.items.map((a: { type: string; priority: string }) => `${a.priority}:${a.type}`)).toEqual(
      ['critical:panic', 'critical:fire', 'high:intrusion', 'high:intrusion', 'low:battery_low'],
    );
    expect(desk.json.items[2]).toMatchObject({
      zone: '9',
      state: 'active',
      count: 1,
      deviceId: device.id,
      siteId: site.id,
      firstAt: at(2),
      lastAt: at(2),
      restoredAt: null,
      claimedBy: null,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { id: string }[]; nextCursor: string | null } } = await call(
        t,
        'GET',
        `/api/v1/alarms?siteId=${site.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: admin },
      );
      seen.push(...page.json.items.map((a) => a.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(desk.json.items.map((a: { id: string }) => a.id));
    expect((await call(t, 'GET', '/api/v1/alarms?state=bogus', { as: admin })).status).toBe(400);
  });

  it('claims, acknowledges, works the SOP in order and resolves — every step audited', async () => {
    const sop = await call(t, 'POST', '/api/v1/alarm-sops', {
      as: admin,
      body: {
        alarmType: 'door_forced',
        title: 'Door forced open',
        steps: ['Check the camera at the door', 'Call the site guard'],
      },
    });
    expect(sop.status).toBe(201);
    const door = await makeDevice(t, siteA, { kind: 'door' });
    await sendEvents(t, adminToken, [httpEvent(door, { type: 'door_forced' })]);
    const id = await alarmFor(door.id, 'door_forced');
    // Editing the SOP later does not change the steps of an alarm already raised.
    await call(t, 'PATCH', `/api/v1/alarm-sops/${sop.json.id}`, {
      as: admin,
      body: { steps: ['Only one step now'] },
      headers: { 'if-match': '"v1"' },
    });
    const url = `/api/v1/alarms/${id}`;
    const claimed = await call(t, 'POST', `${url}/claim`, { as: operator });
    expect(claimed.status).toBe(200);
    expect(claimed.json.claimedBy).toEqual({ id: operatorUser.id, name: 'Olga Operator' });
    const stolen = await call(t, 'POST', `${url}/claim`, { as: operator2, body: {} });
    expect(stolen.status).toBe(409);
    expect(stolen.json.detail).toContain('Olga Operator');
    expect((await call(t, 'POST', `${url}/acknowledge`, { as: operator2 })).status).toBe(409);
    const forced = await call(t, 'POST', `${url}/claim`, { as: operator2, body: { force: true } });
    expect(forced.json.claimedBy.name).toBe('Oscar Operator');
    const acked = await call(t, 'POST', `${url}/acknowledge`, { as: operator2 });
    expect(acked.status).toBe(200);
    expect(acked.json).toMatchObject({ state: 'acknowledged', acknowledgedBy: { name: 'Oscar Operator' } });
    expect((await call(t, 'POST', `${url}/acknowledge`, { as: operator2 })).status).toBe(409);
    const early = await call(t, 'POST', `${url}/resolve`, {
      as: operator2,
      body: { disposition: 'real', note: 'Done' },
    });
    expect(early.status).toBe(409);
    expect(early.json.detail).toContain('Check the camera');
    const outOfOrder = await call(t, 'POST', `${url}/steps/1/complete`, {
      as: operator2,
      body: { note: 'Called' },
    });
    expect(outOfOrder.status).toBe(409);
    expect(
      (await call(t, 'POST', `${url}/steps/0/complete`, { as: operator2, body: { note: '' } })).status,
    ).toBe(400);
    expect(
      (await call(t, 'POST', `${url}/steps/5/complete`, { as: operator2, body: { note: 'x' } })).status,
    ).toBe(404);
    const first = await call(t, 'POST', `${url}/steps/0/complete`, {
      as: operator2,
      body: { note: 'Camera shows the door open, nobody there' },
    });
    expect(first.status).toBe(200);
    const second = await call(t, 'POST', `${url}/steps/1/complete`, {
      as: operator2,
      body: { note: 'Guard on the way' },
    });
    expect(second.json.steps).toEqual([
      expect.objectContaining({
        index: 0,
        text: 'Check the camera at the door',
        note: 'Camera shows the door open, nobody there',
        completedBy: expect.objectContaining({ name: 'Oscar Operator' }),
      }),
      expect.objectContaining({ index: 1, text: 'Call the site guard', note: 'Guard on the way' }),
    ]);
    expect(second.json.events).toHaveLength(1);
    const noCause = await call(t, 'POST', `${url}/resolve`, {
      as: operator2,
      body: { disposition: 'false_alarm', note: 'Wind' },
    });
    expect(noCause.status).toBe(400);
    const resolved = await call(t, 'POST', `${url}/resolve`, {
      as: operator2,
      body: { disposition: 'false_alarm', falseAlarmCause: 'environment', note: 'Wind blew the door open' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json).toMatchObject({
      state: 'resolved',
      disposition: 'false_alarm',
      falseAlarmCause: 'environment',
      resolutionNote: 'Wind blew the door open',
      resolvedBy: { name: 'Oscar Operator' },
    });
    expect(
      (
        await call(t, 'POST', `${url}/resolve`, {
          as: operator2,
          body: { disposition: 'real', note: 'again' },
        })
      ).status,
    ).toBe(409);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_label'])
      .where('entity_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'alarm.claimed',
      'alarm.claimed',
      'alarm.acknowledged',
      'alarm.step_completed',
      'alarm.step_completed',
      'alarm.resolved',
    ]);
    const resolvedList = await call(t, 'GET', `/api/v1/alarms?state=resolved&deviceId=${door.id}`, {
      as: operator,
    });
    expect(resolvedList.json.items.map((a: { id: string }) => a.id)).toEqual([id]);
    const open = await call(t, 'GET', `/api/v1/alarms?deviceId=${door.id}`, { as: operator });
    expect(open.json.items).toEqual([]);
  });

  it('scopes alarms by site and permission', async () => {
    const device = await makeDevice(t, siteA, { kind: 'duress_button' });
    await sendEvents(t, adminToken, [httpEvent(device, { type: 'duress' })]);
    const id = await alarmFor(device.id, 'duress');
    expect((await call(t, 'GET', `/api/v1/alarms/${id}`, { as: operatorB })).status).toBe(404);
    expect((await call(t, 'POST', `/api/v1/alarms/${id}/acknowledge`, { as: operatorB })).status).toBe(404);
    const listB = await call(t, 'GET', '/api/v1/alarms?limit=500', { as: operatorB });
    expect(listB.json.items.map((a: { id: string }) => a.id)).not.toContain(id);
    const officer = await sessionFor(t, await makeUser(t, 'officer', [siteA]));
    expect((await call(t, 'GET', `/api/v1/alarms/${id}`, { as: officer })).status).toBe(200);
    expect((await call(t, 'POST', `/api/v1/alarms/${id}/acknowledge`, { as: officer })).status).toBe(403);
    const auditor = await sessionFor(t, await makeUser(t, 'auditor'));
    expect((await call(t, 'GET', `/api/v1/alarms/${id}`, { as: auditor })).status).toBe(200);
    expect((await call(t, 'POST', `/api/v1/alarms/${id}/claim`, { as: auditor })).status).toBe(403);
    const events = await call(t, 'GET', `/api/v1/monitoring/events?deviceId=${device.id}`, { as: operatorB });
    expect(events.json.items).toEqual([]);
  });

  it('reports the false-alarm rate per device and site', async () => {
    const site = await makeSite(t);
    const device = await makeDevice(t, site, { kind: 'sensor' });
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'intrusion', zone: '1' }),
      httpEvent(device, { type: 'intrusion', zone: '2' }),
      httpEvent(device, { type: 'intrusion', zone: '3' }),
    ]);
    const alarms = await db()
      .selectFrom('monitoring_alarms')
      .select('id')
      .where('device_id', '=', device.id)
      .orderBy('zone')
      .execute();
    const [one, two] = alarms;
    await call(t, 'POST', `/api/v1/alarms/${one?.id}/resolve`, {
      as: admin,
      body: { disposition: 'false_alarm', falseAlarmCause: 'animal', note: 'A cat' },
    });
    await call(t, 'POST', `/api/v1/alarms/${two?.id}/resolve`, {
      as: admin,
      body: { disposition: 'real', note: 'Burglar' },
    });
    const report = await call(t, 'GET', `/api/v1/monitoring/false-alarms?siteId=${site.id}`, { as: admin });
    expect(report.status).toBe(200);
    expect(report.json.devices).toEqual([
      { deviceId: device.id, siteId: site.id, name: device.name, resolved: 2, falseAlarms: 1, rate: 0.5 },
    ]);
    expect(report.json.sites).toEqual([{ siteId: site.id, resolved: 2, falseAlarms: 1, rate: 0.5 }]);
  });

  it('escalates unacknowledged alarms to the site managers, then the admins', async () => {
    const site = await makeSite(t);
    const manager = await makeUser(t, 'manager', [site]);
    const device = await makeDevice(t, site, { kind: 'fire_panel' });
    await sendEvents(t, adminToken, [
      httpEvent(device, { type: 'fire' }),
      httpEvent(device, { type: 'trouble' }),
    ]);
    const fire = await alarmFor(device.id, 'fire');
    const trouble = await alarmFor(device.id, 'trouble');
    await call(t, 'POST', `/api/v1/alarms/${trouble}/acknowledge`, { as: admin });
    const notified = async (alarmId: string) =>
      db()
        .selectFrom('notifications')
        .select(['user_id', 'category', 'severity', 'title'])
        .where('link', '=', `/alarms/${alarmId}`)
        .orderBy('created_at')
        .execute();
    await escalateAlarms(t.server.ctx, new Date(Date.now() + 30_000));
    expect(await notified(fire)).toEqual([]);
    await escalateAlarms(t.server.ctx, new Date(Date.now() + 2 * 60_000));
    const tier1 = await notified(fire);
    expect(tier1).toEqual([
      expect.objectContaining({ user_id: manager.id, category: 'escalation', severity: 'critical' }),
    ]);
    expect(tier1[0]?.title).toContain('fire');
    await escalateAlarms(t.server.ctx, new Date(Date.now() + 4 * 60_000));
    const admins = await db().selectFrom('users').select('id').where('role', '=', 'admin').execute();
    const tier2 = (await notified(fire)).filter((n) => n.user_id !== manager.id);
    expect(tier2.map((n) => n.user_id).sort()).toEqual(admins.map((a) => a.id).sort());
    // The acknowledged alarm was never escalated.
    expect(await notified(trouble)).toEqual([]);
    const detail = await call(t, 'GET', `/api/v1/alarms/${fire}`, { as: admin });
    expect(detail.json.escalationLevel).toBe(2);
    const audit = await db().selectFrom('audit_log').select('action').where('entity_id', '=', fire).execute();
    expect(audit.map((a) => a.action)).toEqual(['alarm.escalated', 'alarm.escalated']);
  });
});
