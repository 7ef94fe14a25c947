import { alarmIncidentResponse, openIncidentFromAlarm } from './alarm-incident.js';
import { forbidden } from '../../platform/errors.js';
import { idParams, listOf } from '../../../contracts/common.js';
import {
  alarmDetailSchema,
  alarmListQuery,
  alarmSchema,
  claimBody,
  completeStepBody,
  eventListQuery,
  eventSchema,
  resolveAlarmBody,
  stepParams,
} from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { listAlarms } from './alarms.repository.js';
import {
  acknowledgeAlarm,
  claimAlarm,
  completeStep,
  getAlarmDetail,
  releaseAlarm,
  resolveAlarm,
} from './alarms.service.js';
import { listEvents } from './events.repository.js';

const tags = ['alarms'];

export function registerAlarmRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/alarms',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'The alarm desk: highest priority first, then oldest (default: active and acknowledged)',
        querystring: alarmListQuery,
        response: { 200: listOf(alarmSchema) },
      },
    },
    (request) => listAlarms(ctx.database.db, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/alarms/:id',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'An alarm with its SOP steps and latest events',
        params: idParams,
        response: { 200: alarmDetailSchema },
      },
    },
    (request) => getAlarmDetail(ctx, principalOf(request), request.params.id),
  );
  app.post(
    '/api/v1/alarms/:id/claim',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Claim an alarm (others see who handles it); force takes it over',
        params: idParams,
        body: claimBody,
        response: { 200: alarmSchema },
      },
    },
    (request) =>
      claimAlarm(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.body?.force === true,
      ),
  );
  app.post(
    '/api/v1/alarms/:id/release',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Release your claim on an alarm',
        params: idParams,
        response: { 200: alarmSchema },
      },
    },
    (request) => releaseAlarm(ctx, auditContextOf(request), principalOf(request), request.params.id),
  );
  app.post(
    '/api/v1/alarms/:id/incident',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Open an incident from an alarm (once per alarm; needs incidents:write too)',
        params: idParams,
        response: { 201: alarmIncidentResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (!principal.permissions.has('incidents:write'))
        throw forbidden('Opening a case needs incidents:write.');
      return reply
        .status(201)
        .send(await openIncidentFromAlarm(ctx, auditContextOf(request), principal, request.params.id));
    },
  );
  app.post(
    '/api/v1/alarms/:id/acknowledge',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Acknowledge an alarm (stops escalation)',
        params: idParams,
        response: { 200: alarmSchema },
      },
    },
    (request) => acknowledgeAlarm(ctx, auditContextOf(request), principalOf(request), request.params.id),
  );
  app.post(
    '/api/v1/alarms/:id/steps/:index/complete',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Complete the next SOP step, with a note (steps go in order; index from 0)',
        params: stepParams,
        body: completeStepBody,
        response: { 200: alarmDetailSchema },
      },
    },
    (request) =>
      completeStep(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        request.params.index,
        request.body.note,
      ),
  );
  app.post(
    '/api/v1/alarms/:id/resolve',
    {
      config: { access: 'alarms:handle' },
      schema: {
        tags,
        summary: 'Resolve an alarm with its disposition (every SOP step completed first)',
        params: idParams,
        body: resolveAlarmBody,
        response: { 200: alarmSchema },
      },
    },
    (request) =>
      resolveAlarm(ctx, auditContextOf(request), principalOf(request), request.params.id, request.body),
  );
  app.get(
    '/api/v1/monitoring/events',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags,
        summary: 'The event log (alarms, log entries, restores, heartbeats), newest first',
        querystring: eventListQuery,
        response: { 200: listOf(eventSchema) },
      },
    },
    (request) => listEvents(ctx.database.db, principalOf(request), request.query),
  );
}
