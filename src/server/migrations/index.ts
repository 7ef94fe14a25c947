import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.js';
import * as m0010 from './0010_incidents.js';

/**
 * Every migration, in order. Names sort in the order they run; add new ones at the end and never
 * edit a migration that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0010_incidents': m0010,
};
