import type { SessionPolicy } from '../auth/sessions.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { JobQueue, type JobQueueOptions } from './queue.js';
import { registerMaintenance } from './maintenance.js';
import type { Logger } from '../logger.js';
import { Notifier } from '../notifications/notifier.js';

/** The background services of a process: the job queue (with the built-in schedules) and the notifier. */
export function createBackgroundServices(
  config: Config,
  database: DatabaseHandle,
  logger: Logger,
  sessionPolicy: SessionPolicy,
  jobOptions: JobQueueOptions = {},
): { jobs: JobQueue; notifier: Notifier } {
  const jobs = new JobQueue(database, logger.child({ component: 'jobs' }), jobOptions);
  registerMaintenance(jobs, database.db, sessionPolicy);
  const notifier = new Notifier({ config, database, jobs });
  return { jobs, notifier };
}
