// Frozen: never import application code here.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Stored FAIR quantifications: immutable rows (inputs, seed and results are kept as run).
  await db.schema
    .createTable('risk_quantifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('risk_id', 'text', (c) => c.notNull().references('risks.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('iterations', 'integer', (c) => c.notNull())
    // An unsigned 32-bit seed does not fit PostgreSQL's signed integer.
    .addColumn('seed', 'bigint', (c) => c.notNull())
    .addColumn('results', 'text', (c) => c.notNull())
    .addColumn('control_cost', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('risk_quantifications_risk')
    .on('risk_quantifications')
    .columns(['risk_id', 'label', 'id'])
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0021_risk_quantifications cannot be reverted'));
}
