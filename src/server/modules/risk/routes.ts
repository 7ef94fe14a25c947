import type { FastifyReply } from 'fastify';
import { simulationRequestSchema, simulationResultSchema } from '../../../contracts/risk-simulation.js';
import type { AppContext } from '../../platform/context.js';
import type { ZodApp } from '../../platform/http/app.js';
import { parseSimulationRequest } from './engine/index.js';
import { simulateForApi } from './service.js';

const tags = ['risk'];

/** A portfolio of 10,000 scenarios with every estimate spelled out fits well within this. */
const SIMULATE_BODY_LIMIT = 16 * 1024 * 1024;

// The answer is serialized once, by JSON.stringify, so the API and the CLI print the same bytes.
function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

export function registerRiskRoutes(app: ZodApp, _ctx: AppContext): void {
  app.post(
    '/api/v1/risk/simulate',
    {
      config: { access: 'risk:simulate' },
      bodyLimit: SIMULATE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Run a FAIR Monte Carlo simulation',
        description:
          'Open FAIR quantification of loss scenarios: annual loss statistics, loss exceedance curves and the portfolio total. The same request with the same seed gives a byte-identical answer. `vigil risk simulate` takes and prints the same JSON.',
        body: simulationRequestSchema,
        response: { 200: simulationResultSchema },
      },
      // One validator for the API and the CLI: the 400 names the field exactly as the CLI does.
      validatorCompiler: () => (data: unknown) => {
        try {
          return { value: parseSimulationRequest(data) };
        } catch (error) {
          return { error: error instanceof Error ? error : new Error(String(error)) };
        }
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
      });
      const result = await simulateForApi(request.body, controller.signal);
      return sendJson(reply, JSON.stringify(result));
    },
  );
}
