import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { DatabaseHandle, Tx } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { Logger } from '../logger.js';
import { randomSecret } from '../auth/secrets.js';
import * as repo from './repository.js';
import type { JobsTable } from './tables.js';

/** What a handler is told about the run it is doing. */
export interface JobRun {
  id: string;
  kind: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the job times out or the node shuts down before the job finished. */
  signal: AbortSignal;
}

/**
 * A kind of background job. Payloads are versioned: a job enqueued by an older version of the
 * code keeps its `payload_version`, and `upgrade` turns it into the current shape before the
 * schema checks it. Handlers must be idempotent: delivery is at least once (a node that loses its
 * lock mid-run may see its job run again elsewhere).
 */
export interface JobDefinition<S extends z.ZodType> {
  kind: string;
  /** The payload version this code writes and reads (default 1). */
  version?: number;
  schema: S;
  upgrade?: (payload: unknown, fromVersion: number) => unknown;
  /** Attempts before the job is dead (default 5). */
  maxAttempts?: number;
  /** A run longer than this fails (and is retried); the handler's signal is aborted (default 300). */
  timeoutSeconds?: number;
  handler: (payload: z.output<S>, run: JobRun) => Promise<void>;
}

export interface EnqueueInput {
  kind: string;
  payload: unknown;
  /** When the job may run first (default: now). */
  runAt?: Date;
  /** At most one job ever exists per dedupe key; a second enqueue answers the first job. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** A recurring job: every `intervalSeconds`, exactly one node of the cluster enqueues it. */
export interface ScheduleDefinition {
  name: string;
  intervalSeconds: number;
  kind: string;
  payload: unknown;
}

/** Thrown by a handler (or the queue) when retrying cannot help: the job goes straight to dead. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface JobQueueOptions {
  /** The name this node writes into `locked_by` (default: host, pid and a random tag). */
  nodeId?: string;
  /** Jobs run at once by this node (default 4). */
  concurrency?: number;
  /** How long the worker sleeps when nothing was due (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long a claim holds a job before another node may take it over; renewed while it runs (default 60 s). */
  leaseSeconds?: number;
  /** Retry delay: base × 2^(attempt−1), capped (default 10 s, at most 1 h). */
  backoff?: { baseSeconds: number; maxSeconds: number };
  /** How long `stop()` waits for running jobs to finish (default 25 s). */
  drainTimeoutMs?: number;
  /** The clock (tests move it forward to reach backoffs and lock expiries). */
  clock?: () => Date;
}

interface RegisteredKind {
  kind: string;
  version: number;
  maxAttempts: number;
  timeoutSeconds: number;
  validate(payload: unknown): void;
  execute(raw: unknown, version: number, run: JobRun): Promise<void>;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_TIMEOUT_SECONDS = 300;
const MAX_ERROR_LENGTH = 1000;

/** The delay before attempt `attempt + 1`, after `attempt` failed. */
export function backoffSeconds(
  attempt: number,
  backoff: { baseSeconds: number; maxSeconds: number },
): number {
  return Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.max(0, attempt - 1));
}

/**
 * The text kept in `last_error`: the message only (no stack, no payload), without credentials
 * that a library may have put in a URL, and bounded.
 */
export function describeJobError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/\/\/[^\s/@]+@/g, '//[redacted]@').slice(0, MAX_ERROR_LENGTH);
}

/** The first occurrence strictly after `now`, stepping from `previous`; missed ones are coalesced. */
export function nextOccurrence(previous: string, intervalSeconds: number, now: Date): string {
  const start = Date.parse(previous);
  const step = intervalSeconds * 1000;
  const steps = Math.floor((now.getTime() - start) / step) + 1;
  return nowIso(new Date(start + Math.max(1, steps) * step));
}

/**
 * The durable job queue and scheduler. Jobs live in the `jobs` table, so an enqueue commits or
 * rolls back with the business write of the same transaction, and any node of a cluster can run
 * them. `start()` runs the worker loop; `runDueJobs()` runs one pass (tests and `VIGIL_JOBS=off`).
 */
