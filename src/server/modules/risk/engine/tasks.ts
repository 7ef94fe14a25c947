import type { SimulationRequest, SimulationStats } from '../../../../contracts/risk-simulation.js';
import { BlockScratch, compileScenario, simulateBlocks, type ScenarioModel } from './scenario.js';
import { Summarizer, type Summary } from './statistics.js';

/*
 * The units of work of a simulation, run the same way on a worker thread or on the calling
 * thread. Buffers are SharedArrayBuffers so that a scenario's years can be written by several
 * workers and read by another without copies.
 */

/** Annual losses and loss events of one scenario, one slot per iteration. */
export interface ScenarioBuffers {
  losses: SharedArrayBuffer;
  events: SharedArrayBuffer;
}

export interface ScenarioSummary {
  annualLoss: Summary;
  lossEvents: SimulationStats;
}

export type Task =
  | {
      type: 'simulate';
      id: number;
      scenario: number;
      firstBlock: number;
      endBlock: number;
      buffers: ScenarioBuffers;
      /** The unit covers the whole scenario: summarize it in the same task. */
      summarize: boolean;
    }
  | { type: 'summarize'; id: number; scenario: number; buffers: ScenarioBuffers }
  | { type: 'commit'; id: number; losses: SharedArrayBuffer; portfolio: SharedArrayBuffer }
  | { type: 'portfolio'; id: number; portfolio: SharedArrayBuffer };

export type TaskResult =
  | { type: 'done'; id: number; scenarioSummary?: ScenarioSummary; portfolioSummary?: Summary }
  | { type: 'failed'; id: number; error: SerializedError };

/** An error crossing the thread boundary: AppErrors keep their code and field errors. */
export interface SerializedError {
  message: string;
  code?: string;
  fieldErrors?: { path: string; message: string }[];
}

/** What one thread keeps between tasks: the compiled scenarios and its scratch arrays. */
export class TaskRunner {
  private readonly models: (ScenarioModel | undefined)[] = [];
  private readonly summarizer = new Summarizer();
  private readonly scratch = new BlockScratch();

  constructor(
    private readonly request: SimulationRequest,
    private readonly seed: number,
  ) {}

  private model(index: number): ScenarioModel {
    let model = this.models[index];
    if (!model) {
      const scenario = this.request.scenarios[index];
      if (!scenario) throw new Error(`no scenario ${index}`);
      model = compileScenario(scenario, index, this.request.iterations);
      this.models[index] = model;
    }
    return model;
  }

  /** Runs one task and returns what the orchestrator needs from it. */
  run(task: Task): { scenarioSummary?: ScenarioSummary; portfolioSummary?: Summary } {
    switch (task.type) {
      case 'simulate': {
        const losses = new Float64Array(task.buffers.losses);
        const events = new Float64Array(task.buffers.events);
        simulateBlocks(
          this.model(task.scenario),
          this.seed,
          this.request.iterations,
          task.firstBlock,
          task.endBlock,
          losses,
          events,
          this.scratch,
        );
        return task.summarize
          ? { scenarioSummary: this.summarizeScenario(task.scenario, losses, events) }
          : {};
      }
      case 'summarize':
        return {
          scenarioSummary: this.summarizeScenario(
            task.scenario,
            new Float64Array(task.buffers.losses),
            new Float64Array(task.buffers.events),
          ),
        };
      case 'commit': {
        // Scenarios are committed one at a time in their order, so every total is the same sum in the same order.
        const losses = new Float64Array(task.losses);
        const portfolio = new Float64Array(task.portfolio);
        for (let i = 0; i < portfolio.length; i++) portfolio[i] = (portfolio[i] ?? 0) + (losses[i] ?? 0);
        return {};
      }
      case 'portfolio':
        return { portfolioSummary: this.summarizer.summarize(new Float64Array(task.portfolio)) };
    }
  }

  private summarizeScenario(scenario: number, losses: Float64Array, events: Float64Array): ScenarioSummary {
    // "poisson" events are counts; "product" ones are drawn frequencies.
    const lossEvents = this.model(scenario).product
      ? this.summarizer.summarize(events, false).stats
      : this.summarizer.summarizeCounts(events);
    return { annualLoss: this.summarizer.summarize(losses), lossEvents };
  }
}
