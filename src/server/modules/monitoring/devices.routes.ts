import { idParams, listOf } from '../../../contracts/common.js';
import {
  createDeviceBody,
  deviceListQuery,
  deviceSchema,
  falseAlarmReportSchema,
  periodQuery,
  updateDeviceBody,
  uptimeReportSchema,
} from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { listDevices } from './devices.repository.js';
import { createDevice, getDevice, updateDevice } from './devices.service.js';
import { falseAlarmReport, uptimeReport } from './health.service.js';

const tags = ['devices'];

export function registerDeviceRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/api/v1/devices',
    {
      config: { access: 'devices:write' },
      schema: {
        tags,
        summary: 'Register a device (panel, camera, door, sensor…)',
        body: createDeviceBody,
        response: { 201: deviceSchema },
      },
    },
    async (request, reply) => {
      const device = await createDevice(ctx, auditContextOf(request), principalOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, device);
    },
  );
  app.get(
    '/api/v1/devices',
    {
      config: { access: 'devices:read' },
      schema: {
        tags,
        summary: 'List devices (e.g. ?status=offline)',
        querystring: deviceListQuery,
        response: { 200: listOf(deviceSchema) },
      },
    },
    (request) => listDevices(ctx.database.db, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/devices/:id',
    {
      config: { access: 'devices:read' },
      schema: {
        tags,
        summary: 'Get a device and its health',
        params: idParams,
        response: { 200: deviceSchema },
      },
    },
    async (request, reply) =>
      sendVersioned(reply, await getDevice(ctx, principalOf(request), request.params.id)),
  );
  app.patch(
    '/api/v1/devices/:id',
    {
      config: { access: 'devices:write' },
      schema: {
        tags,
        summary: 'Update a device (If-Match required)',
        params: idParams,
        body: updateDeviceBody,
        response: { 200: deviceSchema },
      },
    },
    async (request, reply) => {
      const device = await updateDevice(
        ctx,
        auditContextOf(request),
        principalOf(request),
        request.params.id,
        expectedVersion(request),
        request.body,
      );
      return sendVersioned(reply, device);
    },
  );
  app.get(
    '/api/v1/monitoring/uptime',
    {
      config: { access: 'devices:read' },
      schema: {
        tags,
        summary: 'Uptime per device and site over a period (default: the last 30 days)',
        querystring: periodQuery,
        response: { 200: uptimeReportSchema },
      },
    },
    (request) => uptimeReport(ctx, principalOf(request), request.query),
  );
  app.get(
    '/api/v1/monitoring/false-alarms',
    {
      config: { access: 'alarms:read' },
      schema: {
        tags: ['alarms'],
        summary: 'False-alarm rate per device and site over a period (default: the last 30 days)',
        querystring: periodQuery,
        response: { 200: falseAlarmReportSchema },
      },
    },
    (request) => falseAlarmReport(ctx, principalOf(request), request.query),
  );
}
