import pg from 'pg';
import { testPostgresUrl } from './env.js';

/**
 * The PostgreSQL tier is never skipped silently: when the server is unreachable the whole run
 * fails here with a line saying how to start it.
 */
export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for the test suite at ${testPostgresUrl()} (${String(error)}). ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
