import type { ServerModule } from '../../../platform/http/app.js';
import { registerRiskJobs } from './jobs.js';
import { registerRiskRegisterRoutes } from './routes.js';

export { expireAcceptances, overdueReviews } from './service.js';
export { remindOverdueReviews } from './jobs.js';

export const riskRegisterModule: ServerModule = {
  name: 'risk-register',
  registerRoutes: registerRiskRegisterRoutes,
  registerJobs: registerRiskJobs,
};
