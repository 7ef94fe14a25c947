import type { ServerModule } from '../../platform/http/app.js';
import { registerRiskJobs } from './register/jobs.js';
import { registerRiskRegisterRoutes } from './register/routes.js';
import { registerRiskRoutes } from './routes.js';

export {
  assertWithinLimits,
  DEFAULT_LIMITS,
  defaultThreads,
  parseSimulationRequest,
  simulate,
  type SimulationLimits,
  type SimulationOptions,
} from './engine/index.js';
export { SERVER_SIMULATION_LIMITS, simulateForApi } from './service.js';
export { expireAcceptances, overdueReviews } from './register/service.js';
export { remindOverdueReviews } from './register/jobs.js';

/** The risk module: the register (scenarios, matrices, treatments) and FAIR quantification. */
export const riskModule: ServerModule = {
  name: 'risk',
  registerRoutes: (app, ctx) => {
    registerRiskRegisterRoutes(app, ctx);
    registerRiskRoutes(app, ctx);
  },
  registerJobs: registerRiskJobs,
};
