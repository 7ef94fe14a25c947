import type {
  ChannelPreference,
  CreateWebhook,
  Notification,
  UpdateWebhook,
  Webhook,
  WebhookDelivery,
} from '../../../contracts/notifications.js';
import type { Principal } from '../../platform/access/principal.js';
import type { AuditContext } from '../../platform/audit/chain.js';
import { writeAudited, type AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, nowIso } from '../../platform/ids.js';
import {
  newWebhookSecret,
  sealWebhookSecret,
  notificationsRepository as repo,
  webhookOrigin,
} from '../../platform/notifications/index.js';

/** Marks one of the caller's notifications read (another user's answers 404). */
export async function markNotificationRead(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  id: string,
): Promise<Notification> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const row = await repo.findOwnNotification(tx, principal.userId, id);
    if (!row) throw notFound('Notification');
    if (row.read_at !== null) return repo.toNotification(row);
    const now = nowIso();
    await repo.markRead(tx, principal.userId, id, now);
    await record({ action: 'notification.read', entityType: 'notification', entityId: id });
    return repo.toNotification({ ...row, read_at: now });
  });
}

/** Marks all of the caller's notifications read; answers how many changed. */
export async function markAllNotificationsRead(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
): Promise<{ marked: number }> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const marked = await repo.markAllRead(tx, principal.userId, nowIso());
    if (marked > 0) {
      await record({
        action: 'notification.read_all',
        entityType: 'user',
        entityId: principal.userId,
        changes: { marked },
      });
    }
    return { marked };
  });
}

/** Sets the caller's channels for the given categories; answers every category. */
export async function updatePreferences(
  ctx: AppContext,
  audit: AuditContext,
  principal: Principal,
  items: ChannelPreference[],
): Promise<{ items: ChannelPreference[] }> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const before = await repo.preferencesOf(tx, principal.userId);
    await repo.upsertPreferences(tx, principal.userId, items, nowIso());
    const after = await repo.preferencesOf(tx, principal.userId);
    const changes: Record<string, unknown> = {};
    for (const item of after) {
      const old = before.find((entry) => entry.category === item.category);
      if (old && JSON.stringify(old) !== JSON.stringify(item)) {
        const { category, ...channels } = item;
        const { category: _same, ...previous } = old;
        changes[category] = [previous, channels];
      }
    }
    await record({
      action: 'notification.preferences_updated',
      entityType: 'user',
      entityId: principal.userId,
      changes,
    });
    return { items: after };
  });
}

/** Creates a webhook with a server-made secret, answered this once. */
export async function createWebhook(
  ctx: AppContext,
  audit: AuditContext,
  input: CreateWebhook,
): Promise<Webhook & { secret: string }> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const now = nowIso();
    const secret = newWebhookSecret();
    const id = newId();
    const row = {
      id,
      name: input.name,
      url: input.url,
      secret: sealWebhookSecret(ctx.config.dataDir, id, secret),
      categories: JSON.stringify(input.categories),
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await repo.insertWebhook(tx, row);
    await record({
      action: 'webhook.created',
      entityType: 'webhook',
      entityId: row.id,
      // Never the secret, and only the URL's origin: chat webhook paths are credentials.
      changes: {
        name: input.name,
        urlOrigin: webhookOrigin(input.url),
        categories: input.categories,
        active: row.active === 1,
      },
    });
    return { ...repo.toWebhook(row), secret };
  });
}

/** Updates a webhook at the version the caller read (412 when it changed since). */
export async function updateWebhook(
  ctx: AppContext,
  audit: AuditContext,
  id: string,
  version: number,
  input: UpdateWebhook,
): Promise<Webhook> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findWebhook(tx, id);
    if (!current) throw notFound('Webhook');
    const stale = () =>
      new AppError('precondition_failed', 'The webhook has changed since you read it; reload it.');
    if (current.version !== version) throw stale();
    const before = repo.toWebhook(current);
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.categories !== undefined ? { categories: JSON.stringify(input.categories) } : {}),
      ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
      updated_at: nowIso(),
    };
    if (!(await repo.updateWebhookVersioned(tx, id, version, patch))) throw stale();
    const after = repo.toWebhook({ ...current, ...patch, version: version + 1 });
    const changes: Record<string, unknown> = {};
    if (before.name !== after.name) changes.name = [before.name, after.name];
    if (before.url !== after.url) changes.urlOrigin = [webhookOrigin(before.url), webhookOrigin(after.url)];
    if (before.categories.join() !== after.categories.join())
      changes.categories = [before.categories, after.categories];
    if (before.active !== after.active) changes.active = [before.active, after.active];
    await record({ action: 'webhook.updated', entityType: 'webhook', entityId: id, changes });
    return after;
  });
}

/** Deletes a webhook and its delivery history. */
export async function deleteWebhook(ctx: AppContext, audit: AuditContext, id: string): Promise<void> {
  await writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findWebhook(tx, id);
    if (!current) throw notFound('Webhook');
    await repo.deleteWebhook(tx, id);
    await record({
      action: 'webhook.deleted',
      entityType: 'webhook',
      entityId: id,
      changes: { name: current.name, urlOrigin: webhookOrigin(current.url) },
    });
  });
}

/** Queues a signed test event to an active webhook; answers the pending delivery. */
export async function sendTestEvent(
  ctx: AppContext,
  audit: AuditContext,
  id: string,
): Promise<WebhookDelivery> {
  return writeAudited(ctx.database, audit, async (tx, record) => {
    const current = await repo.findWebhook(tx, id);
    if (!current) throw notFound('Webhook');
    if (current.active !== 1) throw new AppError('conflict', 'The webhook is paused; activate it first.');
    const deliveryId = await ctx.notifier.sendTestEvent(tx, id);
    await record({
      action: 'webhook.test_sent',
      entityType: 'webhook',
      entityId: id,
      changes: { deliveryId },
    });
    const delivery = await repo.findDelivery(tx, deliveryId);
    if (!delivery) throw notFound('Delivery');
    return repo.toDelivery(delivery);
  });
}

/**
 * Seals the signing secrets of webhooks created before secrets were stored sealed: run at start,
 * a change recorded in the audit trail (by the system) for each webhook it seals. Safe when several
 * nodes start at once: a row is only rewritten while it still holds its secret in clear.
 */
export async function sealLegacyWebhookSecrets(ctx: AppContext): Promise<number> {
  const legacy = await ctx.database.db
    .selectFrom('webhooks')
    .select(['id', 'secret'])
    .where('secret', 'not like', 'v1.%')
    .execute();
  if (legacy.length === 0) return 0;
  const audit: AuditContext = {
    actor: { type: 'system', id: null, label: 'secret sealing at start' },
    requestId: null,
  };
  return writeAudited(ctx.database, audit, async (tx, record) => {
    let sealed = 0;
    for (const row of legacy) {
      const result = await tx
        .updateTable('webhooks')
        .set({ secret: sealWebhookSecret(ctx.config.dataDir, row.id, row.secret) })
        .where('id', '=', row.id)
        .where('secret', '=', row.secret)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) continue;
      sealed += 1;
      await record({
        action: 'webhook.secret_sealed',
        entityType: 'webhook',
        entityId: row.id,
        changes: { storage: 'sealed' },
      });
    }
    return sealed;
  });
}
