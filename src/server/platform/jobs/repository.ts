import type { Job, JobListQuery, JobState } from '../../../contracts/jobs.js';
import { jobStateSchema } from '../../../contracts/jobs.js';
import type { DatabaseHandle, Db, Tx } from '../db/database.js';
import { decodeCursor, pageOf } from '../http/cursor.js';
import type { JobsTable, SchedulesTable } from './tables.js';

/** States from which a job may be claimed once its run time has come. */
const CLAIMABLE: JobState[] = ['queued', 'failed'];

export function toJob(row: JobsTable): Job {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return {
    id: row.id,
    kind: row.kind,
    payload,
    payloadVersion: row.payload_version,
    state: jobStateSchema.catch('dead').parse(row.state),
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Inserts a job inside the caller's transaction. With a dedupe key that is already taken nothing
 * is inserted and the existing job's id is answered instead.
 */
export async function insertJob(tx: Tx, row: JobsTable): Promise<{ id: string; created: boolean }> {
  if (row.dedupe_key === null) {
    await tx.insertInto('jobs').values(row).execute();
    return { id: row.id, created: true };
  }
  const inserted = await tx
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await tx
    .selectFrom('jobs')
    .select('id')
    .where('dedupe_key', '=', row.dedupe_key)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Claims up to `limit` due jobs of the given kinds for one node, in one transaction. On
 * PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent nodes claim
 * disjoint sets without waiting for each other; on SQLite the transaction is BEGIN IMMEDIATE, so
 * claims are serialised by the single writer lock. Each claim counts as an attempt, so a job that
 * crashes its node still runs out of attempts.
 */
export async function claimDueJobs(
  database: DatabaseHandle,
  input: { nodeId: string; kinds: string[]; now: string; lockedUntil: string; limit: number },
): Promise<JobsTable[]> {
  if (input.kinds.length === 0 || input.limit <= 0) return [];
  return database.transaction(async (tx) => {
    const due = tx
      .selectFrom('jobs')
      .select('id')
      .where('state', 'in', CLAIMABLE)
      .where('run_at', '<=', input.now)
      .where('kind', 'in', input.kinds)
      .orderBy('run_at')
      .orderBy('id')
      .limit(input.limit);
    const candidates = database.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    return (
      tx
        .updateTable('jobs')
        .set((eb) => ({
          state: 'running',
          attempts: eb('attempts', '+', 1),
          locked_by: input.nodeId,
          locked_until: input.lockedUntil,
          updated_at: input.now,
        }))
        .where('id', 'in', candidates)
        // Re-checked on the row itself: a row another claim took between the scan and the lock never counts twice.
        .where('state', 'in', CLAIMABLE)
        .returningAll()
        .execute()
    );
  });
}

/** Extends the lock of jobs this node still holds (the heartbeat of a long-running job). */
export async function extendLocks(db: Db, nodeId: string, ids: string[], lockedUntil: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ locked_until: lockedUntil })
    .where('id', 'in', ids)
    .where('locked_by', '=', nodeId)
    .where('state', '=', 'running')
    .execute();
}

/**
 * Hands back jobs whose lock expired (their node crashed or hung): they become `failed` and due
 * at once, or `dead` when that was their last attempt.
 */
export async function recoverExpiredLocks(db: Db, now: string): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then('dead').else('failed').end(),
      finished_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(now).else(null).end(),
      last_error: 'the node running this job stopped before it finished (lock expired)',
      locked_by: null,
      locked_until: null,
      run_at: now,
      updated_at: now,
    }))
    .where('state', '=', 'running')
    .where('locked_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks a job this node holds as succeeded; false when the lock was lost to another node. */
export async function markSucceeded(db: Db, id: string, nodeId: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'succeeded', locked_by: null, locked_until: null, updated_at: now, finished_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', nodeId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a failed attempt of a job this node holds: due again at `runAt`, or dead. */
export async function markFailed(
  db: Db,
  id: string,
  nodeId: string,
  input: { dead: boolean; runAt: string; error: string; now: string },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      state: input.dead ? 'dead' : 'failed',
      run_at: input.dead ? input.now : input.runAt,
      last_error: input.error,
      locked_by: null,
      locked_until: null,
      updated_at: input.now,
      finished_at: input.dead ? input.now : null,
    })
    .where('id', '=', id)
    .where('locked_by', '=', nodeId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Jobs, newest first, filtered by state and kind. */
export async function listJobs(db: Db, query: JobListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .$if(query.state !== undefined, (qb) => qb.where('state', '=', query.state ?? ''))
    .$if(query.kind !== undefined, (qb) => qb.where('kind', '=', query.kind ?? ''))
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toJob);
}

export async function findJob(db: Tx, id: string): Promise<JobsTable | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Puts a failed or dead job back in the queue, due now, with its attempts reset. */
export async function requeueJob(tx: Tx, id: string, now: string): Promise<boolean> {
  const result = await tx
    .updateTable('jobs')
    .set({ state: 'queued', run_at: now, attempts: 0, updated_at: now, finished_at: null })
    .where('id', '=', id)
    .where('state', 'in', ['failed', 'dead'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes finished jobs (succeeded before `succeededBefore`, dead before `deadBefore`). */
export async function pruneFinishedJobs(
  db: Db,
  input: { succeededBefore: string; deadBefore: string },
): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'succeeded'), eb('finished_at', '<', input.succeededBefore)]),
        eb.and([eb('state', '=', 'dead'), eb('finished_at', '<', input.deadBefore)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Creates a schedule's row on first start; a changed interval in code replaces the stored one. */
export async function upsertSchedule(
  db: Db,
  input: { name: string; intervalSeconds: number; firstRunAt: string },
): Promise<void> {
  await db
    .insertInto('schedules')
    .values({
      name: input.name,
      interval_seconds: input.intervalSeconds,
      next_run_at: input.firstRunAt,
      last_run_at: null,
      enabled: 1,
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({ interval_seconds: eb.ref('excluded.interval_seconds') })),
    )
    .execute();
}

/** Enabled schedules among `names` whose next occurrence has come. */
export async function dueSchedules(db: Db, names: string[], now: string): Promise<SchedulesTable[]> {
  if (names.length === 0) return [];
  return db
    .selectFrom('schedules')
    .selectAll()
    .where('name', 'in', names)
    .where('enabled', '=', 1)
    .where('next_run_at', '<=', now)
    .orderBy('name')
    .execute();
}

/**
 * Claims one occurrence of a schedule: moves next_run_at forward only if it still holds the value
 * this node read. When two nodes race, the second UPDATE re-reads the row after the first commits,
 * no longer matches and changes nothing, so exactly one node enqueues the occurrence.
 */
export async function claimScheduleOccurrence(
  tx: Tx,
  input: { name: string; expectedNextRunAt: string; nextRunAt: string; now: string },
): Promise<boolean> {
  const result = await tx
    .updateTable('schedules')
    .set({ next_run_at: input.nextRunAt, last_run_at: input.now })
    .where('name', '=', input.name)
    .where('next_run_at', '=', input.expectedNextRunAt)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
