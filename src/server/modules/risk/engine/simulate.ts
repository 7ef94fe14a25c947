import { randomInt } from 'node:crypto';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  formatIssuePath,
  simulationRequestSchema,
  type ScenarioResult,
  type SimulationRequest,
  type SimulationResult,
} from '../../../../contracts/risk-simulation.js';
import { errorStatus, type ErrorCode } from '../../../../contracts/errors.js';
import { AppError } from '../../../platform/errors.js';
import { startModuleWorker } from '../../../platform/worker.js';
import { BLOCK_SIZE, expectedLossEvents } from './scenario.js';
import type { Summary } from './statistics.js';
import {
  TaskRunner,
  type ScenarioBuffers,
  type ScenarioSummary,
  type Task,
  type TaskResult,
} from './tasks.js';

/** Blocks per unit of work: small enough to share one long scenario among threads, large enough to amortize messages. */
const UNIT_BLOCKS = 16;
/** Memory for scenario buffers in flight (each holds 16 bytes per iteration). */
const BUFFER_BUDGET_BYTES = 256 * 1024 * 1024;

export interface SimulationLimits {
  /** Most iterations × scenarios accepted. */
  maxScenarioIterations: number;
  /** Most loss events expected over the whole run (iterations × Σ mean frequency, "poisson" scenarios). */
  maxExpectedLossEvents: number;
}

/** What any caller may run: about ten minutes of work at most on a small machine. */
export const DEFAULT_LIMITS: SimulationLimits = {
  maxScenarioIterations: 1e11,
  maxExpectedLossEvents: 5e10,
};

export interface SimulationOptions {
  /** Worker threads; 0 runs on the calling thread (blocking it). Default: the available cores. */
  threads?: number;
  limits?: SimulationLimits;
  /** Aborting stops the workers and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called as units of work complete: fraction done in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

/**
 * Validates a simulation request as received (HTTP body or CLI file); throws an AppError whose
 * message is one line naming the field, e.g. `scenarios[0].magnitude: min must be ≤ mode ≤ max`.
 */
export function parseSimulationRequest(input: unknown): SimulationRequest {
  const parsed = simulationRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path) || 'request',
    message: issue.message,
  }));
  const first = fieldErrors[0] ?? { path: 'request', message: 'invalid' };
  throw new AppError('validation_failed', `${first.path}: ${first.message}`, fieldErrors);
}

/** Refuses a request whose work exceeds the limits, with a message saying what to change. */
export function assertWithinLimits(request: SimulationRequest, limits: SimulationLimits): void {
  const scenarioIterations = request.iterations * request.scenarios.length;
  if (scenarioIterations > limits.maxScenarioIterations) {
    throw new AppError(
      'validation_failed',
      `iterations: ${request.iterations} iterations × ${request.scenarios.length} scenarios = ${scenarioIterations} exceeds the limit of ${limits.maxScenarioIterations}; lower iterations or split the portfolio`,
      [{ path: 'iterations', message: 'too much work' }],
    );
  }
  let events = 0;
  for (const scenario of request.scenarios)
    if (scenario.aggregation === 'poisson') events += request.iterations * expectedLossEvents(scenario);
  if (!(events <= limits.maxExpectedLossEvents)) {
    throw new AppError(
      'validation_failed',
      `scenarios: the frequencies add up to ${events.toPrecision(3)} expected loss events over all iterations, above the limit of ${limits.maxExpectedLossEvents}; lower iterations or use "product" aggregation`,
      [{ path: 'scenarios', message: 'too much work' }],
    );
  }
}

/** The default number of worker threads: one per available core. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 16));
}

/**
 * Runs a FAIR Monte Carlo simulation. The answer depends only on the request and its seed (chosen
 * at random and echoed when absent), never on the number of threads.
 */
export async function simulate(
  request: SimulationRequest,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  assertWithinLimits(request, options.limits ?? DEFAULT_LIMITS);
  const seed = request.seed ?? randomInt(0, 2 ** 32);
  const plan = new Plan(request);
  const threads = Math.min(options.threads ?? defaultThreads(), plan.units.length);
  const { scenarioSummaries, portfolio } =
    threads <= 0
      ? runInline(request, seed, plan, options)
      : await runOnWorkers(request, seed, plan, threads, options);
  return assemble(request, seed, scenarioSummaries, portfolio);
}

