export {
  JobQueue,
  PermanentJobError,
  backoffSeconds,
  describeJobError,
  nextOccurrence,
  type EnqueueInput,
  type JobDefinition,
  type JobQueueOptions,
  type JobRun,
  type ScheduleDefinition,
} from './queue.js';
export { MAINTENANCE_JOB, pruneExpiredSessions, registerMaintenance } from './maintenance.js';
export { jobsModule } from './routes.js';
export { createBackgroundServices } from './background.js';
