import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { escalateAlarms } from './alarms.service.js';
import { checkSupervision } from './supervision.js';

export const SUPERVISION_JOB = 'monitoring.supervision';
export const ESCALATION_JOB = 'monitoring.escalation';

// Every 10 s: a silent device is declared offline at most 10 s after its grace ran out, and an
// unacknowledged critical alarm (60 s deadline) reaches the next tier within 70 s.
const INTERVAL_SECONDS = 10;

/**
 * The monitoring sweeps on the scheduler. A failed sweep is not retried (maxAttempts 1): the next
 * one, seconds later, does the same work; both are safe on several nodes at once.
 */
export function registerMonitoringJobs(ctx: AppContext): void {
  ctx.jobs.register({
    kind: SUPERVISION_JOB,
    schema: z.object({}),
    maxAttempts: 1,
    timeoutSeconds: 60,
    handler: async () => {
      await checkSupervision(ctx);
    },
  });
  ctx.jobs.register({
    kind: ESCALATION_JOB,
    schema: z.object({}),
    maxAttempts: 1,
    timeoutSeconds: 60,
    handler: async () => {
      await escalateAlarms(ctx);
    },
  });
  ctx.jobs.schedule({
    name: SUPERVISION_JOB,
    intervalSeconds: INTERVAL_SECONDS,
    kind: SUPERVISION_JOB,
    payload: {},
  });
  ctx.jobs.schedule({
    name: ESCALATION_JOB,
    intervalSeconds: INTERVAL_SECONDS,
    kind: ESCALATION_JOB,
    payload: {},
  });
}
