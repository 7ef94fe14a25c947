import type { Config } from './config.js';
import type { DatabaseHandle, Tx } from './db/database.js';
import type { Logger } from './logger.js';
import type { SessionPolicy } from './auth/sessions.js';
import type { JobQueue } from './jobs/queue.js';
import type { Notifier } from './notifications/notifier.js';
import { appendAudit, type AuditContext, type AuditInput } from './audit/chain.js';
import type { EventBus } from './bus/bus.js';

/** What every module is given: configuration, the database, the logger and platform services. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  sessionPolicy: SessionPolicy;
  /** The durable job queue and scheduler (enqueue inside your transaction). */
  jobs: JobQueue;
  /** In-app, mail and webhook notifications (notify inside your transaction). */
  notifier: Notifier;
  /** Real-time fan-out between nodes (live alarm streams); absent in one-shot CLI commands. */
  bus?: EventBus;
}

/** Records an audit entry inside the current transaction. */
export type Audit = (input: AuditInput) => Promise<string>;

/**
 * Runs a mutation and its audit entries in one transaction: both commit or neither does.
 * Every write of record in Vigil goes through here.
 */
export function writeAudited<T>(
  database: DatabaseHandle,
  auditContext: AuditContext,
  fn: (tx: Tx, audit: Audit) => Promise<T>,
): Promise<T> {
  return database.transaction((tx) =>
    fn(tx, (input) => appendAudit(tx, database.dialect, auditContext, input)),
  );
}
