import type { Job } from '../../../contracts/jobs.js';
import type { AuditContext } from '../audit/chain.js';
import { writeAudited, type AppContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { nowIso } from '../ids.js';
import { findJob, requeueJob, toJob } from './repository.js';

/** Puts a failed or dead job back in the queue, due now with fresh attempts (audited). */
export async function retryJob(ctx: AppContext, audit: AuditContext, id: string): Promise<Job> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const before = await findJob(tx, id);
    if (!before) throw notFound('Job');
    const now = nowIso();
    if (!(await requeueJob(tx, id, now))) {
      throw conflict(`Only failed or dead jobs can be retried; this one is ${before.state}.`);
    }
    await record({
      action: 'job.retried',
      entityType: 'job',
      entityId: id,
      changes: { kind: before.kind, state: [before.state, 'queued'], attempts: [before.attempts, 0] },
    });
    const after = await findJob(tx, id);
    if (!after) throw notFound('Job');
    return toJob(after);
  });
}
