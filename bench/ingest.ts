/*
 * `npm run bench:ingest`: HTTP ingestion throughput and alarm → live stream latency, printed as
 * JSON. A real server process (the CLI's `serve`, on SQLite with synchronous=FULL unless
 * DATABASE_URL is set) takes batches of events from concurrent HTTP clients in this process; an
 * SSE client measures how long an alarm takes from the moment its event is sent to the moment it
 * appears on the operator's stream, idle and under the ingestion load.
 *
 * Options (environment): BENCH_EVENTS (default 300000), BENCH_BATCH (1000), BENCH_CONCURRENCY (4),
 * BENCH_PROBES (200), DATABASE_URL (PostgreSQL instead of SQLite), BENCH_SERVER_NODE_ARGS.
 * Targets (issue 5): ≥ 50,000 events/s over HTTP; p99 alarm → stream < 250 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevice } from '../src/server/modules/monitoring/devices.service.js';
import { createUser, issueToken } from '../src/server/modules/identity/index.js';
import { createSite } from '../src/server/modules/sites/index.js';
import { principalFor } from '../src/server/platform/access/principal.js';
import { loadConfig } from '../src/server/platform/config.js';
import { openSqliteFile } from '../src/server/platform/db/database.js';
import { createLogger } from '../src/server/platform/logger.js';
import { createServer } from '../src/server/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const PROBES = Number(process.env.BENCH_PROBES ?? 200);
const DEVICES = 100;
const system = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null };

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

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 10) / 10;
}

const summary = (values: number[]) => ({
  n: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: percentile(values, 100),
});

/** Listens to the alarm stream and resolves waiters keyed by the alarm's zone. */
function openStream(
  base: string,
  token: string,
): Promise<{ wait: (zone: string) => Promise<number>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const waiters = new Map<string, (at: number) => void>();
    const request = http.get(
      `${base}/api/v1/alarms/stream`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`stream answered ${response.statusCode}`));
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            const line = block.split('\n').find((l) => l.startsWith('data: '));
            if (!line) continue;
            const zone = /"zone":"(probe-[^"]+)"/.exec(line)?.[1];
            const waiter = zone ? waiters.get(zone) : undefined;
            if (zone && waiter) {
              waiters.delete(zone);
              waiter(at);
            }
          }
        });
        resolve({
          wait: (zone) => new Promise((done) => waiters.set(zone, done)),
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'warn', VIGIL_JOBS: 'off' };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  const config = loadConfig(env);

  // Set up an installation: a site, devices, and an admin's API token.
  const setup = await createServer(config, createLogger('silent'));
  const site = await createSite(setup.ctx, system, {
    name: 'Bench',
    code: `B${Date.now().toString(36)}`,
    timezone: 'UTC',
  });
  const admin = await createUser(setup.ctx, system, {
    email: `bench-${Date.now()}@example.test`,
    name: 'Bench',
    role: 'admin',
    sites: [],
  });
  const { token } = await issueToken(setup.ctx, system, {
    userId: admin.id,
    name: 'bench',
    permissions: ['ingest', 'alarms:read'],
    expiresInDays: 1,
  });
  const principal = principalFor({ ...admin, role: 'admin' }, 'password');
  const externalIds: string[] = [];
  for (let d = 0; d < DEVICES; d += 1) {
    const device = await createDevice(setup.ctx, system, principal, {
      name: `Bench device ${d}`,
      kind: 'intrusion_panel',
      siteId: site.id,
      externalId: `bench-${d}`,
    });
    externalIds.push(device.externalId ?? '');
  }
  await setup.close();
  // The server opens its database through the same function: this is the setting it runs with.
  let synchronous: unknown = null;
  if (config.dialect === 'sqlite') {
    const probe = openSqliteFile(config.sqlitePath);
    synchronous = probe.pragma('synchronous', { simple: true });
    probe.close();
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_SERVER_NODE_ARGS passes flags to the server process, e.g. "--cpu-prof" to profile it.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(base, child);
    const url = `${base}/api/v1/ingest/events`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (body: string) => {
      const response = await fetch(url, { method: 'POST', headers, body });
      if (response.status !== 202)
        throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };

    // A realistic mix: mostly routine traffic (log entries), some alarms folding per device and zone.
    const types = [
      'access_granted',
      'opening',
      'closing',
      'test',
      'access_denied',
      'motion',
      'intrusion',
      'door_held',
    ];
    const now = Date.now();
    const bodies: string[] = [];
    for (let b = 0; b * BATCH < EVENTS; b += 1) {
      const events = [];
      for (let i = 0; i < BATCH; i += 1) {
        const n = b * BATCH + i;
        events.push({
          id: `e${n}`,
          externalId: externalIds[n % DEVICES],
          type: types[n % types.length],
          zone: String(n % 8),
          occurredAt: new Date(now + n).toISOString(),
        });
      }
      bodies.push(JSON.stringify({ events }));
    }
    // Warm up (JIT, statement caches) on a few small batches, not counted.
    for (let w = 0; w < 5; w += 1)
      await post(
        JSON.stringify({
          events: [
            {
              id: `warm${w}`,
              externalId: externalIds[0],
              type: 'test',
              occurredAt: new Date().toISOString(),
            },
          ],
        }),
      );

    const stream = await openStream(base, token);
    const probe = async (label: string) => {
      const zone = `probe-${label}`;
      const arrived = stream.wait(zone);
      const sent = performance.now();
      await post(
        JSON.stringify({
          events: [
            {
              id: zone,
              externalId: externalIds[1],
              type: 'panic',
              zone,
              occurredAt: new Date().toISOString(),
            },
          ],
        }),
      );
      return (await arrived) - sent;
    };

    // Throughput, with alarm probes running beside the load.
    let next = 0;
    const cpuBefore = cpuSecondsOf(child.pid);
    const started = performance.now();
    let running = true;
    const underLoad: number[] = [];
    const prober = (async () => {
      for (let p = 0; running; p += 1) {
        underLoad.push(await probe(`load-${p}`));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next];
          next += 1;
          if (body) await post(body);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuSecondsOf(child.pid);
    running = false;
    await prober;

    const idle: number[] = [];
    for (let p = 0; p < PROBES; p += 1) {
      idle.push(await probe(`idle-${p}`));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stream.close();

    const total = bodies.length * BATCH;
    console.log(
      JSON.stringify(
        {
          bench: 'ingest',
          machine: {
            cpus: os.cpus().length,
            node: process.version,
            platform: `${os.platform()} ${os.release()}`,
            // Other work on the machine skews every figure: the 1-minute load average at the end.
            loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
          },
          database: config.dialect,
          sqliteSynchronous: synchronous === 2 ? 'FULL' : synchronous,
          http: {
            events: total,
            batchSize: BATCH,
            concurrency: CONCURRENCY,
            devices: DEVICES,
            seconds: Math.round(seconds * 100) / 100,
            eventsPerSecond: Math.round(total / seconds),
            // What the server process spent per event (all its threads), whatever else ran.
            serverCpuMicrosPerEvent:
              cpuBefore === null || cpuAfter === null
                ? null
                : Math.round(((cpuAfter - cpuBefore) / total) * 1e7) / 10,
            target: 50_000,
          },
          alarmToStreamMs: { idle: summary(idle), underLoad: summary(underLoad), targetP99: 250 },
        },
        null,
        2,
      ),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
