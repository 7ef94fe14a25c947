import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dialects, freshDatabaseEnv } from '../../test/harness.js';
import { loadConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { nowIso } from '../ids.js';
import { createLogger } from '../logger.js';
import { MAINTENANCE_JOB, registerMaintenance } from './maintenance.js';
import { JobQueue, PermanentJobError, nextOccurrence, type JobQueueOptions } from './queue.js';
import { claimDueJobs, markSucceeded } from './repository.js';

const silent = createLogger('silent');

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

describe.each(dialects)('job queue (%s)', (dialect) => {
  let database: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let clock: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    const fresh = await freshDatabaseEnv(dialect);
    database = openDatabase(loadConfig(fresh.env));
    await migrateToLatest(database);
    cleanup = fresh.cleanup;
    clock = manualClock();
  });
  afterEach(async () => {
    await database.close();
    await cleanup();
  });

  const queue = (options: JobQueueOptions = {}) =>
    new JobQueue(database, silent, {
      backoff: { baseSeconds: 10, maxSeconds: 3600 },
      clock: clock.now,
      ...options,
    });
  const jobRow = (id: string) =>
    database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('enqueues inside the caller transaction: a rollback leaves no job, a commit runs it once', async () => {
    const jobs = queue();
    const seen: string[] = [];
    jobs.register({
      kind: 'test.echo',
      schema: z.object({ word: z.string() }),
      handler: ({ word }) => {
        seen.push(word);
        return Promise.resolve();
      },
    });
    await expect(
      database.transaction(async (tx) => {
        await jobs.enqueue(tx, { kind: 'test.echo', payload: { word: 'lost' } });
        throw new Error('business write failed');
      }),
    ).rejects.toThrow('business write failed');
    expect(await database.db.selectFrom('jobs').selectAll().execute()).toEqual([]);

    const { id } = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.echo', payload: { word: 'kept' } }),
    );
    expect(await jobs.runDueJobs()).toBe(1);
    expect(await jobs.runDueJobs()).toBe(0);
    expect(seen).toEqual(['kept']);
    const row = await jobRow(id);
    expect(row).toMatchObject({ state: 'succeeded', attempts: 1, locked_by: null, payload_version: 1 });
    expect(row.finished_at).not.toBeNull();
  });

  it('checks the payload at enqueue and refuses unknown kinds', async () => {
    const jobs = queue();
    jobs.register({ kind: 'test.typed', schema: z.object({ n: z.number() }), handler: async () => {} });
    await expect(
      database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.typed', payload: { n: 'one' } })),
    ).rejects.toThrow(/payload of test.typed is not valid \(n\)/);
    await expect(
      database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.nobody', payload: {} })),
    ).rejects.toThrow(/no handler/);
  });

  it('keeps one job per dedupe key', async () => {
    const jobs = queue();
    jobs.register({ kind: 'test.once', schema: z.object({}), handler: async () => {} });
    const first = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.once', payload: {}, dedupeKey: 'k1' }),
    );
    const second = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.once', payload: {}, dedupeKey: 'k1' }),
    );
    const other = await database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.once', payload: {} }));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(other.created).toBe(true);
    expect(await database.db.selectFrom('jobs').select('id').execute()).toHaveLength(2);
  });

  it('retries a failing job with exponential backoff, then marks it dead', async () => {
    const jobs = queue();
    let calls = 0;
    jobs.register({
      kind: 'test.flaky',
      schema: z.object({}),
      maxAttempts: 3,
      handler: () => {
        calls += 1;
        return Promise.reject(new Error('upstream refused smtp://mailer:hunter2@mail.example.test'));
      },
    });
    const { id } = await database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.flaky', payload: {} }));
    const start = clock.now().getTime();

    await jobs.runDueJobs();
    let row = await jobRow(id);
    expect(row).toMatchObject({ state: 'failed', attempts: 1, locked_by: null, finished_at: null });
    expect(Date.parse(row.run_at) - start).toBe(10_000);
    expect(row.last_error).toContain('upstream refused');
    expect(row.last_error).not.toContain('hunter2');

    // Not due before its backoff has passed.
    clock.advance(9);
    expect(await jobs.runDueJobs()).toBe(0);
    clock.advance(1);
    expect(await jobs.runDueJobs()).toBe(1);
    row = await jobRow(id);
    expect(row).toMatchObject({ state: 'failed', attempts: 2 });
    expect(Date.parse(row.run_at) - clock.now().getTime()).toBe(20_000);

    clock.advance(20);
    expect(await jobs.runDueJobs()).toBe(1);
    row = await jobRow(id);
    expect(row).toMatchObject({ state: 'dead', attempts: 3 });
    expect(row.finished_at).not.toBeNull();
    clock.advance(3600);
    expect(await jobs.runDueJobs()).toBe(0);
    expect(calls).toBe(3);
  });

  it('succeeds on a later attempt, and a permanent error goes straight to dead', async () => {
    const jobs = queue();
    let calls = 0;
    jobs.register({
      kind: 'test.second-time',
      schema: z.object({}),
      handler: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('transient')) : Promise.resolve();
      },
    });
    jobs.register({
      kind: 'test.hopeless',
      schema: z.object({}),
      handler: () => Promise.reject(new PermanentJobError('the record is gone')),
    });
    const ok = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.second-time', payload: {} }),
    );
    const bad = await database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.hopeless', payload: {} }));
    await jobs.runDueJobs();
    clock.advance(10);
    await jobs.runDueJobs();
    expect(await jobRow(ok.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await jobRow(bad.id)).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await jobRow(bad.id)).last_error).toContain('the record is gone');
  });

  it('upgrades old payload versions, waits on newer ones, and buries unreadable ones', async () => {
    const jobs = queue();
    const greeted: string[] = [];
    jobs.register({
      kind: 'test.greet',
      version: 2,
      schema: z.object({ fullName: z.string() }),
      upgrade: (payload, from) => {
        const v1 = z.object({ first: z.string(), last: z.string() }).parse(payload);
        expect(from).toBe(1);
        return { fullName: `${v1.first} ${v1.last}` };
      },
      handler: ({ fullName }) => {
        greeted.push(fullName);
        return Promise.resolve();
      },
    });
    const insert = async (id: string, payload: string, version: number) => {
      const now = nowIso(clock.now());
      await database.db
        .insertInto('jobs')
        .values({
          id,
          kind: 'test.greet',
          payload,
          payload_version: version,
          state: 'queued',
          run_at: now,
          attempts: 0,
          max_attempts: 5,
          last_error: null,
          locked_by: null,
          locked_until: null,
          dedupe_key: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .execute();
    };
    await insert('01930000-0000-7000-8000-000000000001', '{"first":"Ada","last":"Lovelace"}', 1);
    await insert('01930000-0000-7000-8000-000000000002', '{"fullName":"Grace Hopper"}', 3);
    await insert('01930000-0000-7000-8000-000000000003', '{"fullName":42}', 2);
    await insert('01930000-0000-7000-8000-000000000004', 'not json', 2);
    const enqueued = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.greet', payload: { fullName: 'Alan Turing' } }),
    );
    expect((await jobRow(enqueued.id)).payload_version).toBe(2);

    await jobs.runDueJobs();
    expect(greeted.sort()).toEqual(['Ada Lovelace', 'Alan Turing']);
    const newer = await jobRow('01930000-0000-7000-8000-000000000002');
    expect(newer.state).toBe('failed');
    expect(newer.last_error).toContain('payload version 3 is newer');
    const invalid = await jobRow('01930000-0000-7000-8000-000000000003');
    expect(invalid.state).toBe('dead');
    expect(invalid.last_error).toContain('(fullName)');
    expect(invalid.last_error).not.toContain('42');
    expect((await jobRow('01930000-0000-7000-8000-000000000004')).state).toBe('dead');
  });

  it('recovers a job whose node crashed once its lock expires', async () => {
    const survivor = queue({ nodeId: 'survivor', leaseSeconds: 60 });
    const ran: string[] = [];
    survivor.register({
      kind: 'test.crashy',
      schema: z.object({ n: z.number() }),
      maxAttempts: 2,
      handler: ({ n }) => {
        ran.push(String(n));
        return Promise.resolve();
      },
    });
    const first = await database.transaction((tx) =>
      survivor.enqueue(tx, { kind: 'test.crashy', payload: { n: 1 } }),
    );
    // A node claims the job and dies before finishing it (no completion, no heartbeat).
    const claimed = await claimDueJobs(database, {
      nodeId: 'crashed',
      kinds: ['test.crashy'],
      now: nowIso(clock.now()),
      lockedUntil: nowIso(new Date(clock.now().getTime() + 60_000)),
      limit: 10,
    });
    expect(claimed.map((row) => row.id)).toEqual([first.id]);
    expect(await survivor.runDueJobs()).toBe(0);
    expect(await jobRow(first.id)).toMatchObject({ state: 'running', locked_by: 'crashed' });

    clock.advance(61);
    expect(await survivor.runDueJobs()).toBe(1);
    const recovered = await jobRow(first.id);
    expect(recovered).toMatchObject({ state: 'succeeded', attempts: 2, locked_by: null });
    expect(recovered.last_error).toContain('lock expired');
    expect(ran).toEqual(['1']);
    // The crashed node, back from the dead, can no longer finish a job it lost.
    expect(await markSucceeded(database.db, first.id, 'crashed', nowIso(clock.now()))).toBe(false);

    // A job that crashes its node on its last attempt is dead, not retried forever.
    const last = await database.transaction((tx) =>
      survivor.enqueue(tx, { kind: 'test.crashy', payload: { n: 2 }, maxAttempts: 1 }),
    );
    await claimDueJobs(database, {
      nodeId: 'crashed',
      kinds: ['test.crashy'],
      now: nowIso(clock.now()),
      lockedUntil: nowIso(new Date(clock.now().getTime() + 60_000)),
      limit: 10,
    });
    clock.advance(61);
    expect(await survivor.runDueJobs()).toBe(0);
    expect(await jobRow(last.id)).toMatchObject({ state: 'dead', attempts: 1 });
  });

  it('fails a run that exceeds its timeout and aborts its signal', async () => {
    const jobs = queue();
    let aborted = false;
    jobs.register({
      kind: 'test.slow',
      schema: z.object({}),
      timeoutSeconds: 0.2,
      handler: (_payload, run) =>
        new Promise<void>((resolve) => {
          run.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    const { id } = await database.transaction((tx) => jobs.enqueue(tx, { kind: 'test.slow', payload: {} }));
    await jobs.runDueJobs();
    expect(aborted).toBe(true);
    const row = await jobRow(id);
    expect(row.state).toBe('failed');
    expect(row.last_error).toContain('timed out');
  });

  it('runs on its own when started and drains running jobs on stop', async () => {
    const jobs = new JobQueue(database, silent, { pollIntervalMs: 20 });
    const finished: number[] = [];
    let started!: () => void;
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    jobs.register({
      kind: 'test.tick',
      schema: z.object({ n: z.number(), slow: z.boolean() }),
      handler: async ({ n, slow }) => {
        if (slow) {
          started();
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        finished.push(n);
      },
    });
    jobs.start();
    await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.tick', payload: { n: 1, slow: false } }),
    );
    await expect.poll(() => finished, { timeout: 5000, interval: 20 }).toEqual([1]);
    const slow = await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.tick', payload: { n: 2, slow: true } }),
    );
    await slowStarted;
    await jobs.stop();
    // stop() returned only after the running job finished and was recorded.
    expect(finished).toEqual([1, 2]);
    expect((await jobRow(slow.id)).state).toBe('succeeded');
    // Stopped: nothing new runs.
    await database.transaction((tx) =>
      jobs.enqueue(tx, { kind: 'test.tick', payload: { n: 3, slow: false } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(finished).toEqual([1, 2]);
  });

  it('enqueues each schedule occurrence once and coalesces missed ones', async () => {
    const jobs = queue();
    jobs.register({ kind: 'test.report', schema: z.object({ scope: z.string() }), handler: async () => {} });
    jobs.schedule({
      name: 'test.hourly',
      intervalSeconds: 3600,
      kind: 'test.report',
      payload: { scope: 'all' },
    });
    const start = clock.now().getTime();
    // The first occurrence is one interval after the schedule first appears.
    expect(await jobs.runDueSchedules()).toBe(0);
    const schedule = () =>
      database.db
        .selectFrom('schedules')
        .selectAll()
        .where('name', '=', 'test.hourly')
        .executeTakeFirstOrThrow();
    expect((await schedule()).next_run_at).toBe(nowIso(new Date(start + 3_600_000)));

    clock.advance(3600);
    expect(await jobs.runDueSchedules()).toBe(1);
    expect(await jobs.runDueSchedules()).toBe(0);
    expect((await schedule()).next_run_at).toBe(nowIso(new Date(start + 7_200_000)));

    // Down for five hours: one catch-up run, and the next occurrence is in the future.
    clock.advance(5 * 3600 + 60);
    expect(await jobs.runDueSchedules()).toBe(1);
    expect((await schedule()).next_run_at).toBe(nowIso(new Date(start + 7 * 3_600_000)));

    await database.db.updateTable('schedules').set({ enabled: 0 }).execute();
    clock.advance(7200);
    expect(await jobs.runDueSchedules()).toBe(0);

    const made = await database.db.selectFrom('jobs').selectAll().where('kind', '=', 'test.report').execute();
    expect(made).toHaveLength(2);
    expect(new Set(made.map((row) => row.dedupe_key)).size).toBe(2);
    expect(JSON.parse(made[0]!.payload)).toEqual({ scope: 'all' });
  });

  it('computes the next occurrence strictly after now', () => {
    const now = new Date('2030-01-01T10:30:00.000Z');
    expect(nextOccurrence('2030-01-01T10:00:00.000Z', 3600, now)).toBe('2030-01-01T11:00:00.000Z');
    expect(nextOccurrence('2030-01-01T10:30:00.000Z', 3600, now)).toBe('2030-01-01T11:30:00.000Z');
    expect(nextOccurrence('2030-01-01T11:00:00.000Z', 3600, now)).toBe('2030-01-01T12:00:00.000Z');
  });

  it('the built-in maintenance prunes old login failures, expired sessions and old jobs', async () => {
    const jobs = new JobQueue(database, silent);
    registerMaintenance(jobs, database.db, { idleMinutes: 30, absoluteHours: 12 });
    const ago = (ms: number) => nowIso(new Date(Date.now() - ms));
    await database.db
      .insertInto('auth_failures')
      .values([
        { key: 'acct:old@example.test', at: ago(60 * 60_000) },
        { key: 'acct:new@example.test', at: ago(60_000) },
      ])
      .execute();
    const user = {
      id: '01930000-0000-7000-8000-0000000000aa',
      email: 'u@example.test',
      name: 'U',
      role: 'admin',
      status: 'active',
      password_hash: null,
      password_changed_at: null,
      oidc_subject: null,
      last_login_at: null,
      created_at: ago(0),
      updated_at: ago(0),
      version: 1,
    };
    await database.db.insertInto('users').values(user).execute();
    const session = (id: string, lastSeen: string, expires: string) => ({
      id_hash: id,
      user_id: user.id,
      created_at: ago(3_600_000),
      last_seen_at: lastSeen,
      absolute_expires_at: expires,
      ip: null,
      user_agent: null,
      auth_method: 'password',
    });
    const future = nowIso(new Date(Date.now() + 3_600_000));
    await database.db
      .insertInto('sessions')
      .values([
        session('idle', ago(31 * 60_000), future),
        session('expired', ago(60_000), ago(1000)),
        session('live', ago(60_000), future),
      ])
      .execute();
    await sql`insert into jobs (id, kind, payload, payload_version, state, run_at, attempts, max_attempts, created_at, updated_at, finished_at)
      values ('01930000-0000-7000-8000-0000000000bb', ${MAINTENANCE_JOB}, '{}', 1, 'succeeded', ${ago(0)}, 1, 3, ${ago(0)}, ${ago(0)}, ${ago(15 * 86_400_000)})`.execute(
      database.db,
    );

    await database.transaction((tx) => jobs.enqueue(tx, { kind: MAINTENANCE_JOB, payload: {} }));
    expect(await jobs.runDueJobs()).toBe(1);
    const failures = await database.db.selectFrom('auth_failures').select('key').execute();
    expect(failures.map((row) => row.key)).toEqual(['acct:new@example.test']);
    const sessions = await database.db.selectFrom('sessions').select('id_hash').execute();
    expect(sessions.map((row) => row.id_hash)).toEqual(['live']);
    const left = await database.db.selectFrom('jobs').select(['id', 'state']).execute();
    expect(left).toHaveLength(1);
    expect(left[0]?.state).toBe('succeeded');
    // And it is on the schedule, hourly.
    await jobs.runDueSchedules();
    const row = await database.db.selectFrom('schedules').selectAll().executeTakeFirst();
    expect(row).toMatchObject({ name: MAINTENANCE_JOB, interval_seconds: 3600, enabled: 1 });
  });
});
