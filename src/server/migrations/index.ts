import type { Migration } from 'kysely';
import * as m0001 from './0001_platform.js';
import * as m0002 from './0002_jobs_notifications.js';
import * as m0003 from './0003_oidc.js';
import * as m0004 from './0004_sequences.js';
import * as m0010 from './0010_incidents.js';
import * as m0020 from './0020_risk.js';
import * as m0021 from './0021_risk_quantifications.js';
import * as m0030 from './0030_monitoring.js';
import * as m0031 from './0031_alarm_incidents.js';
import * as m0032 from './0032_incident_views.js';

/**
 * Every migration, in order. Names sort in the order they run; add new ones at the end and never
 * edit a migration that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_jobs_notifications': m0002,
  '0003_oidc': m0003,
  '0004_sequences': m0004,
  '0010_incidents': m0010,
  '0020_risk': m0020,
  '0021_risk_quantifications': m0021,
  '0030_monitoring': m0030,
  '0031_alarm_incidents': m0031,
  '0032_incident_views': m0032,
};
