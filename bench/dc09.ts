// npm run bench:dc09 — DC-09 ingestion speed, printed as JSON.
//
// 1,000 simulated panels (stop-and-wait, like real ones) over TCP on 127.0.0.1 against the
// receiver running in its own process, whose commit is a real durable write: a better-sqlite3
// file in WAL mode with synchronous=FULL, one transaction per group-committed batch. Target
// (issue 5): ≥ 10,000 acknowledged events/s with p99 acknowledgement latency < 100 ms.
//
// Two targets: "receiver" — the receiver alone in a child process, committing to a stand-in event
// table (the protocol layer's own cost); "server" — the whole product: `vigil serve` with
// VIGIL_DC09_PORT, 1,000 registered panels, and every frame committed through the monitoring
// pipeline (devices, rules, alarms, folding) before its ACK.
//
// Options (environment): DC09_BENCH_TARGETS ("receiver,server"), DC09_BENCH_PANELS (1000), DC09_BENCH_SECONDS (10),
// DC09_BENCH_WARMUP_SECONDS (2), DC09_BENCH_SCENARIOS ("plain,encrypted"),
// DC09_BENCH_LOADS ("saturation,10000": closed loop, then 10,000 events/s offered),
// DC09_BENCH_GROUP_COMMIT_MS (2), DC09_BENCH_PROFILE (a directory for a receiver CPU profile).
// The panels run in this process and the receiver in a child, so both share the machine's two
// cores (and whatever else runs on it: loadAverage1m is printed for that reason).
import { fork, spawn } from 'node:child_process';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/server/platform/logger.js';
import { loadConfig } from '../src/server/platform/config.js';
import { openSqliteFile } from '../src/server/platform/db/database.js';
import { principalFor } from '../src/server/platform/access/principal.js';
import { createServer } from '../src/server/server.js';
import { createUser } from '../src/server/modules/identity/index.js';
import { createSite } from '../src/server/modules/sites/index.js';
import { createDevice } from '../src/server/modules/monitoring/devices.service.js';
import type { Dc09Key } from '../src/server/modules/monitoring/dc09/cipher.js';
import { startDc09Receiver, type Dc09ReceiverStats } from '../src/server/modules/monitoring/dc09/receiver.js';
import { PanelSimulator, type SimulatedEvent } from '../src/server/modules/monitoring/dc09/simulator.js';
import { openSqliteEventStore } from '../src/server/modules/monitoring/dc09/testing/sqlite-store.js';
import { parseFrame } from '../src/server/modules/monitoring/dc09/frame.js';
import { toPipelineEvents } from '../src/server/modules/monitoring/dc09/pipeline-adapter.js';

const KEY: Dc09Key = { key: '2B7E151628AED2A6ABF7158809CF4F3C', encoding: 'hex' };

type Scenario = 'plain' | 'encrypted';
type Target = 'receiver' | 'server';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
type ToReceiver = { kind: 'report'; withIds?: boolean } | { kind: 'stop' };
type FromReceiver =
  | { kind: 'ready'; port: number }
  | {
      kind: 'report';
      stats: Dc09ReceiverStats;
      storedRows: number;
      storedIds?: string[];
      cpuMs: number;
      commitMs: CommitTimes;
    };

