import { idParams, listOf, listQuery } from '../../../contracts/common.js';
import {
  createdWebhookResponse,
  createWebhookBody,
  notificationListQuery,
  notificationSchema,
  preferencesSchema,
  readAllResponse,
  unreadCountSchema,
  updatePreferencesBody,
  updateWebhookBody,
  webhookDeliverySchema,
  webhookSchema,
} from '../../../contracts/notifications.js';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { auditContextOf, principalOf } from '../../platform/http/authenticate.js';
import type { ZodApp } from '../../platform/http/app.js';
import { expectedVersion, sendVersioned } from '../../platform/http/etag.js';
import { notificationsRepository as repo } from '../../platform/notifications/index.js';
import * as service from './service.js';

const inbox = ['notifications'];
const hooks = ['webhooks'];

export function registerNotificationRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/api/v1/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'Your notifications, newest first',
        querystring: notificationListQuery,
        response: { 200: listOf(notificationSchema) },
      },
    },
    (request) => repo.listNotifications(ctx.database.db, principalOf(request).userId, request.query),
  );
  app.get(
    '/api/v1/notifications/unread-count',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'How many of your notifications are unread',
        response: { 200: unreadCountSchema },
      },
    },
    async (request) => ({ count: await repo.unreadCount(ctx.database.db, principalOf(request).userId) }),
  );
  app.post(
    '/api/v1/notifications/read-all',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'Mark all your notifications read',
        response: { 200: readAllResponse },
      },
    },
    (request) => service.markAllNotificationsRead(ctx, auditContextOf(request), principalOf(request)),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'Mark one of your notifications read',
        params: idParams,
        response: { 200: notificationSchema },
      },
    },
    (request) =>
      service.markNotificationRead(ctx, auditContextOf(request), principalOf(request), request.params.id),
  );
  app.get(
    '/api/v1/notifications/preferences',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'How you get each category of notification',
        response: { 200: preferencesSchema },
      },
    },
    async (request) => ({ items: await repo.preferencesOf(ctx.database.db, principalOf(request).userId) }),
  );
  app.put(
    '/api/v1/notifications/preferences',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: inbox,
        summary: 'Choose how you get categories of notification',
        body: updatePreferencesBody,
        response: { 200: preferencesSchema },
      },
    },
    (request) =>
      service.updatePreferences(ctx, auditContextOf(request), principalOf(request), request.body.items),
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags: hooks,
        summary: "List the organization's webhooks",
        querystring: listQuery,
        response: { 200: listOf(webhookSchema) },
      },
    },
    (request) => repo.listWebhooks(ctx.database.db, request.query),
  );
  app.post(
    '/api/v1/webhooks',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags: hooks,
        summary: 'Create a webhook (its signing secret is shown once)',
        body: createWebhookBody,
        response: { 201: createdWebhookResponse },
      },
    },
    async (request, reply) => {
      const webhook = await service.createWebhook(ctx, auditContextOf(request), request.body);
      void reply.status(201);
      return sendVersioned(reply, webhook);
    },
  );
  app.get(
    '/api/v1/webhooks/:id',
    {
      config: { access: 'webhooks:manage' },
      schema: { tags: hooks, summary: 'Get a webhook', params: idParams, response: { 200: webhookSchema } },
    },
    async (request, reply) => {
      const row = await repo.findWebhook(ctx.database.db, request.params.id);
      if (!row) throw notFound('Webhook');
      return sendVersioned(reply, repo.toWebhook(row));
    },
  );
  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags: hooks,
        summary: 'Update a webhook (If-Match required)',
        params: idParams,
        body: updateWebhookBody,
        response: { 200: webhookSchema },
      },
    },
    async (request, reply) => {
      const version = expectedVersion(request);
      const webhook = await service.updateWebhook(
        ctx,
        auditContextOf(request),
        request.params.id,
        version,
        request.body,
      );
      return sendVersioned(reply, webhook);
    },
  );
  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { access: 'webhooks:manage' },
      schema: { tags: hooks, summary: 'Delete a webhook and its delivery history', params: idParams },
    },
    async (request, reply) => {
      await service.deleteWebhook(ctx, auditContextOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags: hooks,
        summary: "A webhook's deliveries, newest first",
        params: idParams,
        querystring: listQuery,
        response: { 200: listOf(webhookDeliverySchema) },
      },
    },
    async (request) => {
      if (!(await repo.findWebhook(ctx.database.db, request.params.id))) throw notFound('Webhook');
      return repo.listDeliveries(ctx.database.db, request.params.id, request.query);
    },
  );
  app.post(
    '/api/v1/webhooks/:id/test',
    {
      config: { access: 'webhooks:manage' },
      schema: {
        tags: hooks,
        summary: 'Send a signed test event to a webhook',
        params: idParams,
        response: { 202: webhookDeliverySchema },
      },
    },
    async (request, reply) => {
      const delivery = await service.sendTestEvent(ctx, auditContextOf(request), request.params.id);
      return reply.status(202).send(delivery);
    },
  );
}
