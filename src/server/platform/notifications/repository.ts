import { allSiteRoles, type Role } from '../../../contracts/access.js';
import type { ListQuery } from '../../../contracts/common.js';
import {
  defaultPreferences,
  deliveryStatuses,
  notificationCategorySchema,
  notificationSeveritySchema,
  notificationCategories,
  type ChannelPreference,
  type Notification,
  type NotificationCategory,
  type Webhook,
  type WebhookDelivery,
} from '../../../contracts/notifications.js';
import { z } from 'zod';
import type { Db, Tx } from '../db/database.js';
import { decodeCursor, pageOf } from '../http/cursor.js';
import type {
  NotificationPreferencesTable,
  NotificationsTable,
  WebhookDeliveriesTable,
  WebhooksTable,
} from './tables.js';

// Parameters per statement stay well under PostgreSQL's limit of 65535 in multi-row inserts.
const INSERT_CHUNK = 500;

export function toNotification(row: NotificationsTable): Notification {
  return {
    id: row.id,
    category: notificationCategorySchema.catch('system').parse(row.category),
    severity: notificationSeveritySchema.catch('info').parse(row.severity),
    title: row.title,
    body: row.body,
    link: row.link,
    siteId: row.site_id,
    readAt: row.read_at,
    createdAt: row.created_at,
  };
}

const storedCategories = z.array(z.string()).catch([]);

export function toWebhook(row: WebhooksTable): Webhook {
  const parsed: unknown = JSON.parse(row.categories);
  const categories = storedCategories.parse(parsed).flatMap((value) => {
    const category = notificationCategorySchema.safeParse(value);
    return category.success ? [category.data] : [];
  });
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    categories,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export function toDelivery(row: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    event: row.event,
    status: z.enum(deliveryStatuses).catch('failed').parse(row.status),
    attempts: row.attempts,
    responseStatus: row.response_status,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

/* ---------- recipients and preferences (used by notify) ---------- */

/** Active users among `ids`. */
export async function activeUsersByIds(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [...new Set(ids)])
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Active users of a role; with a site, only those who work there. Roles that see every site
 * (admin, auditor) are responsible for every site, so the site does not narrow them.
 */
export async function activeUsersByRole(tx: Tx, role: Role, siteId: string | null): Promise<string[]> {
  const everySite = siteId === null || allSiteRoles.includes(role);
  const rows = await tx
    .selectFrom('users')
    .select('users.id')
    .where('users.role', '=', role)
    .where('users.status', '=', 'active')
    .$if(!everySite, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_sites')
            .select('user_sites.user_id')
            .whereRef('user_sites.user_id', '=', 'users.id')
            .where('user_sites.site_id', '=', siteId ?? ''),
        ),
      ),
    )
    .orderBy('users.id')
    .execute();
  return rows.map((row) => row.id);
}

/** Each user's channels for one category (their choice, or the default). */
export async function channelsFor(
  tx: Tx,
  userIds: readonly string[],
  category: NotificationCategory,
): Promise<Map<string, Omit<ChannelPreference, 'category'>>> {
  const chosen = new Map<string, Omit<ChannelPreference, 'category'>>();
  for (let i = 0; i < userIds.length; i += INSERT_CHUNK) {
    const rows = await tx
      .selectFrom('notification_preferences')
      .selectAll()
      .where('user_id', 'in', userIds.slice(i, i + INSERT_CHUNK))
      .where('category', '=', category)
      .execute();
    for (const row of rows) chosen.set(row.user_id, channelsOf(row));
  }
  return new Map(userIds.map((id) => [id, chosen.get(id) ?? defaultPreferences[category]]));
}

function channelsOf(row: NotificationPreferencesTable): Omit<ChannelPreference, 'category'> {
  return { inApp: row.in_app === 1, email: row.email === 1, webhook: row.webhook === 1 };
}

export async function insertNotifications(tx: Tx, rows: NotificationsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx
      .insertInto('notifications')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
}

/** Active webhooks subscribed to a category. */
export async function webhooksFor(tx: Tx, category: NotificationCategory): Promise<WebhooksTable[]> {
  const rows = await tx.selectFrom('webhooks').selectAll().where('active', '=', 1).orderBy('id').execute();
  return rows.filter((row) => toWebhook(row).categories.includes(category));
}

export async function insertDelivery(tx: Tx, row: WebhookDeliveriesTable): Promise<void> {
  await tx.insertInto('webhook_deliveries').values(row).execute();
}

