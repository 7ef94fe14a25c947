import type { Config } from './platform/config.js';
import { createEventBus } from './platform/bus/index.js';
import type { AppContext } from './platform/context.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { buildApp, type ZodApp, type CatalogRoute } from './platform/http/app.js';
import { createLogger, type Logger } from './platform/logger.js';
import { modules } from './modules/index.js';

export interface Server {
  ctx: AppContext;
  app: ZodApp;
  catalog: CatalogRoute[];
  /** Stops accepting requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Opens the database, migrates it and builds the HTTP app (not yet listening). */
export async function createServer(
  config: Config,
  logger: Logger = createLogger(config.VIGIL_LOG_LEVEL),
): Promise<Server> {
  const database = openDatabase(config);
  await migrateToLatest(database);
  const bus = await createEventBus(config, logger);
  const ctx: AppContext = {
    config,
    database,
    logger,
    sessionPolicy: {
      idleMinutes: config.VIGIL_SESSION_IDLE_MINUTES,
      absoluteHours: config.VIGIL_SESSION_ABSOLUTE_HOURS,
    },
    bus,
  };
  const { app, catalog } = await buildApp(ctx, modules);
  return {
    ctx,
    app,
    catalog,
    close: async () => {
      await app.close();
      await bus.close();
      await database.close();
    },
  };
}
