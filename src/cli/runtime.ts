import os from 'node:os';
import type { Actor } from '../server/platform/audit/chain.js';
import { loadConfig, type Config } from '../server/platform/config.js';
import type { AppContext } from '../server/platform/context.js';
import { openDatabase } from '../server/platform/db/database.js';
import { migrateToLatest } from '../server/platform/db/migrate.js';
import { createAppContext } from '../server/bootstrap.js';
import { createLogger } from '../server/platform/logger.js';

/** The audit actor of CLI commands: the operating-system account that ran them. */
export function cliActor(): Actor {
  return { type: 'system', id: null, label: `cli:${os.userInfo().username}` };
}

/** Opens the configured database (migrated) as a context for one CLI command, and closes it after. */
export async function withContext<T>(
  fn: (ctx: AppContext) => Promise<T>,
  config: Config = loadConfig(),
): Promise<T> {
  const database = openDatabase(config, 2);
  try {
    await migrateToLatest(database);
    const logger = createLogger(process.env.VIGIL_CLI_LOG_LEVEL ?? 'warn', process.stderr);
    // CLI commands only enqueue: the jobs run on the server's worker.
    const ctx = createAppContext(config, database, logger);
    try {
      return await fn(ctx);
    } finally {
      ctx.notifier.close();
    }
  } finally {
    await database.close();
  }
}

/** Reads all of standard input (for --password-stdin and --in -). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
