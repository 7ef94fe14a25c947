import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../contracts/sites.js';
import { createLogger } from '../../platform/logger.js';
import { createServer, type Server } from '../../server.js';
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
import { openEventStream, type SseClient, type SseMessage } from '../../test/sse.js';

type AlarmMessage = {
  change: string;
  alarm: { id: string; deviceId: string; state: string; count: number; siteId: string };
};
const alarmOf = (message: SseMessage) => message.data as AlarmMessage;
const forDevice = (deviceId: string, change?: string) => (message: SseMessage) =>
  message.event === 'alarm' &&
  alarmOf(message).alarm.deviceId === deviceId &&
  (change === undefined || alarmOf(message).change === change);

async function listen(server: Server): Promise<string> {
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

describe.each(dialects)('live alarm stream (%s)', (dialect) => {
  let t: TestEnv;
  let base: string;
  let siteA: Site;
  let siteB: Site;
  let adminToken: Credentials;
  let operatorA: Credentials;
  const streams: SseClient[] = [];
  const open = async (as: Credentials) => {
    const stream = await openEventStream(`${base}/api/v1/alarms/stream`, as.headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    base = await listen(t.server);
    siteA = await makeSite(t);
    siteB = await makeSite(t);
    adminToken = await tokenFor(t, await makeUser(t, 'admin'));
    operatorA = await sessionFor(t, await makeUser(t, 'operator', [siteA]));
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await t.close();
  });

  it('is authenticated, scoped by permission, and only streams for event-stream clients', async () => {
    expect((await call(t, 'GET', '/api/v1/alarms/stream')).status).toBe(401);
    const employee = await sessionFor(t, await makeUser(t, 'employee', [siteA]));
    expect((await call(t, 'GET', '/api/v1/alarms/stream', { as: employee })).status).toBe(403);
    expect((await call(t, 'GET', '/api/v1/alarms/stream', { as: operatorA })).status).toBe(400);
    const stream = await open(operatorA);
    expect(stream.status).toBe(200);
  });

  it('pushes raised and updated alarms to operators of the site, and nothing from other sites', async () => {
    const operatorStream = await open(operatorA);
    const adminStream = await open(adminToken);
    const deviceA = await makeDevice(t, siteA, { kind: 'intrusion_panel' });
    const deviceB = await makeDevice(t, siteB, { kind: 'intrusion_panel' });
    await sendEvents(t, adminToken, [httpEvent(deviceB, { type: 'panic' })]);
    await sendEvents(t, adminToken, [httpEvent(deviceA, { type: 'intrusion', zone: '1' })]);
    const raised = alarmOf(await operatorStream.next(forDevice(deviceA.id, 'raised')));
    expect(raised.alarm).toMatchObject({ deviceId: deviceA.id, siteId: siteA.id, state: 'active', count: 1 });
    await adminStream.next(forDevice(deviceB.id, 'raised'));
    await adminStream.next(forDevice(deviceA.id, 'raised'));
    expect(operatorStream.messages.some(forDevice(deviceB.id))).toBe(false);
    // A repeat folds: the count goes up on the operators' screens.
    await sendEvents(t, adminToken, [httpEvent(deviceA, { type: 'intrusion', zone: '1' })]);
    const folded = await operatorStream.next(
      (m) => forDevice(deviceA.id, 'updated')(m) && alarmOf(m).alarm.count === 2,
    );
    expect(folded.event).toBe('alarm');
    // An acknowledgement reaches everyone watching, with who holds the alarm.
    const ack = await call(t, 'POST', `/api/v1/alarms/${raised.alarm.id}/acknowledge`, { as: operatorA });
    expect(ack.status).toBe(200);
    const acked = await adminStream.next(
      (m) => forDevice(deviceA.id, 'updated')(m) && alarmOf(m).alarm.state === 'acknowledged',
    );
    expect(acked.data).toMatchObject({ alarm: { claimedBy: { id: ack.json.claimedBy.id } } });
  });
});

/** Two app nodes on one database, NATS between them (the real nats-server at 127.0.0.1:4222). */
describe.each(dialects)('live alarm stream across nodes over NATS (%s)', (dialect) => {
  let t: TestEnv;
  let second: Server;
  let site: Site;
  let streams: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestServer(dialect, { VIGIL_NATS_URL: 'nats://127.0.0.1:4222' });
    second = await createServer(t.config, createLogger('silent'));
    site = await makeSite(t);
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    streams = [];
    await second.close();
    await t.close();
  });

  it('an alarm taken in on node 1 reaches an operator connected to node 2', async () => {
    expect(t.server.ctx.bus?.kind).toBe('nats');
    expect(second.ctx.bus?.kind).toBe('nats');
    await listen(t.server);
    const secondBase = await listen(second);
    const operator = await sessionFor(t, await makeUser(t, 'operator', [site]));
    const stream = await openEventStream(`${secondBase}/api/v1/alarms/stream`, operator.headers);
    streams.push(stream);
    expect(stream.status).toBe(200);
    const device = await makeDevice(t, site, { kind: 'duress_button' });
    const token = await tokenFor(t, await makeUser(t, 'admin'));
    const sent = performance.now();
    const response = await sendEvents(t, token, [httpEvent(device, { type: 'duress' })]);
    expect(response.status).toBe(202);
    const message = await stream.next(forDevice(device.id, 'raised'));
    expect(alarmOf(message).alarm).toMatchObject({ deviceId: device.id, siteId: site.id });
    expect(message.receivedAt - sent).toBeLessThan(2000);
  });
});
