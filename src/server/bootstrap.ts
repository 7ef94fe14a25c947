import type { Config } from './platform/config.js';
import type { AppContext } from './platform/context.js';
import type { DatabaseHandle } from './platform/db/database.js';
import { createBackgroundServices } from './platform/jobs/background.js';
import type { Logger } from './platform/logger.js';
import { modules } from './modules/index.js';

/**
 * The context of one process (server or CLI command): platform services plus every module's job
 * kinds and schedules, so that a CLI command can enqueue any kind a server node will run.
 */
export function createAppContext(config: Config, database: DatabaseHandle, logger: Logger): AppContext {
  const sessionPolicy = {
    idleMinutes: config.VIGIL_SESSION_IDLE_MINUTES,
    absoluteHours: config.VIGIL_SESSION_ABSOLUTE_HOURS,
  };
  const ctx: AppContext = {
    config,
    database,
    logger,
    sessionPolicy,
    ...createBackgroundServices(config, database, logger, sessionPolicy),
  };
  for (const module of modules) module.registerJobs?.(ctx);
  return ctx;
}