interface CommitTimes {
  count: number;
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Receiver process.

async function runReceiver(scenario: Scenario): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-dc09-bench-'));
  const store = openSqliteEventStore(path.join(dir, 'bench.db'));
  const receiver = await startDc09Receiver({
    port: 0,
    host: '127.0.0.1',
    keys: () => (scenario === 'encrypted' ? KEY : undefined),
    // stdout carries the benchmark's one JSON document: logs go to stderr.
    logger: createLogger('warn', process.stderr),
    // All simulated panels share 127.0.0.1, as panels behind one carrier NAT would.
    limits: {
      maxConnectionsPerAddress: 5000,
      groupCommitDelayMs: Number(process.env.DC09_BENCH_GROUP_COMMIT_MS ?? 2),
    },
    commit: store.commit,
  });
  const cpuAtStart = process.cpuUsage();
  const send = (message: FromReceiver): void => void process.send?.(message);
  send({ kind: 'ready', port: receiver.port });
  process.on('message', (message: ToReceiver) => {
    if (message.kind === 'report') {
      const cpu = process.cpuUsage(cpuAtStart);
      const sorted = [...store.commitDurations].sort((a, b) => a - b);
      send({
        kind: 'report',
        stats: receiver.stats(),
        storedRows: store.count(),
        ...(message.withIds ? { storedIds: store.ids() } : {}),
        cpuMs: (cpu.user + cpu.system) / 1000,
        commitMs: {
          count: sorted.length,
          meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1), 2),
          p99Ms: round(percentile(sorted, 99), 2),
          maxMs: round(sorted.at(-1) ?? 0, 2),
        },
      });
    } else {
      void receiver.close().then(() => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Panels (this process).

const EVENTS: SimulatedEvent[] = [
  { protocol: 'SIA-DCS', code: 'BA', address: '01', area: '1' },
  { protocol: 'SIA-DCS', code: 'BR', address: '01', area: '1' },
  { protocol: 'SIA-DCS', code: 'OP', address: '004', area: '1' },
  { protocol: 'SIA-DCS', code: 'CL', address: '004', area: '1' },
  { protocol: 'ADM-CID', qualifier: '1', code: '130', zone: '015' },
  { protocol: 'ADM-CID', qualifier: '3', code: '130', zone: '015' },
  { protocol: 'ADM-CID', qualifier: '1', code: '602', zone: '000' },
  { protocol: 'NULL' },
];

/** What a run needs from whatever answers the panels: its port, and its figures at the end. */
interface ReceiverHandle {
  port: number;
  /** Receiver counters (null when the target does not expose them) and CPU time when the warm-up ends. */
  snapshot: () => Promise<{ stats: Dc09ReceiverStats | null; cpuMs: number | null }>;
  /** Stops the target and reads back what it stored. */
  finish: () => Promise<{
    stats: Dc09ReceiverStats | null;
    storedIds: Set<string>;
    cpuMs: number | null;
    commitMs: CommitTimes | null;
  }>;
}

function account(i: number): string {
  return (0x10000 + i).toString(16).toUpperCase();
}

/** The receiver alone, in a child process, committing to the stand-in event table. */
function startReceiver(scenario: Scenario): Promise<ReceiverHandle> {
  const child = fork(fileURLToPath(import.meta.url), ['receiver', scenario], {
    // DC09_BENCH_PROFILE=dir writes a CPU profile of the receiver process there.
    execArgv: process.env.DC09_BENCH_PROFILE
      ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${process.env.DC09_BENCH_PROFILE}`]
      : process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = (withIds = false): Promise<Extract<FromReceiver, { kind: 'report' }>> =>
    new Promise((resolve) => {
      const onMessage = (message: FromReceiver): void => {
        if (message.kind === 'report') {
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.send({ kind: 'report', withIds } satisfies ToReceiver);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    const onEarlyExit = (code: number | null): void => reject(new Error(`receiver exited with ${code}`));
    child.once('exit', onEarlyExit);
    child.on('message', (message: FromReceiver) => {
      if (message.kind !== 'ready') return;
      resolve({
        port: message.port,
        snapshot: async () => {
          const report = await ask();
          return { stats: report.stats, cpuMs: report.cpuMs };
        },
        finish: async () => {
          const after = await ask(true);
          child.off('exit', onEarlyExit);
          child.send({ kind: 'stop' } satisfies ToReceiver);
          await new Promise((done) => child.once('exit', done));
          return {
            stats: after.stats,
            storedIds: new Set(after.storedIds ?? []),
            cpuMs: after.cpuMs,
            commitMs: after.commitMs,
          };
        },
      });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * The whole product: an installation with one site and a registered intrusion panel per simulated
 * panel (with its AES key in the encrypted scenario), served by `vigil serve` with the DC-09
 * receiver on, on SQLite with synchronous=FULL. Every frame goes through the monitoring pipeline.
 */
async function startServer(scenario: Scenario, panelCount: number): Promise<ReceiverHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-dc09-server-bench-'));
  const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'warn', VIGIL_JOBS: 'off' };
  const config = loadConfig(env);
  const setup = await createServer(config, createLogger('silent'));
  const system = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null };
  const site = await createSite(setup.ctx, system, { name: 'Bench', code: 'DC09', timezone: 'UTC' });
  const admin = await createUser(setup.ctx, system, {
    email: 'dc09-bench@example.test',
    name: 'Bench',
    role: 'admin',
    sites: [],
  });
  const principal = principalFor({ ...admin, role: 'admin' }, 'password');
  for (let i = 0; i < panelCount; i += 1) {
    await createDevice(setup.ctx, system, principal, {
      name: `Panel ${account(i)}`,
      kind: 'intrusion_panel',
      siteId: site.id,
      dc09:
        scenario === 'encrypted'
          ? { account: account(i), key: KEY.key, keyEncoding: KEY.encoding }
          : { account: account(i) },
    });
  }
  await setup.close();

  const [port, httpPort] = [await freePort(), await freePort()];
  const nodeArgs = process.env.DC09_BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DC09_BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/cli/main.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      VIGIL_DC09_PORT: String(port),
      // All simulated panels share 127.0.0.1, as panels behind one carrier NAT would.
      VIGIL_DC09_MAX_CONNECTIONS_PER_ADDRESS: '5000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigil serve exited with ${child.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('vigil serve did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    snapshot: () => Promise.resolve({ stats: null, cpuMs: cpuMsOf(child.pid) }),
    finish: async () => {
      const cpuMs = cpuMsOf(child.pid);
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
      const db = openSqliteFile(config.sqlitePath);
      const rows = db
        .prepare("select source_event_id from monitoring_events where source = 'dc09'")
        .pluck()
        .all() as string[];
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
      return { stats: null, storedIds: new Set(rows), cpuMs, commitMs: null };
    },
  };
}

/**
 * `rate` undefined: closed loop — every panel sends its next event as soon as the previous one is
 * acknowledged (saturation; by Little's law mean latency = panels / rate). `rate` set: open loop —
 * the panels together offer that many events/s (Poisson arrivals per panel), and latency counts
 * from the moment an event was due, so a panel held up behind a slow ACK is charged for it.
 */
async function runScenario(
  target: Target,
  scenario: Scenario,
  panelCount: number,
  seconds: number,
  warmupSeconds: number,
  rate: number | undefined,
) {
  const handle =
    target === 'server' ? await startServer(scenario, panelCount) : await startReceiver(scenario);
  const { port } = handle;
  const panels = Array.from(
    { length: panelCount },
    (_, i) =>
      new PanelSimulator({
        port,
        account: account(i),
        receiver: '1',
        prefix: '1',
        key: scenario === 'encrypted' ? KEY : undefined,
        ackTimeoutMs: 5000,
        retries: 3,
      }),
  );
  for (let i = 0; i < panels.length; i += 100)
    await Promise.all(panels.slice(i, i + 100).map((p) => p.connect()));

  let cpuAtStart = process.cpuUsage();
  const latencies: number[] = [];
  // Every acknowledged frame, to check at the end that its events are in the database.
  const ackedFrames: Buffer[] = [];
  const outcomes: Record<string, number> = {};
  // Every frame carries one event (NULL frames one supervision event), so frames = events.
  let acked = 0;
  let ackedInRun = 0;
  let retransmissions = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  let before: { stats: Dc09ReceiverStats | null; cpuMs: number | null } | null = null;
  const snapshot = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    void handle.snapshot().then((r) => (before = r));
  }, warmupSeconds * 1000);

  const meanGapMs = rate === undefined ? 0 : (panelCount / rate) * 1000;
  const nextGap = (): number => -Math.log(1 - Math.random()) * meanGapMs;
  await Promise.all(
    panels.map(async (panel, i) => {
      let n = i;
      let due = startedAt + nextGap();
      while ((rate === undefined ? performance.now() : due) < stopAt) {
        const event = EVENTS[n % EVENTS.length] ?? { protocol: 'NULL' };
        n += 1;
        if (rate !== undefined) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const sentAt = rate === undefined ? performance.now() : due;
        const result = await panel.send(event);
        due += nextGap();
        if (result.outcome === 'ACK') ackedInRun += 1;
        if (result.outcome === 'ACK' && sentAt < measureFrom) ackedFrames.push(result.frame);
        if (sentAt < measureFrom) continue;
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        retransmissions += result.attempts - 1;
        if (result.outcome === 'ACK') {
          ackedFrames.push(result.frame);
          acked += 1;
          latencies.push(performance.now() - sentAt);
        }
      }
    }),
  );
  const elapsed = (performance.now() - measureFrom) / 1000;
  clearTimeout(snapshot);
  await Promise.all(panels.map((p) => p.close()));
  const after = await handle.finish();

  const cpu = process.cpuUsage(cpuAtStart);
  const cpuOfPanels = (cpu.user + cpu.system) / 1e6;
  const stored = after.storedIds;
  let ackedEvents = 0;
  let ackedMissing = 0;
  for (const frame of ackedFrames) {
    const parsed = parseFrame(frame, {
      keys: () => (scenario === 'encrypted' ? KEY : undefined),
      window: false,
    });
    if (!parsed.ok) throw new Error(`a frame the panels sent does not parse: ${parsed.message}`);
    for (const event of toPipelineEvents(parsed.frame, new Date()).events) {
      ackedEvents += 1;
      if (!stored.has(event.sourceEventId)) ackedMissing += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  // Set by the snapshot timer (TypeScript cannot see the assignment in the callback).
  const warm = before as { stats: Dc09ReceiverStats | null; cpuMs: number | null } | null;
  const start = warm?.stats ?? null;
  const commits = after.stats ? after.stats.commits - (start?.commits ?? 0) : null;
  const committedEvents = after.stats ? after.stats.committedEvents - (start?.committedEvents ?? 0) : null;
  const acks = after.stats?.acks ?? ackedInRun;
  // CPU from the end of the warm-up to the end, per event acknowledged in that time.
  const windowAcks = after.stats && start ? after.stats.acks - start.acks : acked;
  const receiverCpuMs = after.cpuMs === null || warm?.cpuMs == null ? null : after.cpuMs - warm.cpuMs;
  const eventsPerSecond = acked / elapsed;
  const p99 = percentile(latencies, 99);
  return {
    target: target === 'server' ? 'vigil serve (monitoring pipeline)' : 'receiver (stand-in commit)',
    scenario,
    load: rate === undefined ? 'closed loop (saturation)' : `open loop, ${rate} events/s offered`,
    panels: panelCount,
    measuredSeconds: round(elapsed, 2),
    acknowledgedFrames: acked,
    acknowledgedEventsPerSecond: Math.round(eventsPerSecond),
    ackLatencyMs: {
      p50: round(percentile(latencies, 50), 2),
      p95: round(percentile(latencies, 95), 2),
      p99: round(p99, 2),
      max: round(latencies.at(-1) ?? 0, 2),
    },
    outcomes,
    // Counted for events due in the measured window; the receiver's duplicates cover the run.
    retransmissions,
    // Receiver counters are read over IPC from the bare receiver; the server does not expose them.
    groupCommit:
      after.stats && commits !== null && committedEvents !== null
        ? {
            commits,
            meanBatch: round(committedEvents / Math.max(commits, 1), 1),
            largestBatch: after.stats.largestBatch,
            commitDurationMs: after.commitMs,
          }
        : null,
    durability: {
      storedRows: stored.size,
      acknowledgedByReceiver: acks,
      // ACKs to retransmissions of frames already stored (a panel that timed out and resent).
      acknowledgedDuplicates: after.stats?.duplicates ?? null,
      // Checked event by event: the sourceEventId of every event a panel got an ACK for.
      acknowledgedEventsChecked: ackedEvents,
      acknowledgedEventsMissing: ackedMissing,
      everyAckStored: ackedMissing === 0,
    },
    // CPU per acknowledged event after the warm-up: on a machine shared with other work the
    // wall-clock rate understates capacity; one receiver core can carry about
    // 1e6 / receiverMicrosPerEvent events/s, commit included.
    cpu: {
      receiverSeconds: receiverCpuMs === null ? null : round(receiverCpuMs / 1000, 2),
      panelsSeconds: round(cpuOfPanels, 2),
      receiverMicrosPerEvent:
        receiverCpuMs === null ? null : round((receiverCpuMs * 1000) / Math.max(windowAcks, 1), 1),
      panelsMicrosPerEvent: round((cpuOfPanels * 1e6) / Math.max(windowAcks, 1), 1),
    },
    loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
    targets: { eventsPerSecond: 10_000, p99LatencyMs: 100 },
    meetsTargets: eventsPerSecond >= 10_000 && p99 < 100,
  };
}

async function main(): Promise<void> {
  const panelCount = Number(process.env.DC09_BENCH_PANELS ?? 1000);
  const seconds = Number(process.env.DC09_BENCH_SECONDS ?? 10);
  const warmup = Number(process.env.DC09_BENCH_WARMUP_SECONDS ?? 2);
  const scenarios = (process.env.DC09_BENCH_SCENARIOS ?? 'plain,encrypted')
    .split(',')
    .filter((s): s is Scenario => s === 'plain' || s === 'encrypted');
  // "saturation" (closed loop) and/or an offered rate in events/s, e.g. "saturation,10000".
  const loads = (process.env.DC09_BENCH_LOADS ?? 'saturation,10000')
    .split(',')
    .map((load) => (load === 'saturation' ? undefined : Number(load)))
    .filter((load) => load === undefined || (Number.isFinite(load) && load > 0));
  const targets = (process.env.DC09_BENCH_TARGETS ?? 'receiver,server')
    .split(',')
    .filter((t): t is Target => t === 'receiver' || t === 'server');
  const results = [];
  for (const target of targets)
    for (const scenario of scenarios) {
      for (const rate of loads)
        results.push(await runScenario(target, scenario, panelCount, seconds, warmup, rate));
    }
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'dc09',
        machine: { cpus: os.cpus().length, node: process.version },
        transport: 'tcp',
        commit: 'SQLite, WAL, synchronous=FULL, one transaction per group-committed batch',
        results,
      },
      null,
      2,
    )}\n`,
  );
}

if (process.argv[2] === 'receiver') {
  void runReceiver(process.argv[3] === 'encrypted' ? 'encrypted' : 'plain');
} else {
  await main();
}
