// Frozen: never import application code here.
import type { Kysely } from 'kysely';

/** Saved views of the incident list: a user's named filters (like risk_saved_views). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incident_saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_saved_views_user')
    .on('incident_saved_views')
    .column('user_id')
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0032_incident_views cannot be reverted'));
}
