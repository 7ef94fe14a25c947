import { createHmac, randomBytes } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, listOf, okSchema } from '../../../contracts/common.js';
import {
  addPersonBody,
  assignBody,
  calendarBody,
  calendarSchema,
  caseWorkerListQuery,
  caseWorkerSchema,
  concernAuthBody,
  concernCreatedSchema,
  concernMessageBody,
  concernMessageSchema,
  concernThreadSchema,
  contentQuery,
  createConcernBody,
  createIncidentBody,
  createIncidentTypeBody,
  custodyEntrySchema,
  disposalDecisionBody,
  disposalRequestBody,
  evidenceParams,
  evidenceSchema,
  exclusionBody,
  exclusionSchema,
  followUpBody,
  incidentCsvQuery,
  incidentListQuery,
  incidentPersonSchema,
  incidentSchema,
  incidentTypeSchema,
  incidentViewFilters,
  legalHoldBody,
  memberBody,
  memberParams,
  memberSchema,
  mergeBody,
  metricsQuery,
  metricsSchema,
  noteBody,
  noteSchema,
  personParams,
  physicalEvidenceBody,
  referralBody,
  referralParams,
  referralSchema,
  severityParams,
  slaPolicyBody,
  slaPolicySchema,
  staffConcernMessageSchema,
  staffReplyBody,
  taskBody,
  taskParams,
  actionParams,
  timelineEntrySchema,
  transferBody,
  transitionBody,
  updateIncidentBody,
  updateReferralBody,
  updateTaskBody,
  uploadedEvidenceSchema,
  verifyResultSchema,
  workItemSchema,
} from '../../../contracts/incidents.js';
import { BlobTooLargeError } from '../../platform/blobs/index.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { registerSavedViewRoutes } from '../../platform/views/saved-views.js';
import {
  createConcern,
  listConcernMessages,
  postReporterMessage,
  readThread,
  replyToReporter,
} from './concerns.js';
import {
  addPhysicalEvidence,
  decideDisposal,
  getEvidence,
  listCustody,
  listEvidence,
  openEvidenceContent,
  requestDisposal,
  transferEvidence,
  uploadEvidence,
  verifyEvidence,
  type UploadPart,
} from './evidence.service.js';
import { exportCase, incidentsCsv } from './export.js';
import { canSeePersonalData } from './policy.js';
import { readCaseFile, renderCaseReport } from './report.js';
import {
  findIncident,
  incidentMetrics,
  listCaseWorkers,
  listExclusions,
  listIncidents,
  listMembers,
  listNotes,
  listPeople,
  listReferrals,
  listTimeline,
  listWorkItems,
  toIncident,
  toReferral,
  toWorkItem,
} from './repository.js';
import {
  addIncidentMember,
  addIncidentPerson,
  addNote,
  addReferral,
  addReferralFollowUp,
  addWorkItem,
  assignIncident,
  createIncident,
  createIncidentType,
  editIncident,
  excludeFromIncident,
  liftExclusion,
  listIncidentTypes,
  mergeIncidents,
  removeIncidentMember,
  removeIncidentPerson,
  setLegalHold,
  transitionIncident,
  updateReferral,
  updateWorkItem,
} from './service.js';
import { createCalendar, listCalendars, listSlaPolicies, replaceCalendar, replaceSlaPolicy } from './sla.js';
import type { IncidentPeopleTable } from './tables.js';

const tags = ['incidents'];
const evidenceTags = ['evidence'];
const concernTags = ['concerns'];

// Rate limits of the public concern routes are counted in memory under a keyed hash of the client
// address (the key is random per process): nothing that identifies a reporter is ever stored.
const addressKey = randomBytes(32);
const limiterKey = (request: FastifyRequest) =>
  createHmac('sha256', addressKey).update(request.ip).digest('base64url');
const CONCERN_LIMIT = { max: 10, timeWindow: 10 * 60_000 };
const FOLLOW_UP_LIMIT = { max: 30, timeWindow: 10 * 60_000 };

