import type { ServerModule } from '../platform/http/app.js';
import { auditModule } from './audit/index.js';
import { identityModule } from './identity/index.js';
import { incidentsModule } from './incidents/index.js';
import { peopleModule } from './people/index.js';
import { sitesModule } from './sites/index.js';

/** Every feature module of the server, in registration order. */
export const modules: readonly ServerModule[] = [
  identityModule,
  sitesModule,
  peopleModule,
  auditModule,
  incidentsModule,
];
