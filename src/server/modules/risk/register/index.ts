import type { ServerModule } from '../../../platform/http/app.js';
import { registerRiskRegisterRoutes } from './routes.js';

export { expireAcceptances, overdueReviews } from './service.js';

export const riskRegisterModule: ServerModule = {
  name: 'risk-register',
  registerRoutes: registerRiskRegisterRoutes,
};
