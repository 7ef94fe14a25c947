// npm run bench:dc09 — DC-09 ingestion speed, printed as JSON.
//
// 1,000 simulated panels (stop-and-wait, like real ones) over TCP on 127.0.0.1 against the
// receiver running in its own process, whose commit is a real durable write: a better-sqlite3
// file in WAL mode with synchronous=FULL, one transaction per group-committed batch. Target
// (issue 5): ≥ 10,000 acknowledged events/s with p99 acknowledgement latency < 100 ms.
//
// Options (environment): DC09_BENCH_PANELS (1000), DC09_BENCH_SECONDS (10),
// DC09_BENCH_WARMUP_SECONDS (2), DC09_BENCH_SCENARIOS ("plain,encrypted"),
// DC09_BENCH_LOADS ("saturation,10000": closed loop, then 10,000 events/s offered),
// DC09_BENCH_GROUP_COMMIT_MS (2), DC09_BENCH_PROFILE (a directory for a receiver CPU profile).
// The panels run in this process and the receiver in a child, so both share the machine's two
// cores (and whatever else runs on it: loadAverage1m is printed for that reason).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../src/server/platform/logger.js';
import type { Dc09Key } from '../src/server/modules/monitoring/dc09/cipher.js';
import { startDc09Receiver, type Dc09ReceiverStats } from '../src/server/modules/monitoring/dc09/receiver.js';
import { PanelSimulator, type SimulatedEvent } from '../src/server/modules/monitoring/dc09/simulator.js';
import { openSqliteEventStore } from '../src/server/modules/monitoring/dc09/testing/sqlite-store.js';
import { parseFrame } from '../src/server/modules/monitoring/dc09/frame.js';
import { toPipelineEvents } from '../src/server/modules/monitoring/dc09/pipeline-adapter.js';

const KEY: Dc09Key = { key: '2B7E151628AED2A6ABF7158809CF4F3C', encoding: 'hex' };

type Scenario = 'plain' | 'encrypted';
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

function startReceiver(scenario: Scenario): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['receiver', scenario], {
    // DC09_BENCH_PROFILE=dir writes a CPU profile of the receiver process there.
    execArgv: process.env.DC09_BENCH_PROFILE
      ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${process.env.DC09_BENCH_PROFILE}`]
      : process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    child.on('message', (message: FromReceiver) => {
      if (message.kind === 'ready') resolve({ child, port: message.port });
    });
  });
}

function ask(child: ChildProcess, withIds = false): Promise<Extract<FromReceiver, { kind: 'report' }>> {
  return new Promise((resolve) => {
    const onMessage = (message: FromReceiver): void => {
      if (message.kind === 'report') {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.send({ kind: 'report', withIds } satisfies ToReceiver);
  });
}

/**
 * `rate` undefined: closed loop — every panel sends its next event as soon as the previous one is
 * acknowledged (saturation; by Little's law mean latency = panels / rate). `rate` set: open loop —
 * the panels together offer that many events/s (Poisson arrivals per panel), and latency counts
 * from the moment an event was due, so a panel held up behind a slow ACK is charged for it.
 */
async function runScenario(
  scenario: Scenario,
  panelCount: number,
  seconds: number,
  warmupSeconds: number,
  rate: number | undefined,
) {
  const { child, port } = await startReceiver(scenario);
  const panels = Array.from(
    { length: panelCount },
    (_, i) =>
      new PanelSimulator({
        port,
        account: (0x10000 + i).toString(16).toUpperCase(),
        receiver: '1',
        prefix: '1',
        key: scenario === 'encrypted' ? KEY : undefined,
        ackTimeoutMs: 5000,
        retries: 3,
      }),
  );
  for (let i = 0; i < panels.length; i += 100)
    await Promise.all(panels.slice(i, i + 100).map((p) => p.connect()));

  const cpuAtStart = process.cpuUsage();
  const latencies: number[] = [];
  // Every acknowledged frame, to check at the end that its events are in the database.
  const ackedFrames: Buffer[] = [];
  const outcomes: Record<string, number> = {};
  // Every frame carries one event (NULL frames one supervision event), so frames = events.
  let acked = 0;
  let retransmissions = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  let before: Extract<FromReceiver, { kind: 'report' }> | undefined;
  const snapshot = setTimeout(() => void ask(child).then((r) => (before = r)), warmupSeconds * 1000);

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
  const after = await ask(child, true);
  await Promise.all(panels.map((p) => p.close()));
  child.send({ kind: 'stop' } satisfies ToReceiver);
  await new Promise((resolve) => child.once('exit', resolve));

  const cpu = process.cpuUsage(cpuAtStart);
  const cpuOfPanels = (cpu.user + cpu.system) / 1e6;
  const stored = new Set(after.storedIds ?? []);
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
  const commits = after.stats.commits - (before?.stats.commits ?? 0);
  const committedEvents = after.stats.committedEvents - (before?.stats.committedEvents ?? 0);
  const eventsPerSecond = acked / elapsed;
  const p99 = percentile(latencies, 99);
  return {
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
    groupCommit: {
      commits,
      meanBatch: round(committedEvents / Math.max(commits, 1), 1),
      largestBatch: after.stats.largestBatch,
      commitDurationMs: after.commitMs,
    },
    durability: {
      storedRows: after.storedRows,
      acknowledgedByReceiver: after.stats.acks,
      // ACKs to retransmissions of frames already stored (a panel that timed out and resent).
      acknowledgedDuplicates: after.stats.duplicates,
      // Checked event by event: the sourceEventId of every event a panel got an ACK for.
      acknowledgedEventsChecked: ackedEvents,
      acknowledgedEventsMissing: ackedMissing,
      everyAckStored: ackedMissing === 0,
    },
    // CPU per acknowledged event over the whole run (warm-up included): on a machine shared with
    // other work the wall-clock rate understates capacity; one receiver core can carry about
    // 1e6 / receiverCpuMicrosPerEvent events/s, commit included.
    cpu: {
      receiverSeconds: round(after.cpuMs / 1000, 2),
      panelsSeconds: round(cpuOfPanels, 2),
      receiverMicrosPerEvent: round((after.cpuMs * 1000) / Math.max(after.stats.acks, 1), 1),
      panelsMicrosPerEvent: round((cpuOfPanels * 1e6) / Math.max(after.stats.acks, 1), 1),
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
  const results = [];
  for (const scenario of scenarios) {
    for (const rate of loads) results.push(await runScenario(scenario, panelCount, seconds, warmup, rate));
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'dc09',
        machine: { cpus: os.cpus().length, node: process.version },
        transport: 'tcp',
        commit: 'better-sqlite3, WAL, synchronous=FULL, one transaction per batch',
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
