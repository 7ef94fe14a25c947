import type { SimulationRequest, SimulationResult } from '../../../contracts/risk-simulation.js';
import { AppError } from '../../platform/errors.js';
import { simulate, type SimulationLimits } from './engine/index.js';

/**
 * What one HTTP request may ask of the server: about ten times the reference portfolio (1,000
 * scenarios × 100,000 years). Larger runs belong to the CLI, which has no such cap.
 */
export const SERVER_SIMULATION_LIMITS: SimulationLimits = {
  maxScenarioIterations: 1e9,
  maxExpectedLossEvents: 5e9,
};

/** Simulations running at once on this node; each already uses every core through its workers. */
const MAX_RUNNING = 1;
/** Simulations waiting for their turn; beyond this the server answers 503 at once. */
const MAX_WAITING = 16;

let running = 0;
const waiting: (() => void)[] = [];

async function takeTurn(signal: AbortSignal): Promise<() => void> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING)
      throw new AppError('unavailable', 'Too many simulations are queued on this server; try again shortly.');
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = waiting.indexOf(go);
        if (at >= 0) waiting.splice(at, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const go = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      waiting.push(go);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/**
 * Runs a validated simulation for an API caller, on worker threads, within the server's limits and
 * one at a time; `signal` aborts it when the client goes away.
 */
export async function simulateForApi(
  request: SimulationRequest,
  signal: AbortSignal,
): Promise<SimulationResult> {
  const release = await takeTurn(signal);
  try {
    return await simulate(request, { limits: SERVER_SIMULATION_LIMITS, signal });
  } finally {
    release();
  }
}
