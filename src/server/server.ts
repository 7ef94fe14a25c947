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
      const closing = Promise.all([ctx.jobs.stop(), app.close()]);
      // Requests in flight finish on keep-alive connections, which would then sit idle until their
      // keep-alive timeout and hold the process open; close each as soon as its work is done.
      const reaper = setInterval(() => app.server.closeIdleConnections(), 25);
      try {
        await closing;
      } finally {
        clearInterval(reaper);
      }
      ctx.notifier.close();
      await ctx.bus?.close();
      await database.close();
    },
  };
}
