import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.js';
import type { Dc09Key } from './cipher.js';
import { siaDcsData } from './events.js';
import { buildFrame, frameBody, parseResponse } from './frame.js';
import type { Dc09PipelineEvent } from './pipeline-adapter.js';
import { startDc09Receiver, type Dc09Receiver, type Dc09ReceiverOptions } from './receiver.js';
import { PanelSimulator, type PanelOptions } from './simulator.js';

// Real sockets on 127.0.0.1 against a fake commit that records batches: the database pipeline
// belongs to the monitoring module; here only the protocol and its durability rule are tested.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Recorder {
  batches: Dc09PipelineEvent[][];
  events: () => Dc09PipelineEvent[];
  commit: (events: Dc09PipelineEvent[]) => Promise<void>;
}

function recorder(
  behaviour: { before?: (events: Dc09PipelineEvent[]) => Promise<void> | void } = {},
): Recorder {
  const batches: Dc09PipelineEvent[][] = [];
  return {
    batches,
    events: () => batches.flat(),
    commit: async (events) => {
      await behaviour.before?.(events);
      batches.push([...events]);
    },
  };
}

const receivers: Dc09Receiver[] = [];
const panels: PanelSimulator[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  await Promise.all(panels.splice(0).map((panel) => panel.close()));
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function start(
  options: Partial<Dc09ReceiverOptions> & Pick<Dc09ReceiverOptions, 'commit'>,
): Promise<Dc09Receiver> {
  const receiver = await startDc09Receiver({
    port: 0,
    host: '127.0.0.1',
    keys: () => undefined,
    logger: createLogger('silent'),
    ...options,
  });
  receivers.push(receiver);
  return receiver;
}

function panel(receiver: Dc09Receiver, options: Partial<PanelOptions> = {}): PanelSimulator {
  const sim = new PanelSimulator({ port: receiver.port, account: '1234', ackTimeoutMs: 5000, ...options });
  panels.push(sim);
  return sim;
}

async function connectRaw(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const HEX_KEY: Dc09Key = { key: '000102030405060708090A0B0C0D0E0F', encoding: 'hex' };
const ASCII_KEY: Dc09Key = { key: 'vigil-dc09-key-0123456789abcdef!', encoding: 'ascii' };

describe('DC-09 receiver', () => {
  it.each(['tcp', 'udp'] as const)(
    'over %s: stores the event, then ACKs echoing every field',
    async (transport) => {
      const store = recorder();
      const receiver = await start({ commit: store.commit });
      const sim = panel(receiver, { transport, account: 'A1B2C3', receiver: '12', prefix: '3' });
      const result = await sim.send({ protocol: 'SIA-DCS', code: 'BA', address: '01', area: '1' });
      expect(result.outcome).toBe('ACK');
      expect(result.response).toMatchObject({
        sequence: result.sequence,
        receiver: '12',
        prefix: '3',
        account: 'A1B2C3',
        encrypted: false,
      });
      expect(store.events()).toMatchObject([
        {
          source: 'dc09',
          account: 'A1B2C3',
          receiver: '12',
          prefix: '3',
          type: 'intrusion',
          rawCode: 'BA',
          zone: '01',
        },
      ]);
    },
  );

  it.each([
    ['hex', HEX_KEY],
    ['ASCII', ASCII_KEY],
  ])('answers an encrypted frame (%s key) with an encrypted *ACK carrying its timestamp', async (_, key) => {
    const store = recorder();
    const receiver = await start({
      commit: store.commit,
      keys: (account) => (account === '5678' ? key : undefined),
    });
    const sim = panel(receiver, { account: '5678', key });
    const result = await sim.send({ protocol: 'ADM-CID', qualifier: '1', code: '130', zone: '015' });
    expect(result.outcome).toBe('ACK');
    expect(result.response?.encrypted).toBe(true);
    expect(Math.abs((result.response?.timestamp?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);
    expect(store.events()).toMatchObject([
      { type: 'intrusion', rawCode: 'E130', zone: '015', account: '5678' },
    ]);
    expect((await sim.send({ protocol: 'NULL' })).outcome).toBe('ACK');
    expect(store.events()[1]).toMatchObject({ type: 'supervision', rawCode: 'NULL' });
  });

  it('NAKs a bad CRC with the receiver timestamp and stores nothing', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit });
    const good = buildFrame({
      messageId: 'SIA-DCS',
      sequence: 5,
      account: '1234',
      data: siaDcsData('1234', 'BA', '1'),
    });
    const bad = Buffer.from(good);
    bad[1] = bad[1] === 0x30 ? 0x31 : 0x30;
    const result = await panel(receiver).send({ raw: bad });
    expect(result.outcome).toBe('NAK');
    expect(result.response).toMatchObject({ sequence: '0000', receiver: '0', prefix: '0' });
    expect(Math.abs((result.response?.timestamp?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);
    expect(store.events()).toHaveLength(0);
    expect(receiver.stats().refused.crc).toBe(1);
  });

  it('NAKs an encrypted frame outside the −40 s / +20 s window and accepts one inside it', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit, keys: () => HEX_KEY });
    const send = (clockOffsetMs: number) =>
      panel(receiver, { key: HEX_KEY, clockOffsetMs }).send({
        protocol: 'SIA-DCS',
        code: 'FA',
        address: '2',
      });
    expect((await send(-60_000)).outcome).toBe('NAK');
    expect((await send(30_000)).outcome).toBe('NAK');
    expect(store.events()).toHaveLength(0);
    expect((await send(-30_000)).outcome).toBe('ACK');
    expect((await send(10_000)).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(2);
    expect(receiver.stats().refused.timestamp).toBe(2);
  });

  it('acknowledges a retransmission of a stored frame without storing it twice', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit, keys: () => ASCII_KEY });
    const frame = buildFrame({
      messageId: 'SIA-DCS',
      sequence: 77,
      account: '4321',
      data: siaDcsData('4321', 'PA', '3'),
      key: ASCII_KEY,
    });
    const sim = panel(receiver, { key: ASCII_KEY });
    expect((await sim.send({ raw: frame })).outcome).toBe('ACK');
    expect((await sim.send({ raw: frame })).outcome).toBe('ACK');
    // Another connection, as a panel that reconnected after losing the first ACK.
    expect((await panel(receiver, { key: ASCII_KEY }).send({ raw: frame })).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(1);
    expect(receiver.stats().duplicates).toBe(2);
  });

  it('an untimestamped frame repeated later is a new event, not a retransmission', async () => {
    const store = recorder();
    let now = Date.parse('2025-06-01T10:00:00Z');
    const receiver = await start({ commit: store.commit, clock: () => new Date(now) });
    // A panel that sends no timestamp and never advances its sequence: the daily test report.
    const frame = buildFrame({
      messageId: 'ADM-CID',
      sequence: 1,
      account: '1002',
      data: '#1002|1602 00 001',
      timestamp: null,
    });
    const sim = panel(receiver);
    expect((await sim.send({ raw: frame })).outcome).toBe('ACK');
    now += 30_000; // a retransmission
    expect((await sim.send({ raw: frame })).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(1);
    now += 86_400_000; // the next day's report
    expect((await sim.send({ raw: frame })).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(2);
    expect(new Set(store.events().map((e) => e.sourceEventId)).size).toBe(2);
  });

  it('a retransmission arriving while the original is being committed waits for that one commit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = recorder({ before: () => gate });
    const receiver = await start({ commit: store.commit });
    const frame = buildFrame({
      messageId: 'ADM-CID',
      sequence: 9,
      account: '1234',
      data: '#1234|1130 01 001',
    });
    const first = panel(receiver).send({ raw: frame });
    await sleep(50);
    const second = panel(receiver).send({ raw: frame });
    await sleep(50);
    release();
    expect((await first).outcome).toBe('ACK');
    expect((await second).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(1);
  });

  it('sends the ACK only after commit has resolved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = recorder({ before: () => gate });
    const receiver = await start({ commit: store.commit });
    let answered = false;
    const sending = panel(receiver)
      .send({ protocol: 'SIA-DCS', code: 'BA', address: '9' })
      .then((result) => {
        answered = true;
        return result;
      });
    await sleep(300);
    expect(answered).toBe(false);
    expect(store.events()).toHaveLength(0);
    release();
    const result = await sending;
    expect(result.outcome).toBe('ACK');
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(store.events()).toHaveLength(1);
  });

  it('does not answer when the commit fails, so the panel retransmits and the event is stored once', async () => {
    let failures = 1;
    const store = recorder({
      before: () => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('database unavailable');
        }
      },
    });
    const receiver = await start({ commit: store.commit });
    const result = await panel(receiver, { ackTimeoutMs: 1000, retries: 4 }).send({
      protocol: 'SIA-DCS',
      code: 'HA',
      address: '1',
    });
    expect(result.outcome).toBe('ACK');
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(store.events()).toHaveLength(1);
    expect(receiver.stats()).toMatchObject({ failedCommits: 1 });
    expect(receiver.stats().unanswered).toBeGreaterThanOrEqual(1);
  });

  it('can answer DUH instead when the commit fails, if so configured', async () => {
    const receiver = await start({
      commit: () => Promise.reject(new Error('database unavailable')),
      onCommitFailure: 'duh',
    });
    expect((await panel(receiver, { retries: 0 }).send({ protocol: 'NULL' })).outcome).toBe('DUH');
  });

  it('stores events of unknown accounts, and records undecryptable ones as key trouble with a DUH', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit, keys: () => undefined });
    expect(
      (await panel(receiver, { account: 'FEED' }).send({ protocol: 'SIA-DCS', code: 'BA', address: '1' }))
        .outcome,
    ).toBe('ACK');
    const encrypted = panel(receiver, { account: 'CAFE', key: HEX_KEY });
    for (let i = 0; i < 3; i += 1) {
      expect((await encrypted.send({ protocol: 'SIA-DCS', code: 'BA', address: '1' })).outcome).toBe('DUH');
    }
    const events = store.events();
    expect(events.map((e) => e.account)).toEqual(['FEED', 'CAFE']);
    expect(events[1]).toMatchObject({
      type: 'trouble',
      rawCode: 'DC09-KEY',
      details: { reason: 'unknown-key' },
    });
  });

  it('refuses clear text for an account that has a key (no spoofed link test or closing)', async () => {
    const store = recorder();
    const receiver = await start({
      commit: store.commit,
      keys: (account) => (account === 'C0DE' ? HEX_KEY : undefined),
    });
    const spoof = panel(receiver, { account: 'C0DE' });
    expect((await spoof.send({ protocol: 'NULL' })).outcome).toBe('DUH');
    expect((await spoof.send({ protocol: 'SIA-DCS', code: 'CL', address: '1' })).outcome).toBe('DUH');
    expect(store.events()).toMatchObject([
      {
        account: 'C0DE',
        type: 'trouble',
        rawCode: 'DC09-UNENCRYPTED',
        details: { condition: 'encryption_required' },
      },
    ]);
    expect(
      (await panel(receiver, { account: 'C0DE', key: HEX_KEY }).send({ protocol: 'NULL' })).outcome,
    ).toBe('ACK');
  });

  it('caps key-trouble events in all, however many accounts a peer makes up', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit, limits: { unreadableEventsPerMinute: 3 } });
    for (let i = 0; i < 6; i += 1) {
      const sim = panel(receiver, { account: `BAD${i}`, key: HEX_KEY });
      expect((await sim.send({ protocol: 'NULL' })).outcome).toBe('DUH');
    }
    expect(store.events().map((e) => e.account)).toEqual(['BAD0', 'BAD1', 'BAD2']);
  });

  it('answers DUH to an unsupported message ID and to data it cannot decode, keeping the raw data', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit });
    const unsupported = frameBody('"SIA-XYZ"0001L0#1234[#1234|foo]');
    expect((await panel(receiver).send({ raw: unsupported })).outcome).toBe('DUH');
    const undecodable = buildFrame({
      messageId: 'ADM-CID',
      sequence: 2,
      account: '1234',
      data: 'not contact id',
    });
    expect((await panel(receiver).send({ raw: undecodable })).outcome).toBe('DUH');
    expect(store.events().map((e) => e.rawCode)).toEqual(['DC09-UNSUPPORTED', 'UNDECODABLE']);
  });

  it('group commit: frames from many connections within the window share one commit', async () => {
    const store = recorder({ before: () => sleep(30) });
    const receiver = await start({ commit: store.commit, limits: { groupCommitDelayMs: 5 } });
    const sims = Array.from({ length: 40 }, (_, i) => panel(receiver, { account: `${1000 + i}` }));
    await Promise.all(sims.map((sim) => sim.connect()));
    const results = await Promise.all(
      sims.map((sim) => sim.send({ protocol: 'SIA-DCS', code: 'BA', address: '1' })),
    );
    expect(results.every((r) => r.outcome === 'ACK')).toBe(true);
    expect(store.events()).toHaveLength(40);
    // One commit per frame without group commit; a handful with it, even on a busy machine.
    expect(store.batches.length).toBeLessThan(10);
    expect(Math.max(...store.batches.map((b) => b.length))).toBeGreaterThan(10);
  });

  it('over UDP: NAKs a corrupted datagram and drops one over the size limit', async () => {
    const store = recorder();
    const receiver = await start({ commit: store.commit, limits: { maxFrameBytes: 200 } });
    const good = buildFrame({
      messageId: 'SIA-DCS',
      sequence: 3,
      account: '1234',
      data: siaDcsData('1234', 'BA', '1'),
    });
    const bad = Buffer.from(good);
    bad[10] = bad[10] === 0x41 ? 0x42 : 0x41;
    expect((await panel(receiver, { transport: 'udp', retries: 0 }).send({ raw: bad })).outcome).toBe('NAK');
    const huge = Buffer.concat([Buffer.from('\n'), Buffer.alloc(300, 0x30), Buffer.from('\r')]);
    const dropped = await panel(receiver, { transport: 'udp', retries: 0, ackTimeoutMs: 300 }).send({
      raw: huge,
    });
    expect(dropped.outcome).toBe('timeout');
    expect(receiver.stats().oversize).toBe(1);
    expect(store.events()).toHaveLength(0);
  });

  it('refuses connections beyond the per-address limit', async () => {
    const receiver = await start({ commit: recorder().commit, limits: { maxConnectionsPerAddress: 2 } });
    const first = await connectRaw(receiver.port);
    const second = await connectRaw(receiver.port);
    const third = await connectRaw(receiver.port);
    expect(await closedWithin(third, 1000)).toBe(true);
    expect(first.destroyed || second.destroyed).toBe(false);
    expect(receiver.stats().rejectedConnections).toBe(1);
    first.destroy();
    await sleep(50);
    const fourth = await connectRaw(receiver.port);
    expect(await closedWithin(fourth, 200)).toBe(false);
  });

  it('closes idle connections', async () => {
    const receiver = await start({ commit: recorder().commit, limits: { idleTimeoutMs: 200 } });
    const socket = await connectRaw(receiver.port);
    const started = Date.now();
    expect(await closedWithin(socket, 3000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(receiver.stats().idleTimeouts).toBe(1);
  });

  it('cuts a connection sending a frame over the size limit, with a NAK', async () => {
    const receiver = await start({ commit: recorder().commit, limits: { maxFrameBytes: 256 } });
    const socket = await connectRaw(receiver.port);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(Buffer.alloc(300, 0x41));
    expect(await closedWithin(socket, 2000)).toBe(true);
    expect(parseResponse(Buffer.concat(received))).toMatchObject({ ok: true, response: { kind: 'NAK' } });
    expect(receiver.stats().oversize).toBe(1);
  });

  it('cuts a client that trickles a frame too slowly', async () => {
    const receiver = await start({ commit: recorder().commit, limits: { partialFrameTimeoutMs: 200 } });
    const socket = await connectRaw(receiver.port);
    const frame = buildFrame({ messageId: 'NULL', sequence: 1, account: '1234' });
    let at = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && at < frame.length) socket.write(frame.subarray(at, (at += 1)));
    }, 40);
    const closed = await closedWithin(socket, 3000);
    clearInterval(timer);
    expect(closed).toBe(true);
    expect(at).toBeLessThan(frame.length);
  });

  it('a flooding client that never reads its answers does not stall another panel', async () => {
    // Commit cost grows with the batch, as a real database's does; without per-connection
    // backpressure the flood would fill the batches and the other panel would wait behind it.
    const store = recorder({ before: (events) => sleep(events.length * 0.5) });
    const receiver = await start({
      commit: store.commit,
      limits: { maxPendingPerConnection: 4, groupCommitDelayMs: 1 },
    });
    const flood = await connectRaw(receiver.port);
    flood.pause();
    const frames = Array.from({ length: 6000 }, (_, i) =>
      buildFrame({
        messageId: 'SIA-DCS',
        sequence: (i % 9999) + 1,
        account: 'F00D',
        data: siaDcsData('F00D', 'BA', String(i)),
        timestamp: null,
      }),
    );
    flood.write(Buffer.concat(frames));
    await sleep(100);
    const fast = panel(receiver, { account: 'FA57' });
    const results = [];
    for (let i = 0; i < 5; i += 1)
      results.push(await fast.send({ protocol: 'SIA-DCS', code: 'FA', address: '1' }));
    expect(results.every((r) => r.outcome === 'ACK')).toBe(true);
    // Behind the flood's batches this took seconds; beside them, a few commit cycles.
    expect(Math.max(...results.map((r) => r.latencyMs))).toBeLessThan(750);
    const flooded = store.events().filter((e) => e.account === 'F00D').length;
    expect(flooded).toBeGreaterThan(0);
    expect(flooded).toBeLessThan(6000);
  });

  it('refuses to start when the UDP port is taken, releasing the TCP port', async () => {
    const tcpFree = (port: number) =>
      new Promise<boolean>((resolve) => {
        const probe = net.createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
    // A UDP port whose TCP twin is free (other processes on the machine hold ports too).
    let blocker: dgram.Socket | undefined;
    let taken = 0;
    for (let attempt = 0; attempt < 20 && !blocker; attempt += 1) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      taken = socket.address().port;
      if (await tcpFree(taken)) blocker = socket;
      else socket.close();
    }
    if (!blocker) throw new Error('no port with a free TCP twin');
    try {
      await expect(start({ commit: recorder().commit, port: taken })).rejects.toThrow(/EADDRINUSE/);
      expect(await tcpFree(taken)).toBe(true);
    } finally {
      blocker.close();
    }
  });

  it('does not let a hung commit hold shutdown beyond the grace period', async () => {
    const receiver = await startDc09Receiver({
      port: 0,
      host: '127.0.0.1',
      keys: () => undefined,
      logger: createLogger('silent'),
      commit: () => new Promise<void>(() => undefined),
    });
    const sending = panel(receiver, { ackTimeoutMs: 3000, retries: 0 }).send({ protocol: 'NULL' });
    await sleep(50);
    const started = Date.now();
    await receiver.close({ graceMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await sending).outcome).toBe('timeout');
  });

  it('drains on close: frames already received still get their ACK', async () => {
    const store = recorder({ before: () => sleep(100) });
    const receiver = await startDc09Receiver({
      port: 0,
      host: '127.0.0.1',
      keys: () => undefined,
      logger: createLogger('silent'),
      commit: store.commit,
    });
    const sending = panel(receiver).send({ protocol: 'SIA-DCS', code: 'BA', address: '1' });
    await sleep(30);
    await receiver.close();
    expect((await sending).outcome).toBe('ACK');
    expect(store.events()).toHaveLength(1);
  });
});
