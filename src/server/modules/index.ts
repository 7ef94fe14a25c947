import type { ServerModule } from '../platform/http/app.js';
import { jobsModule } from '../platform/jobs/index.js';
import { auditModule } from './audit/index.js';
import { identityModule } from './identity/index.js';
import { notificationsModule } from './notifications/index.js';
import { monitoringModule } from './monitoring/index.js';
import { incidentsModule } from './incidents/index.js';
import { peopleModule } from './people/index.js';
import { riskModule } from './risk/index.js';
import { sitesModule } from './sites/index.js';

/** Every feature module of the server, in registration order. */
export const modules: readonly ServerModule[] = [
  identityModule,
  sitesModule,
  peopleModule,
  auditModule,
  riskModule,
  jobsModule,
  notificationsModule,
  monitoringModule,
  incidentsModule,
];
