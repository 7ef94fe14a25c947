import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { PanelSimulator } from './dc09/simulator.js';
import { dc09ReceiverOf } from './index.js';

/** The receiver wired into the server: a panel's frames become alarms through the one pipeline. */
describe.each(dialects)('DC-09 receiver in the server (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let port: number;
  let siteId: string;
  const panels: PanelSimulator[] = [];

  beforeAll(async () => {
    t = await startTestServer(dialect, { VIGIL_DC09_PORT: '0', HOST: '127.0.0.1' });
    const receiver = dc09ReceiverOf(t.server.ctx);
    if (!receiver) throw new Error('the DC-09 receiver did not start');
    port = receiver.port;
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    siteId = (await makeSite(t, { timezone: 'America/New_York' })).id;
  });
  afterAll(async () => {
    for (const panel of panels) await panel.close();
    await t.close();
  });

  const panel = (options: Omit<ConstructorParameters<typeof PanelSimulator>[0], 'port'>) => {
    const simulator = new PanelSimulator({ port, ackTimeoutMs: 3000, ...options });
    panels.push(simulator);
    return simulator;
  };

  const alarms = async () =>
    (await call(t, 'GET', '/api/v1/alarms?state=active&limit=500', { as: admin })).json.items;

  it('turns a registered panel’s burglary report into an alarm, acknowledged after commit', async () => {
    const device = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: { name: 'Lobby panel', kind: 'intrusion_panel', siteId, dc09: { account: '1234' } },
    });
    expect(device.status, JSON.stringify(device.json)).toBe(201);
    const sent = await panel({ account: '1234' }).send({ protocol: 'SIA-DCS', code: 'BA', address: '7' });
    expect(sent.outcome).toBe('ACK');
    const raised = (await alarms()).find((a: { deviceId: string }) => a.deviceId === device.json.id);
    expect(raised).toMatchObject({ type: 'intrusion', code: 'BA', zone: '7', siteId });
  });

  it('decrypts an encrypted Contact ID frame with the device’s key', async () => {
    const key = '000102030405060708090a0b0c0d0e0f';
    const device = await call(t, 'POST', '/api/v1/devices', {
      as: admin,
      body: {
        name: 'Vault panel',
        kind: 'intrusion_panel',
        siteId,
        dc09: { account: '5678', key, keyEncoding: 'hex' },
      },
    });
    expect(device.status, JSON.stringify(device.json)).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the key store reloads on the device change
    const sent = await panel({ account: '5678', key: { key, encoding: 'hex' } }).send({
      protocol: 'ADM-CID',
      qualifier: '1',
      code: '120',
      partition: '01',
      zone: '003',
    });
    expect(sent.outcome).toBe('ACK');
    const raised = (await alarms()).find((a: { deviceId: string }) => a.deviceId === device.json.id);
    expect(raised).toMatchObject({ type: 'panic', siteId });
    // Clear text from an account that has a key is refused: a forged frame cannot hide an alarm.
    const forged = await panel({ account: '5678' }).send({ protocol: 'SIA-DCS', code: 'CL', address: '1' });
    expect(forged.outcome).toBe('DUH');
  });

  it('opens an incident from an alarm, once', async () => {
    const burglary = (await alarms()).find(
      (a: { code: string; siteId: string }) => a.code === 'BA' && a.siteId === siteId,
    );
    expect(burglary).toBeTruthy();
    const opened = await call(t, 'POST', `/api/v1/alarms/${burglary.id}/incident`, { as: admin });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const incident = await call(t, 'GET', `/api/v1/incidents/${opened.json.incidentId}`, { as: admin });
    expect(incident.json).toMatchObject({
      type: 'burglary',
      severity: burglary.priority,
      siteId,
      reference: opened.json.reference,
    });
    expect((await call(t, 'POST', `/api/v1/alarms/${burglary.id}/incident`, { as: admin })).status).toBe(409);
    const audit = await call(t, 'GET', `/api/v1/audit?entityId=${burglary.id}&action=alarm.incident_opened`, {
      as: admin,
    });
    expect(audit.json.items[0].changes.incidentId).toBe(opened.json.incidentId);
  });

  it('raises an unregistered-device alarm for an unknown account, and answers link tests', async () => {
    const unknown = panel({ account: '9999' });
    expect((await unknown.send({ protocol: 'SIA-DCS', code: 'FA', address: '2' })).outcome).toBe('ACK');
    expect((await alarms()).some((a: { type: string }) => a.type === 'unregistered_device')).toBe(true);
    expect((await unknown.send({ protocol: 'NULL' })).outcome).toBe('ACK');
  });

  it('starts its thread again when it dies, and panels get through to the new one', async () => {
    const receiver = dc09ReceiverOf(t.server.ctx);
    if (!receiver) throw new Error('no receiver');
    const before = receiver.restarts();
    await receiver.thread().terminate();
    // The panel's retries carry it over the restart (1 s), as a real panel's would.
    const sent = await panel({ account: '1234', ackTimeoutMs: 1000, retries: 5 }).send({
      protocol: 'SIA-DCS',
      code: 'TA',
      address: '9',
    });
    expect(sent.outcome).toBe('ACK');
    expect(receiver.restarts()).toBe(before + 1);
    expect(receiver.port).toBe(port);
  });
});

describe('DC-09 limits from the configuration', () => {
  let t: TestEnv | undefined;
  afterAll(async () => t?.close());

  it('refuses connections beyond VIGIL_DC09_MAX_CONNECTIONS_PER_ADDRESS', async () => {
    t = await startTestServer('sqlite', {
      VIGIL_DC09_PORT: '0',
      HOST: '127.0.0.1',
      VIGIL_DC09_MAX_CONNECTIONS_PER_ADDRESS: '2',
    });
    const receiver = dc09ReceiverOf(t.server.ctx);
    if (!receiver) throw new Error('the DC-09 receiver did not start');
    const open = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(receiver.port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    const closedSoon = (socket: net.Socket) =>
      new Promise<boolean>((resolve) => {
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 1000);
      });
    const [a, b] = [await open(), await open()];
    const third = await open();
    await expect(closedSoon(third)).resolves.toBe(true);
    await expect(closedSoon(a)).resolves.toBe(false);
    for (const socket of [a, b, third]) socket.destroy();
  });

  it('shuts down promptly while its receiver thread is being restarted', async () => {
    const env = t;
    if (!env) throw new Error('no server');
    await dc09ReceiverOf(env.server.ctx)?.thread().terminate();
    t = undefined;
    const started = Date.now();
    await env.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
