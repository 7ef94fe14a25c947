// Frozen: never import application code here.
import type { Kysely } from 'kysely';

const DEFAULT_MATRIX_ID = '01900000-0000-7000-8000-000000005505';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('risk_matrices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('likelihood_labels', 'text', (c) => c.notNull())
    .addColumn('impact_labels', 'text', (c) => c.notNull())
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('appetite_score', 'integer', (c) => c.notNull())
    .addColumn('tolerance_score', 'integer', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('risks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assets', 'text', (c) => c.notNull())
    .addColumn('threat', 'text', (c) => c.notNull())
    .addColumn('vulnerability', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('matrix_id', 'text', (c) => c.notNull().references('risk_matrices.id'))
    .addColumn('review_every_days', 'integer', (c) => c.notNull())
    .addColumn('last_reviewed_at', 'text')
    .addColumn('next_review_at', 'text', (c) => c.notNull())
    .addColumn('inherent_likelihood', 'integer')
    .addColumn('inherent_impact', 'integer')
    .addColumn('inherent_at', 'text')
    .addColumn('residual_likelihood', 'integer')
    .addColumn('residual_impact', 'integer')
    .addColumn('residual_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('risks_next_review').on('risks').column('next_review_at').execute();
  await db.schema.createIndex('risks_category').on('risks').columns(['category', 'id']).execute();

  await db.schema
    .createTable('risk_sites')
    .addColumn('risk_id', 'text', (c) => c.notNull().references('risks.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addPrimaryKeyConstraint('risk_sites_pk', ['risk_id', 'site_id'])
    .execute();
  await db.schema.createIndex('risk_sites_site').on('risk_sites').columns(['site_id', 'risk_id']).execute();

  await db.schema
    .createTable('risk_assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('risk_id', 'text', (c) => c.notNull().references('risks.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('likelihood', 'integer', (c) => c.notNull())
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('assessed_by', 'text', (c) => c.notNull())
    .addColumn('assessed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('risk_assessments_risk')
    .on('risk_assessments')
    .columns(['risk_id', 'assessed_at'])
    .execute();

  await db.schema
    .createTable('risk_treatments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('risk_id', 'text', (c) => c.notNull().references('risks.id'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('risk_treatments_risk').on('risk_treatments').column('risk_id').execute();
  await db.schema
    .createIndex('risk_treatments_expiry')
    .on('risk_treatments')
    .columns(['status', 'expires_at'])
    .execute();

  await db.schema
    .createTable('risk_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('treatment_id', 'text', (c) => c.notNull().references('risk_treatments.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('due_date', 'text')
    .addColumn('cost', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('risk_actions_treatment').on('risk_actions').column('treatment_id').execute();

  await db.schema
    .createTable('risk_saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_saved_views_user').on('risk_saved_views').column('user_id').execute();

  // One default matrix per organization: the common 5×5 with four bands.
  const now = new Date().toISOString();
  await db
    .withTables<{ risk_matrices: Record<string, string | number> }>()
    .insertInto('risk_matrices')
    .values({
      id: DEFAULT_MATRIX_ID,
      name: 'Standard 5×5',
      size: 5,
      likelihood_labels: JSON.stringify(['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain']),
      impact_labels: JSON.stringify(['Insignificant', 'Minor', 'Moderate', 'Major', 'Severe']),
      levels: JSON.stringify([
        { name: 'Low', colour: '#2f9e44', minScore: 1 },
        { name: 'Medium', colour: '#f08c00', minScore: 5 },
        { name: 'High', colour: '#e8590c', minScore: 10 },
        { name: 'Critical', colour: '#c92a2a', minScore: 16 },
      ]),
      appetite_score: 9,
      tolerance_score: 15,
      is_default: 1,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('0020_risk cannot be reverted'));
}
