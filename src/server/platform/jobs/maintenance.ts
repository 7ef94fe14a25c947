import { z } from 'zod';
import { pruneLoginFailures } from '../auth/throttle.js';
import type { SessionPolicy } from '../auth/sessions.js';
import type { Db } from '../db/database.js';
import { nowIso } from '../ids.js';
import type { JobQueue } from './queue.js';
import { pruneFinishedJobs } from './repository.js';

export const MAINTENANCE_JOB = 'platform.maintenance';

// Finished jobs are operational data, not records; dead ones stay longer so an admin can look at them.
const KEEP_SUCCEEDED_DAYS = 14;
const KEEP_DEAD_DAYS = 90;
const DAY_MS = 86_400_000;

/** Deletes sessions past their idle or absolute expiry (they are refused already; this frees the rows). */
export async function pruneExpiredSessions(db: Db, policy: SessionPolicy, now = new Date()): Promise<number> {
  const idleSince = nowIso(new Date(now.getTime() - policy.idleMinutes * 60_000));
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('absolute_expires_at', '<=', nowIso(now)), eb('last_seen_at', '<', idleSince)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Registers the built-in hourly clean-up: old login failures, expired sessions, finished jobs. */
export function registerMaintenance(jobs: JobQueue, db: Db, policy: SessionPolicy): void {
  jobs.register({
    kind: MAINTENANCE_JOB,
    schema: z.object({}),
    maxAttempts: 3,
    handler: async () => {
      const now = new Date();
      await pruneLoginFailures(db);
      await pruneExpiredSessions(db, policy, now);
      await pruneFinishedJobs(db, {
        succeededBefore: nowIso(new Date(now.getTime() - KEEP_SUCCEEDED_DAYS * DAY_MS)),
        deadBefore: nowIso(new Date(now.getTime() - KEEP_DEAD_DAYS * DAY_MS)),
      });
    },
  });
  jobs.schedule({ name: MAINTENANCE_JOB, intervalSeconds: 3600, kind: MAINTENANCE_JOB, payload: {} });
}
