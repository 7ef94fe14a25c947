import { idParams, listOf } from '../../../contracts/common.js';
import { jobListQuery, jobSchema } from '../../../contracts/jobs.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import type { ServerModule, ZodApp } from '../http/app.js';
import { auditContextOf } from '../http/authenticate.js';
import { findJob, listJobs, toJob } from './repository.js';
import { retryJob } from './service.js';

const tags = ['jobs'];

function registerJobRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/jobs',
    {
      config: { access: 'jobs:manage' },
      schema: {
        tags,
        summary: 'List background jobs, newest first',
        querystring: jobListQuery,
        response: { 200: listOf(jobSchema) },
      },
    },
    (request) => listJobs(ctx.database.db, request.query),
  );
  app.get(
    '/api/v1/jobs/:id',
    {
      config: { access: 'jobs:manage' },
      schema: { tags, summary: 'Get a background job', params: idParams, response: { 200: jobSchema } },
    },
    async (request) => {
      const row = await findJob(ctx.database.db, request.params.id);
      if (!row) throw notFound('Job');
      return toJob(row);
    },
  );
  app.post(
    '/api/v1/jobs/:id/retry',
    {
      config: { access: 'jobs:manage' },
      schema: {
        tags,
        summary: 'Retry a failed or dead job now',
        params: idParams,
        response: { 200: jobSchema },
      },
    },
    (request) => retryJob(ctx, auditContextOf(request), request.params.id),
  );
}

/** The admin view of the job queue. */
export const jobsModule: ServerModule = { name: 'jobs', registerRoutes: registerJobRoutes };
