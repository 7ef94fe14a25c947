import { idParams, listOf } from '../../../contracts/common.js';
import {
  createPersonBody,
  personListQuery,
  personSchema,
  updatePersonBody,
} from '../../../contracts/people.js';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { findPerson, listPeople, toPerson } from './repository.js';
import { createPerson, updatePerson } from './service.js';

const tags = ['people'];

export function registerPeopleRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/people',
    {
      config: { access: 'people:write' },
      schema: {
        tags,
        summary: 'Add a person to the directory',
        body: createPersonBody,
        response: { 201: personSchema },
      },
    },
    async (request, reply) => {
      const person = await createPerson(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, person);
    },
  );
  app.get(
    '/api/v1/people',
    {
      config: { access: 'people:read' },
      schema: {
        tags,
        summary: 'Search the people directory',
        querystring: personListQuery,
        response: { 200: listOf(personSchema) },
      },
    },
    (request) => listPeople(ctx.database.db, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/people/:id',
    {
      config: { access: 'people:read' },
      schema: { tags, summary: 'Get a person', params: idParams, response: { 200: personSchema } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const row = await findPerson(ctx.database.db, principal, request.params.id);
      if (!row) throw notFound('Person');
      return sendVersioned(reply, toPerson(row, principal.permissions.has('people:pii')));
    },
  );
  app.patch(
    '/api/v1/people/:id',
    {
      config: { access: 'people:write' },
      schema: {
        tags,
        summary: 'Update a person (If-Match required)',
        params: idParams,
        body: updatePersonBody,
        response: { 200: personSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const person = await updatePerson(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        version,
        request.body,
      );
      return sendVersioned(reply, person);
    },
  );
}