const SAFE_INLINE =
  /^(image\/(png|jpeg|gif|webp)|video\/(mp4|webm)|audio\/(mpeg|ogg|wav)|application\/pdf|text\/plain)$/;

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function toPerson(row: IncidentPeopleTable, showPii: boolean, excluded: Set<string>) {
  return {
    id: row.id,
    role: row.role as 'reporter' | 'victim' | 'witness' | 'subject',
    personId: row.person_id,
    userId: showPii ? row.user_id : null,
    name: showPii ? row.name : null,
    contact: showPii ? row.contact : null,
    notes: showPii ? row.notes : null,
    excluded: row.user_id !== null && excluded.has(row.user_id),
    piiRedacted: !showPii,
    createdAt: row.created_at,
  };
}

/** Multipart parts as the evidence service takes them; the file stream stops at the size limit. */
async function* uploadParts(request: FastifyRequest, maxBytes: number): AsyncGenerator<UploadPart> {
  if (!request.isMultipart())
    throw new AppError(
      'unsupported_media_type',
      'Send evidence as multipart/form-data with the file in "file".',
    );
  const parts = request.parts({
    // 1 MiB chunks: fewer, larger writes to the blob store.
    fileHwm: 1 << 20,
    limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 10_000, parts: 6 },
  });
  for await (const part of parts) {
    if (part.type === 'file') {
      part.file.on('limit', () => part.file.destroy(new BlobTooLargeError(maxBytes)));
      yield {
        kind: 'file',
        name: part.fieldname,
        filename: part.filename,
        mimetype: part.mimetype,
        stream: part.file,
      };
    } else {
      yield { kind: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : '' };
    }
  }
}

/** Registers the routes of the incidents module in their own scope (multipart and rate limits stay local). */
export function registerIncidentRoutes(app: ZodApp, ctx: AppContext): void {
  const plugin: FastifyPluginAsyncZod = async (scope) => {
    await scope.register(fastifyMultipart, { throwFileSizeLimit: true });
    await scope.register(fastifyRateLimit, {
      global: false,
      keyGenerator: limiterKey,
      errorResponseBuilder: () =>
        new AppError('rate_limited', 'Too many requests from here; try again later.'),
    });
    registerConcernRoutes(scope, ctx);
    registerSettingsRoutes(scope, ctx);
    registerCaseRoutes(scope, ctx);
    registerEvidenceRoutes(scope, ctx);
    registerSavedViewRoutes(scope, ctx, {
      path: '/api/v1/incident-views',
      table: 'incident_saved_views',
      access: 'incidents:read',
      tags,
      entityType: 'incident_view',
      listName: 'incident list',
      filters: incidentViewFilters,
    });
  };
  void app.register(plugin);
}

function registerConcernRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/concerns',
    {
      config: { access: 'public', rateLimit: CONCERN_LIMIT },
      schema: {
        tags: concernTags,
        summary: 'Report a concern (anonymous by default; answers a reference and a secret follow-up code)',
        body: createConcernBody,
        response: { 201: concernCreatedSchema },
        security: [],
      },
    },
    async (request, reply) => {
      const created = await createConcern(ctx, request.principal, request.id, request.body);
      return reply.status(201).send(created);
    },
  );
  app.post(
    '/api/v1/concerns/thread',
    {
      config: { access: 'public', rateLimit: FOLLOW_UP_LIMIT },
      schema: {
        tags: concernTags,
        summary: 'Follow up on a concern with its reference and code',
        body: concernAuthBody,
        response: { 200: concernThreadSchema },
        security: [],
      },
    },
    (request) => readThread(ctx, request.body.reference, request.body.followUpCode),
  );
  app.post(
    '/api/v1/concerns/messages',
    {
      config: { access: 'public', rateLimit: FOLLOW_UP_LIMIT },
      schema: {
        tags: concernTags,
        summary: 'Send a message on a concern (reporter side)',
        body: concernMessageBody,
        response: { 201: concernMessageSchema },
        security: [],
      },
    },
    async (request, reply) => {
      const { reference, followUpCode, body } = request.body;
      return reply.status(201).send(await postReporterMessage(ctx, reference, followUpCode, body));
    },
  );
}

function registerSettingsRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/incident-types',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Incident types (built-in and user-defined)',
        response: { 200: z.object({ items: z.array(incidentTypeSchema) }) },
      },
    },
    async () => ({ items: await listIncidentTypes(ctx) }),
  );
  app.post(
    '/api/v1/incident-types',
    {
      config: { access: 'incidents:configure' },
      schema: {
        tags,
        summary: 'Add a user-defined incident type',
        body: createIncidentTypeBody,
        response: { 201: incidentTypeSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createIncidentType(ctx, auditContextOf(request), request.body)),
  );
  app.get(
    '/api/v1/incident-sla-policies',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'SLA per severity',
        response: { 200: z.object({ items: z.array(slaPolicySchema) }) },
      },
    },
    async () => ({ items: await listSlaPolicies(ctx) }),
  );
  app.put(
    '/api/v1/incident-sla-policies/:severity',
    {
      config: { access: 'incidents:configure' },
      schema: {
        tags,
        summary: 'Replace the SLA of a severity (If-Match required)',
        params: severityParams,
        body: slaPolicyBody,
        response: { 200: slaPolicySchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const policy = await replaceSlaPolicy(
        ctx,
        auditContextOf(request),
        request.params.severity,
        version,
        request.body,
      );
      return sendVersioned(reply, policy);
    },
  );
  app.get(
    '/api/v1/business-calendars',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Business-hours calendars',
        response: { 200: z.object({ items: z.array(calendarSchema) }) },
      },
    },
    async () => ({ items: await listCalendars(ctx) }),
  );
  app.post(
    '/api/v1/business-calendars',
    {
      config: { access: 'incidents:configure' },
      schema: {
        tags,
        summary: 'Add a business-hours calendar',
        body: calendarBody,
        response: { 201: calendarSchema },
      },
    },
    async (request, reply) => {
      const calendar = await createCalendar(ctx, auditContextOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, calendar);
    },
  );
  app.put(
    '/api/v1/business-calendars/:id',
    {
      config: { access: 'incidents:configure' },
      schema: {
        tags,
        summary: 'Replace a calendar (If-Match required)',
        params: idParams,
        body: calendarBody,
        response: { 200: calendarSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      return sendVersioned(
        reply,
        await replaceCalendar(ctx, auditContextOf(request), request.params.id, version, request.body),
      );
    },
  );
}

function registerCaseRoutes(app: ZodApp, ctx: AppContext): void {
  const db = ctx.database.db;

  app.post(
    '/api/v1/incidents',
    {
      config: { access: 'incidents:write' },
      schema: {
        tags,
        summary: 'Report an incident',
        body: createIncidentBody,
        response: { 201: incidentSchema },
      },
    },
    async (request, reply) => {
      const incident = await createIncident(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, incident);
    },
  );
  app.get(
    '/api/v1/incidents',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'List and search incidents you may see (q: full-text over title, description and notes)',
        querystring: incidentListQuery,
        response: { 200: listOf(incidentSchema) },
      },
    },
    (request) => listIncidents(db, ctx.database.dialect, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/incidents/metrics',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Counts by type, site, month and status; time to triage and resolve; SLA breaches',
        querystring: metricsQuery,
        response: { 200: metricsSchema },
      },
    },
    (request) => incidentMetrics(db, ctx.database.dialect, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/incidents/export.csv',
    {
      config: { access: 'incidents:read' },
      schema: { tags, summary: 'The filtered list as CSV', querystring: incidentCsvQuery },
    },
    (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', 'incidents.csv'))
        .send(incidentsCsv(ctx, principalOf(request), request.query)),
  );
  app.get(
    '/api/v1/incidents/:id',
    {
      config: { access: 'incidents:read' },
      schema: { tags, summary: 'Get an incident', params: idParams, response: { 200: incidentSchema } },
    },
    async (request, reply) => {
      const row = await findIncident(db, principalOf(request), request.params.id);
      if (!row) throw notFound('Incident');
      return sendVersioned(reply, toIncident(row));
    },
  );
  app.patch(
    '/api/v1/incidents/:id',
    {
      config: { access: 'incidents:write' },
      schema: {
        tags,
        summary: 'Edit an incident (If-Match required)',
        params: idParams,
        body: updateIncidentBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const incident = await editIncident(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        version,
        request.body,
      );
      return sendVersioned(reply, incident);
    },
  );
  app.post(
    '/api/v1/incidents/:id/transitions',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Move the case to another status (close needs a disposition, reopen a reason)',
        params: idParams,
        body: transitionBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) =>
      sendVersioned(
        reply,
        await transitionIncident(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.body,
        ),
      ),
  );
  app.post(
    '/api/v1/incidents/:id/assignment',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Assign or unassign the case',
        params: idParams,
        body: assignBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) =>
      sendVersioned(
        reply,
        await assignIncident(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.body.userId,
        ),
      ),
  );
  app.get(
    '/api/v1/incident-case-workers',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Users a case can be assigned to or shared with (active, with a role that reads incidents)',
        querystring: caseWorkerListQuery,
        response: { 200: listOf(caseWorkerSchema) },
      },
    },
    (request) => listCaseWorkers(db, request.query),
  );
  app.post(
    '/api/v1/incidents/:id/merge',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Merge a duplicate case into this one (both timelines are kept)',
        params: idParams,
        body: mergeBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) => {
      const incident = await mergeIncidents(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.body.sourceId,
      );
      return sendVersioned(reply, incident);
    },
  );

  // members, exclusions
  app.get(
    '/api/v1/incidents/:id/members',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Team members of the case',
        params: idParams,
        response: { 200: z.object({ items: z.array(memberSchema) }) },
      },
    },
    async (request) => {
      await visible(ctx, request, request.params.id);
      const rows = await listMembers(db, request.params.id);
      return { items: rows.map((r) => ({ userId: r.user_id, name: r.name, addedAt: r.added_at })) };
    },
  );
  app.post(
    '/api/v1/incidents/:id/members',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Add a team member (confidential cases: need-to-know)',
        params: idParams,
        body: memberBody,
        response: { 201: memberSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await addIncidentMember(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body.userId,
          ),
        ),
  );
  app.delete(
    '/api/v1/incidents/:id/members/:userId',
    {
      config: { access: 'incidents:manage' },
      schema: { tags, summary: 'Remove a team member', params: memberParams, response: { 200: okSchema } },
    },
    async (request) => {
      await removeIncidentMember(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.userId,
      );
      return { ok: true as const };
    },
  );
  app.get(
    '/api/v1/incidents/:id/exclusions',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Users excluded from the case',
        params: idParams,
        response: { 200: z.object({ items: z.array(exclusionSchema) }) },
      },
    },
    async (request) => {
      await visible(ctx, request, request.params.id);
      const rows = await listExclusions(db, request.params.id);
      return {
        items: rows.map((r) => ({ userId: r.user_id, name: r.name, reason: r.reason, addedAt: r.added_at })),
      };
    },
  );
  app.post(
    '/api/v1/incidents/:id/exclusions',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Exclude a user (e.g. a subject) from the case',
        params: idParams,
        body: exclusionBody,
        response: { 201: exclusionSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await excludeFromIncident(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body.userId,
            request.body.reason,
          ),
        ),
  );
  app.delete(
    '/api/v1/incidents/:id/exclusions/:userId',
    {
      config: { access: 'incidents:manage' },
      schema: { tags, summary: 'Lift an exclusion', params: memberParams, response: { 200: okSchema } },
    },
    async (request) => {
      await liftExclusion(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.userId,
      );
      return { ok: true as const };
    },
  );

  // people
  app.get(
    '/api/v1/incidents/:id/people',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'People involved (personal data needs people:pii)',
        params: idParams,
        response: { 200: z.object({ items: z.array(incidentPersonSchema) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await visible(ctx, request, request.params.id);
      const excluded = new Set((await listExclusions(db, request.params.id)).map((e) => e.user_id));
      const rows = await listPeople(db, request.params.id);
      return { items: rows.map((row) => toPerson(row, canSeePersonalData(principal), excluded)) };
    },
  );
  app.post(
    '/api/v1/incidents/:id/people',
    {
      config: { access: 'incidents:write' },
      schema: {
        tags,
        summary: 'Add a person involved',
        params: idParams,
        body: addPersonBody,
        response: { 201: incidentPersonSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const row = await addIncidentPerson(
        ctx,
        auditContextOf(request),
        principal,
        request.params.id,
        request.body,
      );
      const excluded = new Set(request.body.exclude && request.body.userId ? [request.body.userId] : []);
      return reply.status(201).send(toPerson(row, canSeePersonalData(principal), excluded));
    },
  );
  app.delete(
    '/api/v1/incidents/:id/people/:personEntryId',
    {
      config: { access: 'incidents:write' },
      schema: {
        tags,
        summary: 'Remove a person from the case',
        params: personParams,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      await removeIncidentPerson(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.personEntryId,
      );
      return { ok: true as const };
    },
  );

  // notes, timeline
  app.get(
    '/api/v1/incidents/:id/notes',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Notes (including those of merged cases)',
        params: idParams,
        response: { 200: z.object({ items: z.array(noteSchema) }) },
      },
    },
    async (request) => {
      await visible(ctx, request, request.params.id);
      const rows = await listNotes(db, request.params.id);
      return {
        items: rows.map((n) => ({
          id: n.id,
          incidentId: n.incident_id,
          author: n.author_id ? { id: n.author_id, name: n.author_label } : null,
          body: n.body,
          createdAt: n.created_at,
        })),
      };
    },
  );
  app.post(
    '/api/v1/incidents/:id/notes',
    {
      config: { access: 'incidents:write' },
      schema: {
        tags,
        summary: 'Add a note',
        params: idParams,
        body: noteBody,
        response: { 201: noteSchema },
      },
    },
    async (request, reply) => {
      const n = await addNote(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.body.body,
      );
      return reply.status(201).send({
        id: n.id,
        incidentId: n.incident_id,
        author: { id: n.author_id, name: n.author_label },
        body: n.body,
        createdAt: n.created_at,
      });
    },
  );
  app.get(
    '/api/v1/incidents/:id/timeline',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'The append-only timeline (merged cases included)',
        params: idParams,
        response: { 200: z.object({ items: z.array(timelineEntrySchema) }) },
      },
    },
    async (request) => {
      await visible(ctx, request, request.params.id);
      const rows = await listTimeline(db, request.params.id);
      return {
        items: rows.map((t) => ({
          id: t.id,
          incidentId: t.incident_id,
          incidentReference: t.reference,
          at: t.at,
          actor: { type: t.actor_type, id: t.actor_id, label: t.actor_label },
          kind: t.kind,
          summary: t.summary,
          data: z.record(z.string(), z.unknown()).catch({}).parse(JSON.parse(t.data)),
        })),
      };
    },
  );

  // tasks and corrective actions
  for (const kind of ['task', 'action'] as const) {
    const plural = kind === 'task' ? 'tasks' : 'actions';
    const label = kind === 'task' ? 'task' : 'corrective action';
    app.get(
      `/api/v1/incidents/:id/${plural}`,
      {
        config: { access: 'incidents:read' },
        schema: {
          tags,
          summary: `List ${label}s`,
          params: idParams,
          response: { 200: z.object({ items: z.array(workItemSchema) }) },
        },
      },
      async (request) => {
        await visible(ctx, request, request.params.id);
        return { items: (await listWorkItems(db, request.params.id, kind)).map(toWorkItem) };
      },
    );
    app.post(
      `/api/v1/incidents/:id/${plural}`,
      {
        config: { access: 'incidents:write' },
        schema: {
          tags,
          summary: `Add a ${label}`,
          params: idParams,
          body: taskBody,
          response: { 201: workItemSchema },
        },
      },
      async (request, reply) => {
        const item = await addWorkItem(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          kind,
          request.body,
        );
        void reply.status(201);
        return sendVersioned(reply, item);
      },
    );
    app.patch(
      `/api/v1/incidents/:id/${plural}/:${kind}Id`,
      {
        config: { access: 'incidents:write' },
        schema: {
          tags,
          summary: `Update a ${label} (If-Match required)`,
          params: kind === 'task' ? taskParams : actionParams,
          body: updateTaskBody,
          response: { 200: workItemSchema },
        },
      },
      async (request, reply) => {
        const params: Record<string, string> = request.params;
        const itemId = params[`${kind}Id`] ?? '';
        const version = expectedVersion(request);
        const item = await updateWorkItem(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          kind,
          itemId,
          version,
          request.body,
        );
        return sendVersioned(reply, item);
      },
    );
  }

  // referrals
  app.get(
    '/api/v1/incidents/:id/referrals',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Law-enforcement referrals',
        params: idParams,
        response: { 200: z.object({ items: z.array(referralSchema) }) },
      },
    },
    async (request) => {
      await visible(ctx, request, request.params.id);
      return { items: (await listReferrals(db, request.params.id)).map(toReferral) };
    },
  );
  app.post(
    '/api/v1/incidents/:id/referrals',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Record a referral to law enforcement',
        params: idParams,
        body: referralBody,
        response: { 201: referralSchema },
      },
    },
    async (request, reply) => {
      const referral = await addReferral(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.body,
      );
      void reply.status(201);
      return sendVersioned(reply, referral);
    },
  );
  app.patch(
    '/api/v1/incidents/:id/referrals/:referralId',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Update a referral (If-Match required)',
        params: referralParams,
        body: updateReferralBody,
        response: { 200: referralSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const referral = await updateReferral(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.referralId,
        version,
        request.body,
      );
      return sendVersioned(reply, referral);
    },
  );
  app.post(
    '/api/v1/incidents/:id/referrals/:referralId/follow-ups',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Record a follow-up with the agency',
        params: referralParams,
        body: followUpBody,
        response: { 201: referralSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await addReferralFollowUp(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.params.referralId,
            request.body,
          ),
        ),
  );

  // legal hold
  app.post(
    '/api/v1/incidents/:id/legal-hold',
    {
      config: { access: 'evidence:manage' },
      schema: {
        tags,
        summary: 'Place the case under legal hold (blocks evidence disposal)',
        params: idParams,
        body: legalHoldBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) => {
      const incident = await setLegalHold(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        { hold: true, reason: request.body.reason },
      );
      return sendVersioned(reply, incident);
    },
  );
  app.post(
    '/api/v1/incidents/:id/legal-hold/release',
    {
      config: { access: 'evidence:manage' },
      schema: {
        tags,
        summary: 'Lift the legal hold (the reason is kept on the timeline and custody logs)',
        params: idParams,
        body: legalHoldBody,
        response: { 200: incidentSchema },
      },
    },
    async (request, reply) => {
      const incident = await setLegalHold(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        { hold: false, reason: request.body.reason },
      );
      return sendVersioned(reply, incident);
    },
  );

  // anonymous conversation, staff side
  app.get(
    '/api/v1/incidents/:id/concern-messages',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Conversation with the reporter(s) of the concern(s) in this case',
        params: idParams,
        response: { 200: z.object({ items: z.array(staffConcernMessageSchema) }) },
      },
    },
    async (request) => ({ items: await listConcernMessages(ctx, principalOf(request), request.params.id) }),
  );
  app.post(
    '/api/v1/incidents/:id/concern-messages',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Reply to the reporter',
        params: idParams,
        body: staffReplyBody,
        response: { 201: staffConcernMessageSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await replyToReporter(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body,
          ),
        ),
  );

  // reports and export
  app.get(
    '/api/v1/incidents/:id/report.pdf',
    {
      config: { access: 'incidents:read' },
      schema: { tags, summary: 'The case report (PDF)', params: idParams },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const file = await readCaseFile(db, principal, request.params.id);
      const pdf = await renderCaseReport(file, principal.name);
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition('attachment', `${file.incident.reference}.pdf`))
        .send(pdf);
    },
  );
  app.get(
    '/api/v1/incidents/:id/export',
    {
      config: { access: 'incidents:export' },
      schema: {
        tags,
        summary: 'Export for law enforcement: ZIP with report, manifest (SHA-256, custody) and files',
        params: idParams,
      },
    },
    async (request, reply) => {
      const exported = await exportCase(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
      );
      return reply
        .type('application/zip')
        .header('content-disposition', contentDisposition('attachment', exported.filename))
        .send(exported.stream);
    },
  );
}

function registerEvidenceRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/incidents/:id/evidence',
    {
      config: { access: 'evidence:write' },
      schema: {
        tags: evidenceTags,
        summary: 'Upload digital evidence (multipart: file, optional description); streamed and hashed',
        params: idParams,
        consumes: ['multipart/form-data'],
        response: { 201: uploadedEvidenceSchema },
      },
    },
    async (request, reply) => {
      const max = ctx.config.VIGIL_EVIDENCE_MAX_BYTES;
      const declared = Number(request.headers['content-length'] ?? 0);
      // Multipart framing adds a few hundred bytes; a body far beyond the limit is refused unread.
      if (declared > max + 1_048_576)
        throw new AppError('payload_too_large', `Evidence files are limited to ${max} bytes.`);
      const uploaded = await uploadEvidence(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        uploadParts(request, max),
      );
      return reply.status(201).send(uploaded);
    },
  );
  app.post(
    '/api/v1/incidents/:id/evidence/physical',
    {
      config: { access: 'evidence:write' },
      schema: {
        tags: evidenceTags,
        summary: 'Log a physical evidence item',
        params: idParams,
        body: physicalEvidenceBody,
        response: { 201: evidenceSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await addPhysicalEvidence(
            ctx,
            auditContextOf(request),
            principalOf(request),
            request.params.id,
            request.body,
          ),
        ),
  );
  app.get(
    '/api/v1/incidents/:id/evidence',
    {
      config: { access: 'evidence:read' },
      schema: {
        tags: evidenceTags,
        summary: 'Evidence of the case',
        params: idParams,
        response: { 200: z.object({ items: z.array(evidenceSchema) }) },
      },
    },
    async (request) => ({ items: await listEvidence(ctx, principalOf(request), request.params.id) }),
  );
  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId',
    {
      config: { access: 'evidence:read' },
      schema: {
        tags: evidenceTags,
        summary: 'An evidence item',
        params: evidenceParams,
        response: { 200: evidenceSchema },
      },
    },
    (request) => getEvidence(ctx, principalOf(request), request.params.id, request.params.evidenceId),
  );
  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId/content',
    {
      config: { access: 'evidence:download' },
      schema: {
        tags: evidenceTags,
        summary: 'The stored bytes (recorded in the custody log)',
        params: evidenceParams,
        querystring: contentQuery,
      },
    },
    async (request, reply) => {
      const { evidence, stream } = await openEvidenceContent(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.evidenceId,
        request.query.purpose,
      );
      const contentType = evidence.contentType ?? 'application/octet-stream';
      const inline = request.query.purpose === 'view' && SAFE_INLINE.test(contentType);
      return reply
        .type(inline ? contentType : 'application/octet-stream')
        .header('content-length', String(evidence.size ?? 0))
        .header(
          'content-disposition',
          contentDisposition(inline ? 'inline' : 'attachment', evidence.filename ?? 'evidence.bin'),
        )
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('x-evidence-sha256', evidence.sha256 ?? '')
        .send(stream);
    },
  );
  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId/custody',
    {
      config: { access: 'evidence:read' },
      schema: {
        tags: evidenceTags,
        summary: 'The chain of custody',
        params: evidenceParams,
        response: { 200: z.object({ items: z.array(custodyEntrySchema) }) },
      },
    },
    async (request) => ({
      items: await listCustody(ctx, principalOf(request), request.params.id, request.params.evidenceId),
    }),
  );
  app.post(
    '/api/v1/incidents/:id/evidence/:evidenceId/verify',
    {
      config: { access: 'evidence:write' },
      schema: {
        tags: evidenceTags,
        summary: 'Re-hash the stored bytes against the acquisition hash',
        params: evidenceParams,
        response: { 200: verifyResultSchema },
      },
    },
    (request) =>
      verifyEvidence(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.evidenceId,
      ),
  );
  app.post(
    '/api/v1/incidents/:id/evidence/:evidenceId/transfers',
    {
      config: { access: 'evidence:write' },
      schema: {
        tags: evidenceTags,
        summary: 'Record a transfer of custody',
        params: evidenceParams,
        body: transferBody,
        response: { 200: evidenceSchema },
      },
    },
    (request) =>
      transferEvidence(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.evidenceId,
        request.body,
      ),
  );
  app.post(
    '/api/v1/incidents/:id/evidence/:evidenceId/disposal',
    {
      config: { access: 'evidence:manage' },
      schema: {
        tags: evidenceTags,
        summary: 'Request disposal (a second person approves; legal hold blocks)',
        params: evidenceParams,
        body: disposalRequestBody,
        response: { 200: evidenceSchema },
      },
    },
    (request) =>
      requestDisposal(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.evidenceId,
        request.body.reason,
      ),
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/incidents/:id/evidence/:evidenceId/disposal/${decision}`,
      {
        config: { access: 'evidence:manage' },
        schema: {
          tags: evidenceTags,
          summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a pending disposal`,
          params: evidenceParams,
          body: disposalDecisionBody,
          response: { 200: evidenceSchema },
        },
      },
      (request) =>
        decideDisposal(
          ctx,
          auditContextOf(request),
          principalOf(request),
          request.params.id,
          request.params.evidenceId,
          decision,
          request.body.reason,
        ),
    );
  }
}

async function visible(ctx: AppContext, request: FastifyRequest, id: string): Promise<void> {
  if (!(await findIncident(ctx.database.db, principalOf(request), id))) throw notFound('Incident');
}
