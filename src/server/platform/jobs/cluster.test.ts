import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dialects, freshDatabaseEnv } from '../../test/harness.js';
import { loadConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { nowIso } from '../ids.js';
import { createLogger } from '../logger.js';
import { JobQueue } from './queue.js';
import { claimDueJobs, claimScheduleOccurrence } from './repository.js';

const silent = createLogger('silent');
const N = 200;

/*
 * Two nodes over one database. On PostgreSQL they are two independent connection pools, exactly
 * as two app nodes would be. On SQLite they share one handle: better-sqlite3 is synchronous, so a
 * second handle in the same process would block the event loop on the writer lock held by the
 * first; across processes BEGIN IMMEDIATE serialises them the same way it serialises these two.
 */
describe.each(dialects)('two worker nodes (%s)', (dialect) => {
  let handles: DatabaseHandle[];
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const fresh = await freshDatabaseEnv(dialect);
    const config = loadConfig(fresh.env);
    const first = openDatabase(config);
    await migrateToLatest(first);
    handles = dialect === 'postgres' ? [first, openDatabase(config)] : [first, first];
    cleanup = fresh.cleanup;
  });
  afterEach(async () => {
    for (const handle of new Set(handles)) await handle.close();
    await cleanup();
  });

  /** Builds both nodes with the same registered kind; `runs` records which node ran which job. */
  function twoNodes(options: { clock?: () => Date; pollIntervalMs?: number } = {}) {
    const runs: { node: string; job: string }[] = [];
    const nodes = handles.map((handle, index) => {
      const node = new JobQueue(handle, silent, { nodeId: `node-${index}`, concurrency: 4, ...options });
      node.register({
        kind: 'cluster.work',
        schema: z.object({ n: z.number() }),
        handler: async (_payload, run) => {
          runs.push({ node: node.nodeId, job: run.id });
          // Hold the job a moment so the other node is claiming at the same time.
          await sleep(1);
        },
      });
      return node;
    });
    return { nodes, runs };
  }

  async function enqueueMany(node: JobQueue, handle: DatabaseHandle, count: number): Promise<string[]> {
    return handle.transaction(async (tx) => {
      const ids: string[] = [];
      for (let n = 0; n < count; n += 1) {
        ids.push((await node.enqueue(tx, { kind: 'cluster.work', payload: { n } })).id);
      }
      return ids;
    });
  }

  function expectEachRanOnce(runs: { node: string; job: string }[], ids: string[]) {
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.job, (counts.get(run.job) ?? 0) + 1);
    expect(counts.size).toBe(ids.length);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(ids));
  }

  it('racing passes run every job exactly once, shared between the nodes', async () => {
    const { nodes, runs } = twoNodes();
    const [a, b] = nodes as [JobQueue, JobQueue];
    const ids = await enqueueMany(a, handles[0]!, N);
    const [ranA, ranB] = await Promise.all([a.runDueJobs(), b.runDueJobs()]);
    expect(ranA + ranB).toBe(N);
    expectEachRanOnce(runs, ids);
    expect(ranA).toBeGreaterThan(0);
    expect(ranB).toBeGreaterThan(0);
    const states = await handles[0]!.db.selectFrom('jobs').select('state').distinct().execute();
    expect(states).toEqual([{ state: 'succeeded' }]);
  });

  it('two running worker loops run every job exactly once', async () => {
    const { nodes, runs } = twoNodes({ pollIntervalMs: 10 });
    const [a, b] = nodes as [JobQueue, JobQueue];
    a.start();
    b.start();
    try {
      const ids = await enqueueMany(b, handles[1]!, N);
      await expect
        .poll(
          async () =>
            (await handles[0]!.db.selectFrom('jobs').select('id').where('state', '=', 'succeeded').execute())
              .length,
          { timeout: 20_000, interval: 50 },
        )
        .toBe(N);
      expectEachRanOnce(runs, ids);
      expect(new Set(runs.map((run) => run.node)).size).toBe(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('each schedule occurrence is enqueued by exactly one node', async () => {
    let now = Date.parse('2030-06-01T00:00:00.000Z');
    const { nodes } = twoNodes({ clock: () => new Date(now) });
    for (const node of nodes) {
      node.schedule({
        name: 'cluster.minutely',
        intervalSeconds: 60,
        kind: 'cluster.work',
        payload: { n: -1 },
      });
    }
    const [a, b] = nodes as [JobQueue, JobQueue];
    // Both store the schedule; the first occurrence is one interval away.
    expect(await Promise.all([a.runDueSchedules(), b.runDueSchedules()])).toEqual([0, 0]);
    const rounds = 30;
    const winners = { a: 0, b: 0 };
    for (let round = 0; round < rounds; round += 1) {
      now += 60_000;
      const [byA, byB] = await Promise.all([a.runDueSchedules(), b.runDueSchedules()]);
      expect(byA + byB).toBe(1);
      winners.a += byA;
      winners.b += byB;
    }
    const jobs = await handles[0]!.db
      .selectFrom('jobs')
      .select(['dedupe_key', 'kind'])
      .where('kind', '=', 'cluster.work')
      .execute();
    expect(jobs).toHaveLength(rounds);
    expect(new Set(jobs.map((job) => job.dedupe_key)).size).toBe(rounds);
    expect(winners.a + winners.b).toBe(rounds);
  });
});

/* PostgreSQL's row locks, shown directly: what makes the races above come out right. */
describe('row locks between two nodes (postgres)', () => {
  let handles: DatabaseHandle[];
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const fresh = await freshDatabaseEnv('postgres');
    const config = loadConfig(fresh.env);
    handles = [openDatabase(config), openDatabase(config)];
    await migrateToLatest(handles[0]!);
    cleanup = fresh.cleanup;
  });
  afterEach(async () => {
    for (const handle of handles) await handle.close();
    await cleanup();
  });

  const twoNodes = () => ({
    nodes: handles.map((handle, index) => {
      const node = new JobQueue(handle, silent, { nodeId: `node-${index}` });
      node.register({
        kind: 'cluster.work',
        schema: z.object({ n: z.number() }),
        handler: () => Promise.resolve(),
      });
      return node;
    }),
  });
  const enqueueMany = (node: JobQueue, handle: DatabaseHandle, count: number) =>
    handle.transaction(async (tx) => {
      const ids: string[] = [];
      for (let n = 0; n < count; n += 1) {
        ids.push((await node.enqueue(tx, { kind: 'cluster.work', payload: { n } })).id);
      }
      return ids;
    });

  it('a claim skips rows another node holds locked instead of waiting for them', async () => {
    const { nodes } = twoNodes();
    const [a] = nodes as [JobQueue, JobQueue];
    const ids = await enqueueMany(a, handles[0]!, 3);
    const now = nowIso(new Date());
    const until = nowIso(new Date(Date.now() + 60_000));
    await handles[0]!.transaction(async (tx) => {
      // Node A is mid-claim: it holds the oldest job's row lock.
      await tx.selectFrom('jobs').select('id').where('id', '=', ids[0]!).forUpdate().execute();
      const claimed = await claimDueJobs(handles[1]!, {
        nodeId: 'node-1',
        kinds: ['cluster.work'],
        now,
        lockedUntil: until,
        limit: 10,
      });
      expect(claimed.map((row) => row.id).sort()).toEqual([ids[1], ids[2]].sort());
    });
  });

  it('of two nodes that read the same occurrence, only the first conditional update wins', async () => {
    const { nodes } = twoNodes();
    nodes[0]!.schedule({
      name: 'cluster.race',
      intervalSeconds: 60,
      kind: 'cluster.work',
      payload: { n: 0 },
    });
    await nodes[0]!.runDueSchedules();
    const row = await handles[0]!.db
      .selectFrom('schedules')
      .selectAll()
      .where('name', '=', 'cluster.race')
      .executeTakeFirstOrThrow();
    const claim = (tx: Parameters<typeof claimScheduleOccurrence>[0]) =>
      claimScheduleOccurrence(tx, {
        name: row.name,
        expectedNextRunAt: row.next_run_at,
        nextRunAt: nowIso(new Date(Date.parse(row.next_run_at) + 60_000)),
        now: row.next_run_at,
      });
    let second: Promise<boolean> | undefined;
    const first = await handles[0]!.transaction(async (tx) => {
      const won = await claim(tx);
      // Node B tries while A's transaction is open: it waits on the row lock, then re-reads it.
      second = handles[1]!.transaction((txB) => claim(txB));
      await sleep(100);
      return won;
    });
    expect(first).toBe(true);
    expect(await second).toBe(false);
  });
});