export class JobQueue {
  readonly nodeId: string;
  private readonly kinds = new Map<string, RegisteredKind>();
  private readonly schedules = new Map<string, ScheduleDefinition>();
  private readonly running = new Map<string, AbortController>();
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseSeconds: number;
  private readonly backoff: { baseSeconds: number; maxSeconds: number };
  private readonly drainTimeoutMs: number;
  private readonly clock: () => Date;
  private schedulesStored = false;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
    options: JobQueueOptions = {},
  ) {
    this.nodeId = options.nodeId ?? `${os.hostname()}:${process.pid}:${randomSecret(4)}`;
    this.concurrency = options.concurrency ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.backoff = options.backoff ?? { baseSeconds: 10, maxSeconds: 3600 };
    this.drainTimeoutMs = options.drainTimeoutMs ?? 25_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Registers the handler of a job kind (once per kind, at start-up). */
  register<S extends z.ZodType>(definition: JobDefinition<S>): void {
    if (this.kinds.has(definition.kind)) throw new Error(`job kind ${definition.kind} is already registered`);
    const version = definition.version ?? 1;
    const check = (payload: unknown): z.output<S> => {
      const parsed = definition.schema.safeParse(payload);
      if (!parsed.success) {
        // Paths only: payload values may be personal data and must not reach last_error or logs.
        const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
        throw new PermanentJobError(`payload of ${definition.kind} is not valid (${where})`);
      }
      return parsed.data;
    };
    this.kinds.set(definition.kind, {
      kind: definition.kind,
      version,
      maxAttempts: definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      timeoutSeconds: definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      validate: (payload) => void check(payload),
      execute: async (raw, storedVersion, run) => {
        if (storedVersion > version) {
          // Written by a newer node (rolling upgrade): retryable, a newer node may pick it up.
          throw new Error(`payload version ${storedVersion} is newer than this node reads (${version})`);
        }
        const current =
          storedVersion < version && definition.upgrade ? definition.upgrade(raw, storedVersion) : raw;
        await definition.handler(check(current), run);
      },
    });
  }

  /** Registers a recurring schedule (its kind must be registered too). */
  schedule(definition: ScheduleDefinition): void {
    if (definition.intervalSeconds < 1) throw new Error('a schedule runs at most once a second');
    this.schedules.set(definition.name, definition);
    this.schedulesStored = false;
  }

  /** The kinds this node can run. */
  registeredKinds(): string[] {
    return [...this.kinds.keys()];
  }

  /**
   * Adds a job inside the caller's transaction, so it exists if and only if the caller's write
   * commits. The payload is checked against the kind's schema now, not when it runs.
   */
  async enqueue(tx: Tx, input: EnqueueInput): Promise<{ id: string; created: boolean }> {
    const kind = this.kinds.get(input.kind);
    if (!kind) throw new Error(`no handler is registered for job kind ${input.kind}`);
    kind.validate(input.payload);
    const now = nowIso(this.clock());
    return repo.insertJob(tx, {
      id: newId(),
      kind: input.kind,
      payload: JSON.stringify(input.payload),
      payload_version: kind.version,
      state: 'queued',
      run_at: input.runAt ? nowIso(input.runAt) : now,
      attempts: 0,
      max_attempts: input.maxAttempts ?? kind.maxAttempts,
      last_error: null,
      locked_by: null,
      locked_until: null,
      dedupe_key: input.dedupeKey ?? null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
  }

  /**
   * One pass of the worker: recovers jobs whose node died, enqueues due schedule occurrences, then
   * claims and runs due jobs until none is due (or `maxJobs` ran). Answers how many jobs ran.
   */
  async runDueJobs(options: { maxJobs?: number } = {}): Promise<number> {
    const maxJobs = options.maxJobs ?? 1000;
    await this.recoverExpired();
    await this.runDueSchedules();
    let ran = 0;
    while (ran < maxJobs && !this.stopping) {
      const now = this.clock();
      const claimed = await repo.claimDueJobs(this.database, {
        nodeId: this.nodeId,
        kinds: this.registeredKinds(),
        now: nowIso(now),
        lockedUntil: this.leaseFrom(now),
        limit: Math.min(this.concurrency, maxJobs - ran),
      });
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((row) => this.runJob(row)));
      ran += claimed.length;
    }
    return ran;
  }

  /** Hands back the jobs of nodes whose lock expired; answers how many. */
  async recoverExpired(): Promise<number> {
    const recovered = await repo.recoverExpiredLocks(this.database.db, nowIso(this.clock()));
    if (recovered > 0) this.logger.warn({ recovered }, 'recovered jobs whose node stopped');
    return recovered;
  }

  /** Enqueues every due schedule occurrence that this node wins; answers how many it enqueued. */
  async runDueSchedules(): Promise<number> {
    if (this.schedules.size === 0) return 0;
    const now = this.clock();
    if (!this.schedulesStored) {
      for (const definition of this.schedules.values()) {
        await repo.upsertSchedule(this.database.db, {
          name: definition.name,
          intervalSeconds: definition.intervalSeconds,
          firstRunAt: nowIso(new Date(now.getTime() + definition.intervalSeconds * 1000)),
        });
      }
      this.schedulesStored = true;
    }
    const due = await repo.dueSchedules(this.database.db, [...this.schedules.keys()], nowIso(now));
    let enqueued = 0;
    for (const row of due) {
      const definition = this.schedules.get(row.name);
      if (!definition) continue;
      const won = await this.database.transaction(async (tx) => {
        const claimed = await repo.claimScheduleOccurrence(tx, {
          name: row.name,
          expectedNextRunAt: row.next_run_at,
          nextRunAt: nextOccurrence(row.next_run_at, row.interval_seconds, now),
          now: nowIso(now),
        });
        if (!claimed) return false;
        await this.enqueue(tx, {
          kind: definition.kind,
          payload: definition.payload,
          dedupeKey: `schedule:${row.name}:${row.next_run_at}`,
        });
        return true;
      });
      if (won) enqueued += 1;
    }
    return enqueued;
  }

  /** Starts the worker loop (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.workLoop();
  }

  /**
   * Stops claiming work and waits for running jobs to finish (graceful drain). Jobs still running
   * after the drain timeout have their signal aborted; their lock expires and another node (or
   * this one after a restart) runs them again.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const loop = this.loop;
    if (!loop) return;
    // Unref'd: an early drain must not keep the process alive for the rest of the timeout.
    const timer = sleep(this.drainTimeoutMs, 'timeout' as const, { ref: false });
    const outcome = await Promise.race([loop.then(() => 'drained' as const), timer]);
    if (outcome === 'timeout') {
      this.logger.warn(
        { running: this.running.size },
        'jobs still running at shutdown; their locks will expire',
      );
      for (const controller of this.running.values()) controller.abort(new Error('node shutting down'));
    }
    this.loop = undefined;
  }

  private async workLoop(): Promise<void> {
    while (!this.stopping) {
      let ran = 0;
      try {
        ran = await this.runDueJobs({ maxJobs: this.concurrency * 10 });
      } catch (error) {
        this.logger.error({ error: describeJobError(error) }, 'job worker pass failed');
      }
      if (ran === 0 && !this.stopping) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private leaseFrom(now: Date): string {
    return nowIso(new Date(now.getTime() + this.leaseSeconds * 1000));
  }

  private async runJob(row: JobsTable): Promise<void> {
    const kind = this.kinds.get(row.kind);
    const controller = new AbortController();
    this.running.set(row.id, controller);
    // Renew the lease while the handler runs, so a long job is not taken over by another node.
    const heartbeat = setInterval(
      () => {
        repo
          .extendLocks(this.database.db, this.nodeId, [row.id], this.leaseFrom(this.clock()))
          .catch((error: unknown) =>
            this.logger.warn({ jobId: row.id, error: describeJobError(error) }, 'lease renewal failed'),
          );
      },
      Math.max(1000, (this.leaseSeconds * 1000) / 3),
    );
    heartbeat.unref();
    let timeout: NodeJS.Timeout | undefined;
    try {
      if (!kind) throw new Error(`no handler is registered for job kind ${row.kind}`);
      const timedOut = new Promise<never>((_resolve, reject) => {
        timeout = setTimeout(() => {
          const error = new Error(`timed out after ${kind.timeoutSeconds} s`);
          controller.abort(error);
          reject(error);
        }, kind.timeoutSeconds * 1000);
      });
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch {
        throw new PermanentJobError('the stored payload is not JSON');
      }
      const run: JobRun = {
        id: row.id,
        kind: row.kind,
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
        signal: controller.signal,
      };
      await Promise.race([kind.execute(payload, row.payload_version, run), timedOut]);
      await repo.markSucceeded(this.database.db, row.id, this.nodeId, nowIso(this.clock()));
    } catch (error) {
      await this.recordFailure(row, error);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      this.running.delete(row.id);
    }
  }

  private async recordFailure(row: JobsTable, error: unknown): Promise<void> {
    const now = this.clock();
    const dead = error instanceof PermanentJobError || row.attempts >= row.max_attempts;
    const delay = backoffSeconds(row.attempts, this.backoff);
    const message = describeJobError(error);
    this.logger.warn(
      { jobId: row.id, kind: row.kind, attempt: row.attempts, dead, error: message },
      dead ? 'job is dead' : 'job failed; it will be retried',
    );
    try {
      await repo.markFailed(this.database.db, row.id, this.nodeId, {
        dead,
        runAt: nowIso(new Date(now.getTime() + delay * 1000)),
        error: message,
        now: nowIso(now),
      });
    } catch (writeError) {
      // The lease expires and recovery retries the job; nothing else can be done here.
      this.logger.error(
        { jobId: row.id, error: describeJobError(writeError) },
        'could not record job failure',
      );
    }
  }
}