/** The units of work: each scenario's blocks, cut into units of at most UNIT_BLOCKS blocks. */
class Plan {
  readonly units: { scenario: number; firstBlock: number; endBlock: number; whole: boolean }[] = [];
  readonly unitsPerScenario: number;

  constructor(request: SimulationRequest) {
    const blocks = Math.ceil(request.iterations / BLOCK_SIZE);
    this.unitsPerScenario = Math.ceil(blocks / UNIT_BLOCKS);
    for (let scenario = 0; scenario < request.scenarios.length; scenario++) {
      for (let first = 0; first < blocks; first += UNIT_BLOCKS) {
        const end = Math.min(first + UNIT_BLOCKS, blocks);
        this.units.push({ scenario, firstBlock: first, endBlock: end, whole: this.unitsPerScenario === 1 });
      }
    }
  }
}

interface Outcome {
  scenarioSummaries: ScenarioSummary[];
  portfolio: Summary;
}

function allocateBuffers(iterations: number): ScenarioBuffers {
  return {
    losses: new SharedArrayBuffer(iterations * 8),
    events: new SharedArrayBuffer(iterations * 8),
  };
}

function runInline(
  request: SimulationRequest,
  seed: number,
  plan: Plan,
  options: SimulationOptions,
): Outcome {
  const runner = new TaskRunner(request, seed);
  const portfolio = new SharedArrayBuffer(request.iterations * 8);
  const buffers = allocateBuffers(request.iterations);
  const scenarioSummaries: ScenarioSummary[] = [];
  let done = 0;
  for (const unit of plan.units) {
    options.signal?.throwIfAborted();
    const { scenarioSummary } = runner.run({
      type: 'simulate',
      id: done,
      ...unit,
      buffers,
      summarize: unit.whole,
    });
    done++;
    options.onProgress?.(done / plan.units.length);
    if (unit.endBlock * BLOCK_SIZE < request.iterations) continue;
    scenarioSummaries.push(
      scenarioSummary ??
        required(
          runner.run({ type: 'summarize', id: done, scenario: unit.scenario, buffers }).scenarioSummary,
        ),
    );
    runner.run({ type: 'commit', id: done, losses: buffers.losses, portfolio });
  }
  return {
    scenarioSummaries,
    portfolio: required(runner.run({ type: 'portfolio', id: done, portfolio }).portfolioSummary),
  };
}

function isErrorCode(code: string): code is ErrorCode {
  return code in errorStatus;
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a task returned no result');
  return value;
}

function startWorker(workerData: { request: SimulationRequest; seed: number }): Worker {
  return startModuleWorker(import.meta.url, './worker.js', { workerData });
}

interface ScenarioState {
  buffers: ScenarioBuffers | null;
  unitsLeft: number;
  simulated: boolean;
  summary: ScenarioSummary | null;
  committed: boolean;
}

/**
 * Drives a pool of workers: simulation units go out in scenario order; a finished scenario is
 * summarized by whichever worker is free, and added into the portfolio strictly in scenario order
 * (floating-point sums depend on their order). Buffers are recycled once a scenario is both
 * summarized and committed; at most `window` scenarios hold buffers at a time, which bounds memory.
 */
