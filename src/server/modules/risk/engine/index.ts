/*
 * The FAIR Monte Carlo engine: pure (no database), used by the HTTP API, the CLI and — through
 * the risk module's index — by the register's stored quantifications.
 */
export {
  assertWithinLimits,
  defaultThreads,
  DEFAULT_LIMITS,
  parseSimulationRequest,
  simulate,
  type SimulationLimits,
  type SimulationOptions,
} from './simulate.js';
export { BLOCK_SIZE, expectedLossEvents } from './scenario.js';
