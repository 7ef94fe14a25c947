import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, createUser } from '../identity/index.js';
import { createSite } from '../sites/index.js';
import { loadConfig } from '../../platform/config.js';
import { openDatabase } from '../../platform/db/database.js';
import { createLogger } from '../../platform/logger.js';
import { createServer } from '../../server.js';
import { dialects, freshDatabaseEnv } from '../../test/harness.js';
import { makeDevice, tag } from '../../test/monitoring.js';
import { parseFrame } from './dc09/frame.js';
import { toPipelineEvents } from './dc09/pipeline-adapter.js';
import { PanelSimulator, type SimulatedEvent } from './dc09/simulator.js';

/*
 * Reliability: a real server process (`node dist/cli/main.js serve`) takes a burst of HTTP ingest
 * batches, or of DC-09 frames from panels, and is killed with SIGKILL mid-burst. After a restart,
 * every event that was answered 202 (or ACK) is stored exactly once, and resending everything
 * (what clients and panels do after an error) stores the rest without duplicating anything.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const system = { actor: { type: 'system' as const, id: null, label: 'kill9 test' }, requestId: null };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startProcess(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_JOBS: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

beforeAll(() => {
  // The test runs the build it ships: compile the server as `npm run build` does.
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}, 300_000);

describe.each(dialects)('kill -9 during HTTP ingestion (%s)', (dialect) => {
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const fresh = await freshDatabaseEnv(dialect);
    env = fresh.env;
    cleanup = fresh.cleanup;
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await cleanup();
  });

  it('every event answered 202 is stored exactly once after a SIGKILL and restart', async () => {
    // Prepare the installation: a site, a device, an admin and an ingest token.
    const setup = await createServer(loadConfig(env), createLogger('silent'));
    const site = await createSite(setup.ctx, system, {
      name: 'Kill',
      code: `K${tag()}`.slice(0, 12),
      timezone: 'UTC',
    });
    const admin = await createUser(setup.ctx, system, {
      email: `kill-${tag()}@example.test`,
      name: 'Kill admin',
      role: 'admin',
      sites: [],
    });
    const { token } = await issueToken(setup.ctx, system, {
      userId: admin.id,
      name: 'ingest',
      permissions: ['ingest'],
      expiresInDays: 1,
    });
    const device = await makeDevice({ server: setup }, site, { externalId: `kill-${tag()}` });
    await setup.close();

    const port = await freePort();
    const first = await startProcess(env, port);
    children.push(first);
    const url = `http://127.0.0.1:${port}/api/v1/ingest/events`;
    const batches: string[][] = [];
    const acknowledged: string[][] = [];
    let killed = false;
    const send = async (ids: string[]) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: ids.map((id) => ({
            id,
            externalId: device.externalId,
            type: 'intrusion',
            zone: String(id.length % 8),
            occurredAt: new Date().toISOString(),
          })),
        }),
      });
    const worker = async (w: number) => {
      for (let b = 0; !killed; b += 1) {
        const ids = Array.from({ length: 200 }, (_, i) => `w${w}-b${b}-e${i}`);
        batches.push(ids);
        try {
          const response = await send(ids);
          if (response.status === 202) acknowledged.push(ids);
          else await response.body?.cancel();
        } catch {
          // The connection died with the server: this batch's fate is unknown to the client.
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    // Kill once a good number of batches are acknowledged (and many more are in flight).
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 25 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    first.kill('SIGKILL');
    killed = true;
    await exited(first);
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(25);
    expect(batches.length).toBeGreaterThan(acknowledged.length);

    const second = await startProcess(env, port);
    children.push(second);
    const database = openDatabase(loadConfig(env), 2);
    try {
      const stored = await database.db
        .selectFrom('monitoring_events')
        .select('source_event_id')
        .where('device_id', '=', device.id)
        .execute();
      const counts = new Map<string, number>();
      for (const row of stored) counts.set(row.source_event_id, (counts.get(row.source_event_id) ?? 0) + 1);
      const key = (id: string) => `${id}@${device.externalId}`;
      const acknowledgedIds = acknowledged.flat();
      const missing = acknowledgedIds.filter((id) => counts.get(key(id)) !== 1);
      expect(missing).toEqual([]);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);

      // Clients resend what they could not confirm: nothing acknowledged is stored twice.
      let duplicates = 0;
      for (const ids of batches) {
        const response = await send(ids);
        expect(response.status).toBe(202);
        duplicates += ((await response.json()) as { duplicates: number }).duplicates;
      }
      expect(duplicates).toBeGreaterThanOrEqual(acknowledgedIds.length);
      const after = await database.db
        .selectFrom('monitoring_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_id', '=', device.id)
        .executeTakeFirstOrThrow();
      expect(after.n).toBe(batches.length * 200);
    } finally {
      await database.close();
      second.kill('SIGTERM');
      await exited(second);
    }
  }, 180_000);
});

describe.each(dialects)('kill -9 during DC-09 ingestion (%s)', (dialect) => {
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const panels: PanelSimulator[] = [];

  beforeAll(async () => {
    const fresh = await freshDatabaseEnv(dialect);
    env = fresh.env;
    cleanup = fresh.cleanup;
  });
  afterAll(async () => {
    await Promise.all(panels.map((panel) => panel.close()));
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await cleanup();
  });

  it('every event a panel saw acknowledged is stored exactly once after a SIGKILL and restart', async () => {
    const PANELS = 40;
    const setup = await createServer(loadConfig(env), createLogger('silent'));
    const site = await createSite(setup.ctx, system, {
      name: 'Kill DC-09',
      code: `D${tag()}`.slice(0, 12),
      timezone: 'UTC',
    });
    const prefix = tag()
      .replace(/[^0-9A-F]/gi, '')
      .slice(0, 4)
      .toUpperCase()
      .padEnd(4, '0');
    const accounts = Array.from({ length: PANELS }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
    for (const account of accounts)
      await makeDevice({ server: setup }, site, {
        kind: 'intrusion_panel',
        externalId: undefined,
        dc09: { account },
      });
    await setup.close();

    const [port, dc09Port] = [await freePort(), await freePort()];
    const serverEnv = { ...env, VIGIL_DC09_PORT: String(dc09Port) };
    const first = await startProcess(serverEnv, port);
    children.push(first);
    const events: SimulatedEvent[] = [
      { protocol: 'SIA-DCS', code: 'BA', address: '01' },
      { protocol: 'ADM-CID', qualifier: '1', code: '130', zone: '003' },
      { protocol: 'SIA-DCS', code: 'OP', address: '4' },
    ];
    const sent: Buffer[] = [];
    const acknowledged: Buffer[] = [];
    let killed = false;
    const run = async (account: string) => {
      // No retries: once the server is gone a frame's fate is unknown, as for a panel mid-outage.
      const panel = new PanelSimulator({ port: dc09Port, account, ackTimeoutMs: 2000, retries: 0 });
      panels.push(panel);
      for (let n = 0; !killed; n += 1) {
        const result = await panel.send(events[n % events.length] ?? { protocol: 'NULL' });
        sent.push(result.frame);
        if (result.outcome === 'ACK') acknowledged.push(result.frame);
        else if (result.outcome !== 'timeout') throw new Error(`unexpected answer ${result.outcome}`);
      }
    };
    const running = accounts.map(run);
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 400 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    first.kill('SIGKILL');
    killed = true;
    await exited(first);
    await Promise.all(running);
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    const idsOf = (frames: Buffer[]) =>
      frames.flatMap((frame) => {
        const parsed = parseFrame(frame, { keys: () => undefined, window: false });
        if (!parsed.ok) throw new Error(parsed.message);
        return toPipelineEvents(parsed.frame, new Date()).events.map((event) => event.sourceEventId);
      });
    const second = await startProcess(serverEnv, port);
    children.push(second);
    const database = openDatabase(loadConfig(env), 2);
    try {
      const stored = async () => {
        const rows = await database.db
          .selectFrom('monitoring_events')
          .select('source_event_id')
          .where('source', '=', 'dc09')
          .where('device_ref', 'in', accounts)
          .execute();
        const counts = new Map<string, number>();
        for (const row of rows) counts.set(row.source_event_id, (counts.get(row.source_event_id) ?? 0) + 1);
        return counts;
      };
      const counts = await stored();
      expect(idsOf(acknowledged).filter((id) => counts.get(id) !== 1)).toEqual([]);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);

      // The panels retransmit every frame they could not confirm (here: all of them, again).
      const resend = accounts.map(
        (account) => new PanelSimulator({ port: dc09Port, account, ackTimeoutMs: 5000 }),
      );
      panels.push(...resend);
      const byAccount = new Map(accounts.map((account, i) => [account, resend[i]]));
      await Promise.all(
        accounts.map(async (account) => {
          const panel = byAccount.get(account);
          for (const frame of sent.filter((f) => f.includes(`#${account}`)))
            expect((await panel?.send({ raw: frame }))?.outcome).toBe('ACK');
        }),
      );
      const after = await stored();
      const all = new Set(idsOf(sent));
      expect(after.size).toBe(all.size);
      expect([...after.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await database.close();
      second.kill('SIGTERM');
      await exited(second);
    }
  }, 180_000);
});
