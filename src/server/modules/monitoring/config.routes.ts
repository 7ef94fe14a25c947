import { idParams, listOf } from '../../../contracts/common.js';
import {
  createRuleBody,
  createSopBody,
  ruleListQuery,
  ruleSchema,
  sopListQuery,
  sopSchema,
  updateRuleBody,
  updateSopBody,
} from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { listRules, listSops } from './config.repository.js';
import { createRule, createSop, getRule, getSop, updateRule, updateSop } from './config.service.js';

const tags = ['alarm rules and SOPs'];

export function registerConfigRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/alarm-rules',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'List alarm rules',
        querystring: ruleListQuery,
        response: { 200: listOf(ruleSchema) },
      },
    },
    (request) => listRules(ctx.database.db, principalOf(request), request.query),
  );
  app.post(
    '/api/v1/alarm-rules',
    {
      config: { access: 'alarms:configure' },
      schema: {
        tags,
        summary: 'Create an alarm rule (per type, device or site, with an optional arming schedule)',
        body: createRuleBody,
        response: { 201: ruleSchema },
      },
    },
    async (request, reply) => {
      const rule = await createRule(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, rule);
    },
  );
  app.get(
    '/api/v1/alarm-rules/:id',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'Get an alarm rule (its ETag is the version to send in If-Match)',
        params: idParams,
        response: { 200: ruleSchema },
      },
    },
    async (request, reply) =>
      sendVersioned(reply, await getRule(ctx, principalOf(request), request.params.id)),
  );
  app.patch(
    '/api/v1/alarm-rules/:id',
    {
      config: { access: 'alarms:configure' },
      schema: {
        tags,
        summary: 'Update an alarm rule (If-Match required)',
        params: idParams,
        body: updateRuleBody,
        response: { 200: ruleSchema },
      },
    },
    async (request, reply) => {
      const rule = await updateRule(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        expectedVersion(request),
        request.body,
      );
      return sendVersioned(reply, rule);
    },
  );
  app.get(
    '/api/v1/alarm-sops',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'List standard operating procedures',
        querystring: sopListQuery,
        response: { 200: listOf(sopSchema) },
      },
    },
    (request) => listSops(ctx.database.db, principalOf(request), request.query),
  );
  app.post(
    '/api/v1/alarm-sops',
    {
      config: { access: 'alarms:configure' },
      schema: {
        tags,
        summary: 'Create the SOP of an alarm type (organization-wide or for one site)',
        body: createSopBody,
        response: { 201: sopSchema },
      },
    },
    async (request, reply) => {
      const sop = await createSop(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, sop);
    },
  );
  app.get(
    '/api/v1/alarm-sops/:id',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'Get an SOP (its ETag is the version to send in If-Match)',
        params: idParams,
        response: { 200: sopSchema },
      },
    },
    async (request, reply) =>
      sendVersioned(reply, await getSop(ctx, principalOf(request), request.params.id)),
  );
  app.patch(
    '/api/v1/alarm-sops/:id',
    {
      config: { access: 'alarms:configure' },
      schema: {
        tags,
        summary: 'Update an SOP (If-Match required); alarms already raised keep their steps',
        params: idParams,
        body: updateSopBody,
        response: { 200: sopSchema },
      },
    },
    async (request, reply) => {
      const sop = await updateSop(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        expectedVersion(request),
        request.body,
      );
      return sendVersioned(reply, sop);
    },
  );
}
