import { Migrator, type MigrationResult } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { DatabaseHandle } from './database.js';

/**
 * Brings the schema up to date. Kysely's migrator takes a lock (an advisory lock on PostgreSQL,
 * a lock table on SQLite), so two nodes starting together never run a migration twice.
 */
export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return results ?? [];
}
