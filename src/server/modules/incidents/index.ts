import { registerIncidentJobs } from './jobs.js';
import type { ServerModule } from '../../platform/http/app.js';
import { registerIncidentRoutes } from './routes.js';

export {
  EVIDENCE_REVERIFY_INTERVAL_SECONDS,
  EVIDENCE_REVERIFY_JOB,
  SLA_CHECK_INTERVAL_SECONDS,
  SLA_CHECK_JOB,
  runEvidenceReverification,
  runSlaCheck,
} from './jobs.js';
export { checkSlas, type SlaEvent } from './sla.js';
export { reverifyAllEvidence, type IntegrityMismatch } from './evidence.service.js';
export { createIncident } from './service.js';
export { incidentVisible } from './policy.js';

export const incidentsModule: ServerModule = {
  name: 'incidents',
  registerRoutes: registerIncidentRoutes,
  registerJobs: registerIncidentJobs,
};
