import type { Config } from './platform/config.js';
import { createEventBus } from './platform/bus/index.js';
import type { AppContext } from './platform/context.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { createAppContext } from './bootstrap.js';
import { buildApp, type ZodApp, type CatalogRoute } from './platform/http/app.js';
import { createLogger, type Logger } from './platform/logger.js';
import { modules } from './modules/index.js';

export interface Server {
  ctx: AppContext;
  app: ZodApp;
  catalog: CatalogRoute[];
  /** Stops accepting requests and jobs, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

/** Opens the database, migrates it and builds the HTTP app (not yet listening). */
export async function createServer(
  config: Config,
  logger: Logger = createLogger(config.VIGIL_LOG_LEVEL),
): Promise<Server> {
  const database = openDatabase(config);
  await migrateToLatest(database);
  const ctx = createAppContext(config, database, logger);
  ctx.bus = await createEventBus(config, logger);
  const { app, catalog } = await buildApp(ctx, modules);
  return {
    ctx,
    app,
    catalog,
    close: async () => {
      // Drain: running jobs finish (or give up their lock) while in-flight requests complete.
      await Promise.all([ctx.jobs.stop(), app.close()]);
      ctx.notifier.close();
      await ctx.bus?.close();
      await database.close();
    },
  };
}
