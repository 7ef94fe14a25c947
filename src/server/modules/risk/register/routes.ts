import { z } from 'zod';
import { idSchema, listOf } from '../../../../contracts/common.js';
import {
  actionSchema,
  assessmentSchema,
  createActionBody,
  createAssessmentBody,
  createMatrixBody,
  createRiskBody,
  createSavedViewBody,
  createTreatmentBody,
  heatmapQuery,
  heatmapSchema,
  importResultSchema,
  matrixSchema,
  riskListQuery,
  riskSchema,
  treatmentSchema,
  updateActionBody,
  updateMatrixBody,
  updateRiskBody,
  updateTreatmentBody,
} from '../../../../contracts/risk.js';
import type { AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { nowIso } from '../../../platform/ids.js';
import { auditContextOf, principalOf } from '../../../platform/http/authenticate.js';
import type { ZodApp } from '../../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../../platform/http/etag.js';
import { registerSavedViewRoutes } from '../../../platform/views/saved-views.js';
import { levelOf } from './matrix.js';
import * as repo from './repository.js';
import * as service from './service.js';
import { exportCsv, exportXlsx, importRegister, parseUpload } from './transfer.js';

const tags = ['risk'];
const riskParams = z.object({ id: idSchema });
const treatmentParams = riskParams.extend({ treatmentId: idSchema });
const actionParams = treatmentParams.extend({ actionId: idSchema });
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const exportQuery = riskListQuery
  .omit({ limit: true, cursor: true })
  .extend({ format: z.enum(['csv', 'xlsx']).default('csv') });

export function registerRiskRegisterRoutes(app: ZodApp, ctx: AppContext): void {
  // Register files arrive as raw CSV or XLSX bodies (up to 20 MiB).
  app.addContentTypeParser(
    ['text/csv', XLSX_TYPE],
    { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/api/v1/risks',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'The risk register (filters, heat-map cell, overdue reviews)',
        querystring: riskListQuery,
        response: { 200: listOf(riskSchema) },
      },
    },
    (request) => repo.listRisks(ctx.database.db, principalOf(request), request.query),
  );
  app.post(
    '/api/v1/risks',
    {
      config: { access: 'risk:write' },
      schema: { tags, summary: 'Add a risk scenario', body: createRiskBody, response: { 201: riskSchema } },
    },
    async (request, reply) => {
      const risk = await service.createRisk(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, risk);
    },
  );
  app.get(
    '/api/v1/risks/export',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Export the register as CSV or XLSX (same filters as the list)',
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const principal = principalOf(request);
      const stamp = nowIso().slice(0, 10);
      void reply.header('content-disposition', `attachment; filename="risk-register-${stamp}.${format}"`);
      if (format === 'xlsx')
        return reply.type(XLSX_TYPE).send(await exportXlsx(ctx.database.db, principal, filters));
      return reply.type('text/csv; charset=utf-8').send(await exportCsv(ctx.database.db, principal, filters));
    },
  );
  app.post(
    '/api/v1/risks/import',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Import a register file (Content-Type text/csv or XLSX); all rows or none',
        description:
          'Send the file as the raw request body. Rows with a known id update that risk; others are created.',
        response: { 200: importResultSchema },
      },
    },
    async (request) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!Buffer.isBuffer(request.body))
        throw new AppError('unsupported_media_type', 'Send the register as text/csv or as an XLSX workbook.');
      const records = await parseUpload(request.body, contentType.startsWith(XLSX_TYPE) ? 'xlsx' : 'csv');
      return importRegister(ctx, auditContextOf(request), principalOf(request), records);
    },
  );
  app.get(
    '/api/v1/risks/:id',
    {
      config: { access: 'risk:read' },
      schema: { tags, summary: 'Get a risk', params: riskParams, response: { 200: riskSchema } },
    },
    async (request, reply) => {
      const row = await repo.findRisk(ctx.database.db, principalOf(request), request.params.id);
      if (!row) throw notFound('Risk');
      const [risk] = await repo.presentRisks(ctx.database.db, [row]);
      if (!risk) throw notFound('Risk');
      return sendVersioned(reply, risk);
    },
  );
  app.patch(
    '/api/v1/risks/:id',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Update a risk (If-Match required)',
        params: riskParams,
        body: updateRiskBody,
        response: { 200: riskSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await service.updateRisk(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          version,
          request.body,
        ),
      );
    },
  );
  app.get(
    '/api/v1/risks/:id/assessments',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Assessment history of a risk, newest first',
        params: riskParams,
        response: { 200: listOf(assessmentSchema) },
      },
    },
    async (request) => {
      if (!(await repo.findRisk(ctx.database.db, principalOf(request), request.params.id)))
        throw notFound('Risk');
      return { items: await repo.listAssessments(ctx.database.db, request.params.id), nextCursor: null };
    },
  );
  app.post(
    '/api/v1/risks/:id/assessments',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Assess a risk (inherent or residual)',
        params: riskParams,
        body: createAssessmentBody,
        response: { 201: assessmentSchema },
      },
    },
    async (request, reply) => {
      return reply
        .status(201)
        .send(
          await service.assessRisk(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body,
          ),
        );
    },
  );
  app.post(
    '/api/v1/risks/:id/review',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Record a review of a risk',
        params: riskParams,
        body: z.object({ note: z.string().max(5000).default('') }),
        response: { 200: riskSchema },
      },
    },
    async (request, reply) => {
      return sendVersioned(
        reply,
        await service.reviewRisk(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.body.note,
        ),
      );
    },
  );
  app.get(
    '/api/v1/risks/:id/treatments',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Treatment plans of a risk',
        params: riskParams,
        response: { 200: listOf(treatmentSchema) },
      },
    },
    async (request) => ({
      items: await service.listTreatments(ctx, principalOf(request), request.params.id),
      nextCursor: null,
    }),
  );
  app.post(
    '/api/v1/risks/:id/treatments',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Propose a treatment (mitigate, transfer, accept, avoid)',
        params: riskParams,
        body: createTreatmentBody,
        response: { 201: treatmentSchema },
      },
    },
    async (request, reply) => {
      return reply
        .status(201)
        .send(
          await service.createTreatment(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body,
          ),
        );
    },
  );
  app.patch(
    '/api/v1/risks/:id/treatments/:treatmentId',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Update a treatment (If-Match required)',
        params: treatmentParams,
        body: updateTreatmentBody,
        response: { 200: treatmentSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await service.updateTreatment(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.params.treatmentId,
          version,
          request.body,
        ),
      );
    },
  );
  app.post(
    '/api/v1/risks/:id/treatments/:treatmentId/approve',
    {
      config: { access: 'risk:approve' },
      schema: {
        tags,
        summary: 'Approve a treatment (an approved acceptance holds until it expires)',
        params: treatmentParams,
        response: { 200: treatmentSchema },
      },
    },
    async (request, reply) => {
      return sendVersioned(
        reply,
        await service.approveTreatment(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.params.treatmentId,
        ),
      );
    },
  );
  app.post(
    '/api/v1/risks/:id/treatments/:treatmentId/actions',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Add an action to a treatment',
        params: treatmentParams,
        body: createActionBody,
        response: { 201: actionSchema },
      },
    },
    async (request, reply) => {
      return reply
        .status(201)
        .send(
          await service.createAction(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.params.treatmentId,
            request.body,
          ),
        );
    },
  );
  app.patch(
    '/api/v1/risks/:id/treatments/:treatmentId/actions/:actionId',
    {
      config: { access: 'risk:write' },
      schema: {
        tags,
        summary: 'Update an action (If-Match required)',
        params: actionParams,
        body: updateActionBody,
        response: { 200: actionSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const { id, treatmentId, actionId } = request.params;
      return sendVersioned(
        reply,
        await service.updateAction(
          ctx,
          auditContextOf(request),
          principalOf(request),
          id,
          treatmentId,
          actionId,
          version,
          request.body,
        ),
      );
    },
  );

  app.get(
    '/api/v1/risk/heatmap',
    {
      config: { access: 'risk:read' },
      schema: {
        tags,
        summary: 'Heat map: risks per likelihood × impact cell',
        querystring: heatmapQuery,
        response: { 200: heatmapSchema },
      },
    },
    async (request) => {
      const db = ctx.database.db;
      const matrix = request.query.matrixId
        ? (await repo.matricesById(db)).get(request.query.matrixId)
        : await repo.defaultMatrix(db);
      if (!matrix) throw notFound('Matrix');
      const rows = await repo.allRisks(db, principalOf(request), {
        rating: request.query.rating,
        ...(request.query.siteId ? { siteId: request.query.siteId } : {}),
      });
      const onMatrix = rows.filter((r) => r.matrix_id === matrix.id && r.status !== 'closed');
      const cells = Array.from({ length: matrix.size }, (_, l) =>
        Array.from({ length: matrix.size }, (_, i) => {
          const score = (l + 1) * (i + 1);
          const level = levelOf(matrix, score);
          return {
            likelihood: l + 1,
            impact: i + 1,
            score,
            level: level.name,
            colour: level.colour,
            count: 0,
          };
        }),
      );
      let unrated = 0;
      for (const row of onMatrix) {
        const likelihood =
          request.query.rating === 'inherent' ? row.inherent_likelihood : (row.residual_likelihood ?? null);
        const impact =
          request.query.rating === 'inherent' ? row.inherent_impact : (row.residual_impact ?? null);
        const cell = likelihood && impact ? cells[likelihood - 1]?.[impact - 1] : undefined;
        if (cell) cell.count += 1;
        else unrated += 1;
      }
      return { matrix, rating: request.query.rating, cells, unrated };
    },
  );

  app.get(
    '/api/v1/risk/matrices',
    {
      config: { access: 'risk:read' },
      schema: { tags, summary: 'Risk matrices', response: { 200: listOf(matrixSchema) } },
    },
    async () => ({
      items: [...(await repo.matricesById(ctx.database.db)).values()].sort((a, b) =>
        a.createdAt.localeCompare(b.createdAt),
      ),
      nextCursor: null,
    }),
  );
  app.post(
    '/api/v1/risk/matrices',
    {
      config: { access: 'risk:configure' },
      schema: {
        tags,
        summary: 'Create a risk matrix (3×3, 4×4 or 5×5)',
        body: createMatrixBody,
        response: { 201: matrixSchema },
      },
    },
    async (request, reply) => {
      const matrix = await service.createMatrix(ctx, auditContextOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, matrix);
    },
  );
  app.patch(
    '/api/v1/risk/matrices/:id',
    {
      config: { access: 'risk:configure' },
      schema: {
        tags,
        summary: 'Update a risk matrix (If-Match required)',
        params: riskParams,
        body: updateMatrixBody,
        response: { 200: matrixSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await service.updateMatrix(ctx, auditContextOf(request), request.params.id, version, request.body),
      );
    },
  );

  registerSavedViewRoutes(app, ctx, {
    path: '/api/v1/risk/views',
    table: 'risk_saved_views',
    access: 'risk:read',
    tags,
    entityType: 'risk_view',
    listName: 'register',
    filters: createSavedViewBody.shape.filters,
  });
}