function runOnWorkers(
  request: SimulationRequest,
  seed: number,
  plan: Plan,
  threads: number,
  options: SimulationOptions,
): Promise<Outcome> {
  const n = request.iterations;
  const scenarioCount = request.scenarios.length;
  const window = Math.max(2, Math.floor(BUFFER_BUDGET_BYTES / (16 * n)));
  const portfolio = new SharedArrayBuffer(n * 8);
  const states: ScenarioState[] = request.scenarios.map(() => ({
    buffers: null,
    unitsLeft: plan.unitsPerScenario,
    simulated: false,
    summary: null,
    committed: false,
  }));
  const spare: ScenarioBuffers[] = [];
  const summarizeQueue: number[] = [];
  let nextUnit = 0;
  let holding = 0;
  let committed = 0;
  let commitInFlight = false;
  let portfolioStarted = false;
  let unitsDone = 0;
  let taskId = 0;

  const workers = Array.from({ length: threads }, () => startWorker({ request, seed }));
  const idle: Worker[] = [...workers];
  const pending = new Map<number, (result: TaskResult) => void>();

  return new Promise<Outcome>((resolve, reject) => {
    let finished = false;
    const finish = (error: unknown, outcome?: Outcome) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const worker of workers) void worker.terminate();
      if (outcome) resolve(outcome);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('simulation aborted'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort);

    const release = (scenario: number) => {
      const state = states[scenario];
      if (state?.buffers && state.summary && state.committed) {
        spare.push(state.buffers);
        state.buffers = null;
        holding--;
      }
    };

    const send = (
      worker: Worker,
      task: Task,
      onDone: (result: Extract<TaskResult, { type: 'done' }>) => void,
    ) => {
      pending.set(task.id, (result) => {
        idle.push(worker);
        if (result.type === 'failed') {
          const { code, message, fieldErrors } = result.error;
          finish(code && isErrorCode(code) ? new AppError(code, message, fieldErrors) : new Error(message));
          return;
        }
        onDone(result);
        schedule();
      });
      worker.postMessage(task);
    };

    const nextTask = (worker: Worker): boolean => {
      const commitState = states[committed];
      if (!commitInFlight && commitState?.simulated && commitState.buffers) {
        commitInFlight = true;
        const scenario = committed;
        send(worker, { type: 'commit', id: taskId++, losses: commitState.buffers.losses, portfolio }, () => {
          commitState.committed = true;
          commitInFlight = false;
          committed = scenario + 1;
          release(scenario);
        });
        return true;
      }
      const toSummarize = summarizeQueue.shift();
      if (toSummarize !== undefined) {
        const state = required(states[toSummarize]);
        send(
          worker,
          {
            type: 'summarize',
            id: taskId++,
            scenario: toSummarize,
            buffers: required(state.buffers ?? undefined),
          },
          (result) => {
            state.summary = required(result.scenarioSummary);
            release(toSummarize);
          },
        );
        return true;
      }
      const unit = plan.units[nextUnit];
      if (unit) {
        const state = required(states[unit.scenario]);
        if (!state.buffers) {
          if (holding >= window) return false;
          state.buffers = spare.pop() ?? allocateBuffers(n);
          holding++;
        }
        nextUnit++;
        send(
          worker,
          { type: 'simulate', id: taskId++, ...unit, buffers: state.buffers, summarize: unit.whole },
          (result) => {
            unitsDone++;
            options.onProgress?.(unitsDone / plan.units.length);
            state.unitsLeft--;
            if (state.unitsLeft > 0) return;
            state.simulated = true;
            if (result.scenarioSummary) {
              state.summary = result.scenarioSummary;
              release(unit.scenario);
            } else {
              summarizeQueue.push(unit.scenario);
            }
          },
        );
        return true;
      }
      if (committed === scenarioCount && !portfolioStarted && states.every((state) => state.summary)) {
        portfolioStarted = true;
        send(worker, { type: 'portfolio', id: taskId++, portfolio }, (result) => {
          finish(null, {
            scenarioSummaries: states.map((state) => required(state.summary ?? undefined)),
            portfolio: required(result.portfolioSummary),
          });
        });
        return true;
      }
      return false;
    };

    const schedule = () => {
      while (!finished && idle.length > 0) {
        const worker = idle[idle.length - 1];
        if (!worker || !nextTask(worker)) return;
        idle.pop();
      }
    };

    for (const worker of workers) {
      worker.on('message', (result: TaskResult) => {
        const callback = pending.get(result.id);
        pending.delete(result.id);
        callback?.(result);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!finished) finish(new Error(`a simulation worker stopped (exit code ${code})`));
      });
    }
    schedule();
  });
}

function assemble(
  request: SimulationRequest,
  seed: number,
  summaries: ScenarioSummary[],
  portfolio: Summary,
): SimulationResult {
  const scenarios = request.scenarios.map((scenario, index): ScenarioResult => {
    const summary = required(summaries[index]);
    return {
      ...(scenario.id !== undefined ? { id: scenario.id } : {}),
      ...(scenario.name !== undefined ? { name: scenario.name } : {}),
      annualLoss: summary.annualLoss.stats,
      lossEvents: summary.lossEvents,
      probabilityOfLoss: summary.annualLoss.probabilityOfLoss,
      lossExceedance: summary.annualLoss.lossExceedance,
    };
  });
  return {
    iterations: request.iterations,
    seed,
    scenarios,
    portfolio: {
      annualLoss: portfolio.stats,
      probabilityOfLoss: portfolio.probabilityOfLoss,
      lossExceedance: portfolio.lossExceedance,
    },
  };
}
