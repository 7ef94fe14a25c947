import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { simulationRequestSchema } from '../../../../contracts/risk-simulation.js';
import { AppError } from '../../../platform/errors.js';
import { TaskRunner, type Task, type TaskResult } from './tasks.js';

// A simulation worker: runs the tasks the orchestrator (simulate.ts) sends, one at a time.
const init = z.object({ request: simulationRequestSchema, seed: z.number().int() }).parse(workerData);
const runner = new TaskRunner(init.request, init.seed);
const port = parentPort;
if (!port) throw new Error('simulation worker started outside a worker thread');

port.on('message', (task: Task) => {
  let result: TaskResult;
  try {
    result = { type: 'done', id: task.id, ...runner.run(task) };
  } catch (error) {
    result = {
      type: 'failed',
      id: task.id,
      error:
        error instanceof AppError
          ? { message: error.message, code: error.code, fieldErrors: error.fieldErrors }
          : { message: error instanceof Error ? error.message : String(error) },
    };
  }
  port.postMessage(result);
});
