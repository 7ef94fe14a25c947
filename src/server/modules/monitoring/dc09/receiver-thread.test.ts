import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logger.js';
import { keyBytes } from '../keys.js';
import type { Dc09PipelineEvent } from './pipeline-adapter.js';
import { startDc09ReceiverThread, type ThreadedDc09Receiver } from './receiver-thread.js';
import { PanelSimulator } from './simulator.js';

// The receiver on its own thread, seen from the main thread: batches come over to be committed
// here, answers go back, keys follow changes, log lines reach the main thread's logger.

const KEY = '000102030405060708090a0b0c0d0e0f';
const receivers: ThreadedDc09Receiver[] = [];
const panels: PanelSimulator[] = [];

afterEach(async () => {
  await Promise.all(panels.splice(0).map((panel) => panel.close()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

async function start(
  commit: (events: Dc09PipelineEvent[]) => Promise<void>,
  initialKeys = new Map<string, Uint8Array>(),
) {
  let keys = initialKeys;
  const listeners = new Set<() => void>();
  const { lines, logger } = capture();
  const receiver = await startDc09ReceiverThread({
    port: 0,
    host: '127.0.0.1',
    keys: () => [...keys],
    onKeysChanged: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    commit,
    logger: logger.child({ component: 'dc09' }),
  });
  receivers.push(receiver);
  const setKeys = (next: Map<string, Uint8Array>) => {
    keys = next;
    for (const listener of listeners) listener();
  };
  const panel = (account: string, options: Partial<ConstructorParameters<typeof PanelSimulator>[0]> = {}) => {
    const simulator = new PanelSimulator({ port: receiver.port, account, ackTimeoutMs: 2000, ...options });
    panels.push(simulator);
    return simulator;
  };
  return { receiver, lines, setKeys, panel };
}

describe('the DC-09 receiver thread', () => {
  it('acknowledges a frame only once the main thread has committed its batch', async () => {
    const committed: Dc09PipelineEvent[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { receiver, lines, panel } = await start(async (events) => {
      await gate;
      committed.push(...events);
    });
    const sending = panel('1234').send({ protocol: 'SIA-DCS', code: 'BA', address: '3' });
    let answered = false;
    void sending.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    release();
    expect((await sending).outcome).toBe('ACK');
    expect(committed).toEqual([expect.objectContaining({ account: '1234', rawCode: 'BA', zone: '3' })]);
    // The thread's log lines went through the main thread's logger, with its bindings.
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'dc09: receiver listening', component: 'dc09', port: receiver.port }),
    );
  });

  it('leaves a frame unanswered when the main thread could not commit it', async () => {
    const { lines, panel } = await start(() => Promise.reject(new Error('disk full')));
    const sent = await panel('4321', { ackTimeoutMs: 500, retries: 0 }).send({
      protocol: 'SIA-DCS',
      code: 'FA',
      address: '1',
    });
    expect(sent.outcome).toBe('timeout');
    await expect
      .poll(() => lines.some((line) => line.msg === 'dc09: commit failed' && line.level === 50))
      .toBe(true);
  });

  it('decrypts with keys handed over after a change in the registry', async () => {
    const { setKeys, panel } = await start(() => Promise.resolve());
    const encrypted = panel('BEEF', { key: { key: KEY, encoding: 'hex' }, ackTimeoutMs: 1000, retries: 0 });
    expect((await encrypted.send({ protocol: 'SIA-DCS', code: 'BA', address: '1' })).outcome).toBe('DUH');
    setKeys(new Map([['BEEF', keyBytes(KEY, 'hex')]]));
    await expect
      .poll(async () => (await encrypted.send({ protocol: 'SIA-DCS', code: 'BA', address: '1' })).outcome)
      .toBe('ACK');
  });

  it('refuses to start on a port that is taken, and says so', async () => {
    const { receiver } = await start(() => Promise.resolve());
    await expect(
      startDc09ReceiverThread({
        port: receiver.port,
        host: '127.0.0.1',
        keys: () => [],
        onKeysChanged: () => () => undefined,
        commit: () => Promise.resolve(),
        logger: createLogger('silent'),
      }),
    ).rejects.toThrow(/could not start/);
  });
});
