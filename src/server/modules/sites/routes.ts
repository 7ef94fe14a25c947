import { idParams, listOf } from '../../../contracts/common.js';
import { createSiteBody, siteListQuery, siteSchema, updateSiteBody } from '../../../contracts/sites.js';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { findSite, listSites, toSite } from './repository.js';
import { createSite, updateSite } from './service.js';

const tags = ['sites'];

export function registerSiteRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/sites',
    {
      config: { access: 'sites:write' },
      schema: { tags, summary: 'Create a site', body: createSiteBody, response: { 201: siteSchema } },
    },
    async (request, reply) => {
      const site = await createSite(ctx, auditContextOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, site);
    },
  );
  app.get(
    '/api/v1/sites',
    {
      config: { access: 'sites:read' },
      schema: {
        tags,
        summary: 'List the sites you can see',
        querystring: siteListQuery,
        response: { 200: listOf(siteSchema) },
      },
    },
    (request) => listSites(ctx.database.db, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/sites/:id',
    {
      config: { access: 'sites:read' },
      schema: { tags, summary: 'Get a site', params: idParams, response: { 200: siteSchema } },
    },
    async (request, reply) => {
      const row = await findSite(ctx.database.db, principalOf(request), request.params.id);
      if (!row) throw notFound('Site');
      return sendVersioned(reply, toSite(row));
    },
  );
  app.patch(
    '/api/v1/sites/:id',
    {
      config: { access: 'sites:write' },
      schema: {
        tags,
        summary: 'Update a site (If-Match required)',
        params: idParams,
        body: updateSiteBody,
        response: { 200: siteSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const site = await updateSite(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        version,
        request.body,
      );
      return sendVersioned(reply, site);
    },
  );
}
