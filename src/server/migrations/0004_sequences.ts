// Frozen: never import application code here.
import type { Kysely } from 'kysely';

/** Named counters for human-readable references (R-0001, INC-2026-0001…). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0004_sequences cannot be reverted'));
}
