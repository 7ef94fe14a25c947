import type { ServerModule } from '../../platform/http/app.js';
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

export const riskModule: ServerModule = { name: 'risk', registerRoutes: registerRiskRoutes };
