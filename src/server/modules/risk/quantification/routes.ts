import { z } from 'zod';
import { idSchema, listOf } from '../../../../contracts/common.js';
import {
  appetiteSchema,
  createQuantificationBody,
  portfolioQuery,
  portfolioSchema,
  quantificationSchema,
  updateAppetiteBody,
  whatIfSchema,
} from '../../../../contracts/risk.js';
import type { AppContext } from '../../../platform/context.js';
import { auditContextOf, principalOf } from '../../../platform/http/authenticate.js';
import type { ZodApp } from '../../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../../platform/http/etag.js';
import { runWithProgress } from './progress.js';
import * as service from './service.js';

const tags = ['risk'];
const riskParams = z.object({ id: idSchema });
const progressNote =
  ' Send `Accept: text/event-stream` to follow the run: `progress` events ({ "fraction" }), then one `result` event with the answer, or one `error` event with a problem.';

/** Stored quantifications, what-if comparisons, the portfolio and the loss appetite. */
export function registerQuantificationRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/risks/:id/quantifications',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Quantify a risk (FAIR): run the engine and store inputs, seed and results',
        description:
          'One scenario in the shape of `POST /api/v1/risk/simulate`, labelled "current" or "proposed" (with the annual cost of the proposed controls).' +
          progressNote,
        params: riskParams,
        body: createQuantificationBody,
        response: { 201: quantificationSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const prepared = await service.prepareQuantification(ctx, principal, request.params.id, request.body);
      return runWithProgress(request, reply, 201, (run) =>
        service.runQuantification(ctx, auditContextOf(request), principal, prepared, run),
      );
    },
  );
  app.get(
    '/api/v1/risks/:id/quantifications',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Stored quantifications of a risk, newest first',
        params: riskParams,
        response: { 200: listOf(quantificationSchema) },
      },
    },
    async (request) => ({
      items: await service.quantificationHistory(ctx, principalOf(request), request.params.id),
      nextCursor: null,
    }),
  );
  app.get(
    '/api/v1/risks/:id/what-if',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Current vs proposed controls: risk reduction, control cost, ROSI',
        description:
          'Compares the latest "current" and the latest "proposed" quantification. ROSI = (reduction − cost) / cost.',
        params: riskParams,
        response: { 200: whatIfSchema },
      },
    },
    (request) => service.whatIf(ctx, principalOf(request), request.params.id),
  );
  app.get(
    '/api/v1/risk/portfolio',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'The portfolio of quantified risks with its loss exceedance curve and the appetite',
        description:
          'Simulates the latest "current" quantification of every visible open risk together (fixed seed) and reads the curve against the loss appetite.' +
          progressNote,
        querystring: portfolioQuery,
        response: { 200: portfolioSchema },
      },
    },
    async (request, reply) => {
      const prepared = await service.preparePortfolio(ctx, principalOf(request), request.query);
      return runWithProgress(request, reply, 200, (run) => service.runPortfolio(prepared, run));
    },
  );
  app.get(
    '/api/v1/risk/appetite',
    {
      config: { access: 'risk:read' },
      schema: { tags, summary: "The organization's loss appetite", response: { 200: appetiteSchema } },
    },
    async (_request, reply) => sendVersioned(reply, await service.getAppetite(ctx)),
  );
  app.put(
    '/api/v1/risk/appetite',
    {
      config: { access: 'risk:configure' },
      schema: {
        tags,
        summary: 'Set the loss appetite (If-Match required)',
        body: updateAppetiteBody,
        response: { 200: appetiteSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await service.updateAppetite(ctx, auditContextOf(request), version, request.body),
      );
    },
  );
}
