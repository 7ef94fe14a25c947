import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFrame } from './frame.js';
import { toPipelineEvents } from './pipeline-adapter.js';
import { PanelSimulator, type SimulatedEvent } from './simulator.js';
import { openSqliteEventStore } from './testing/sqlite-store.js';

// The durability rule end to end: panels send a burst, the receiver process is killed with
// SIGKILL mid-burst and restarted on the same database; the panels retransmit what was never
// acknowledged. Every event that was acknowledged must be stored, and stored exactly once.

const child = fileURLToPath(new URL('./testing/crash-receiver.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const proc of children.splice(0)) proc.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startReceiver(file: string, port: number): Promise<{ proc: ChildProcess; port: number }> {
  const proc = fork(child, [file, String(port)], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
  children.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('message', (message: { port: number }) => resolve({ proc, port: message.port }));
    proc.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const EVENTS: SimulatedEvent[] = [
  { protocol: 'SIA-DCS', code: 'BA', address: '1' },
  { protocol: 'ADM-CID', qualifier: '1', code: '130', zone: '003' },
  { protocol: 'SIA-DCS', code: 'OP', address: '7' },
];

describe('DC-09 receiver killed with SIGKILL mid-burst', () => {
  it('stores every acknowledged event exactly once after restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-dc09-crash-'));
    dirs.push(dir);
    const file = path.join(dir, 'events.db');
    // A port below the ephemeral range, so no outgoing connection takes it while the receiver is
    // down between kill and restart.
    let first: { proc: ChildProcess; port: number } | undefined;
    for (let attempt = 0; !first && attempt < 10; attempt += 1) {
      first = await startReceiver(file, 20_000 + Math.floor(Math.random() * 10_000)).catch(() => undefined);
    }
    if (!first) throw new Error('no free port for the receiver');
    const port = first.port;
    const acknowledged: string[] = [];
    let retransmitted = 0;
    const sent = new Map<string, number>();
    let stop = false;
    const panels = Array.from(
      { length: 40 },
      (_, i) => new PanelSimulator({ port, account: `${0xa000 + i}`, ackTimeoutMs: 300, retries: 40 }),
    );
    const running = panels.map(async (panel, i) => {
      for (let n = i; !stop; n += 1) {
        const result = await panel.send(EVENTS[n % EVENTS.length] ?? { protocol: 'NULL' });
        const parsed = parseFrame(result.frame);
        if (!parsed.ok) throw new Error(parsed.message);
        const ids = toPipelineEvents(parsed.frame, new Date()).events.map((e) => e.sourceEventId);
        for (const id of ids) sent.set(id, (sent.get(id) ?? 0) + 1);
        if (result.attempts > 1) retransmitted += 1;
        if (result.outcome === 'ACK') acknowledged.push(...ids);
        else throw new Error(`panel ${i} got ${result.outcome} after ${result.attempts} attempts`);
      }
    });

    // Kill mid-burst, once the burst is well under way (however busy the machine is).
    for (let waited = 0; acknowledged.length < 200 && waited < 15_000; waited += 50) await sleep(50);
    const beforeKill = acknowledged.length;
    first.proc.kill('SIGKILL');
    await new Promise((resolve) => first.proc.once('exit', resolve));
    await sleep(400);
    await startReceiver(file, port);
    const afterRestart = acknowledged.length;
    for (let waited = 0; acknowledged.length < afterRestart + 200 && waited < 15_000; waited += 50)
      await sleep(50);
    stop = true;
    await Promise.all(running);
    await Promise.all(panels.map((panel) => panel.close()));
    for (const proc of children.splice(0)) proc.kill('SIGKILL');

    const store = openSqliteEventStore(file);
    const stored = store.ids();
    store.close();
    expect(beforeKill).toBeGreaterThanOrEqual(200);
    expect(acknowledged.length).toBeGreaterThan(beforeKill);
    // The frames in flight at the kill were answered only after a retransmission to the new process.
    expect(retransmitted).toBeGreaterThan(0);
    // Each frame was sent once from the panel's point of view (retransmissions reuse it).
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    const storedSet = new Set(stored);
    expect(acknowledged.filter((id) => !storedSet.has(id))).toEqual([]);
    // Stored exactly once: one row per frame the panels sent, retransmissions included.
    expect(stored.length).toBe(storedSet.size);
    expect(stored.every((id) => sent.has(id))).toBe(true);
    expect(stored.length).toBe(acknowledged.length);
  }, 60_000);
});