/* ---------- delivery (used by the job handlers) ---------- */

/** What the mail of one notification needs: the notification and its recipient. */
export async function notificationForEmail(db: Db, id: string) {
  return db
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.user_id')
    .selectAll('notifications')
    .select(['users.email', 'users.name as user_name', 'users.status as user_status'])
    .where('notifications.id', '=', id)
    .executeTakeFirst();
}

export async function markEmailed(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('notifications').set({ emailed_at: now }).where('id', '=', id).execute();
}

/** A delivery with the webhook it goes to (undefined when the webhook was deleted). */
export async function deliveryWithWebhook(db: Db, id: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .selectAll('webhook_deliveries')
    .select(['webhooks.url', 'webhooks.secret', 'webhooks.active'])
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
}

export async function updateDelivery(
  db: Db,
  id: string,
  patch: Partial<Omit<WebhookDeliveriesTable, 'id' | 'webhook_id' | 'event_id' | 'event' | 'payload'>>,
): Promise<void> {
  await db.updateTable('webhook_deliveries').set(patch).where('id', '=', id).execute();
}

/* ---------- a user's inbox ---------- */

/** The user's in-app notifications, newest first. */
export async function listNotifications(
  db: Db,
  userId: string,
  query: ListQuery & { unread?: 'true' | 'false' },
) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .$if(query.unread === 'true', (qb) => qb.where('read_at', 'is', null))
    .$if(query.unread === 'false', (qb) => qb.where('read_at', 'is not', null))
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toNotification);
}

/** One of the user's own in-app notifications (another user's answers undefined). */
export async function findOwnNotification(
  db: Tx,
  userId: string,
  id: string,
): Promise<NotificationsTable | undefined> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .executeTakeFirst();
}

export async function markRead(tx: Tx, userId: string, id: string, now: string): Promise<void> {
  await tx
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
}

export async function markAllRead(tx: Tx, userId: string, now: string): Promise<number> {
  const result = await tx
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.count;
}

/** A user's channels for every category (their choices over the defaults). */
export async function preferencesOf(db: Tx, userId: string): Promise<ChannelPreference[]> {
  const rows = await db
    .selectFrom('notification_preferences')
    .selectAll()
    .where('user_id', '=', userId)
    .execute();
  const chosen = new Map(rows.map((row) => [row.category, channelsOf(row)]));
  return notificationCategories.map((category) => ({
    category,
    ...(chosen.get(category) ?? defaultPreferences[category]),
  }));
}

export async function upsertPreferences(
  tx: Tx,
  userId: string,
  items: readonly ChannelPreference[],
  now: string,
): Promise<void> {
  for (const item of items) {
    await tx
      .insertInto('notification_preferences')
      .values({
        user_id: userId,
        category: item.category,
        in_app: item.inApp ? 1 : 0,
        email: item.email ? 1 : 0,
        webhook: item.webhook ? 1 : 0,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'category']).doUpdateSet((eb) => ({
          in_app: eb.ref('excluded.in_app'),
          email: eb.ref('excluded.email'),
          webhook: eb.ref('excluded.webhook'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/* ---------- webhooks ---------- */

export async function listWebhooks(db: Db, query: ListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .$if(after !== undefined, (qb) => qb.where('id', '>', String(after?.[0])))
    .orderBy('id')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toWebhook);
}

export async function findWebhook(db: Tx, id: string): Promise<WebhooksTable | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertWebhook(tx: Tx, row: WebhooksTable): Promise<void> {
  await tx.insertInto('webhooks').values(row).execute();
}

/** Updates when the version still matches; false when someone else changed it first. */
export async function updateWebhookVersioned(
  tx: Tx,
  id: string,
  version: number,
  patch: Partial<Omit<WebhooksTable, 'id' | 'version' | 'secret' | 'created_at'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('webhooks')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a webhook and its delivery history (pending deliveries then find nothing to send). */
export async function deleteWebhook(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  await tx.deleteFrom('webhooks').where('id', '=', id).execute();
}

export async function findDelivery(db: Tx, id: string): Promise<WebhookDeliveriesTable | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A webhook's deliveries, newest first. */
export async function listDeliveries(db: Db, webhookId: string, query: ListQuery) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .$if(after !== undefined, (qb) => qb.where('id', '<', String(after?.[0])))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return pageOf(rows, query.limit, (row) => [row.id], toDelivery);
}
