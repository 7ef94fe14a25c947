import type { Command } from 'commander';
import { loadConfig } from '../../server/platform/config.js';
import { createServer } from '../../server/server.js';
import { prepareFirstRunSetup } from '../../server/modules/identity/index.js';

/** `vigil serve`: runs the web app, API and background work in this process. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run Vigil (web app, API, background jobs) on PORT')
    .action(async () => {
      const config = loadConfig();
      const server = await createServer(config);
      const { app, ctx } = server;
      await app.listen({ port: config.PORT, host: config.HOST });
      // VIGIL_JOBS=off runs an API-only node (tests, or a cluster with dedicated workers).
      if (config.VIGIL_JOBS === 'on') ctx.jobs.start();
      const url = config.VIGIL_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      const setupToken = await prepareFirstRunSetup(ctx);
      const where = config.dialect === 'sqlite' ? `SQLite at ${config.sqlitePath}` : 'PostgreSQL';
      console.log(`\nVigil is running at ${url} (${where}).`);
      if (setupToken) {
        console.log(`\nFirst run: create the first admin at\n  ${url}/setup?token=${setupToken}`);
        console.log(
          `or from another terminal:\n  npx vigil user add --email you@example.com --name "Your Name" --role admin --password-stdin`,
        );
        console.log(`\nTo explore with a sample organization instead, stop Vigil and run: npx vigil demo`);
      } else {
        console.log(
          `Sign in at ${url}/login. To load the sample organization into an empty installation: npx vigil demo`,
        );
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        ctx.logger.info({ signal }, 'draining and shutting down');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            ctx.logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
