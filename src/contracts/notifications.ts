import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery, shortText } from './common.js';

/**
 * What a notification is about. Users set their channels per category, and webhooks subscribe to
 * categories. Modules add their categories here, so the list stays in one place.
 */
export const notificationCategories = ['system', 'security', 'escalation', 'sla', 'reminder'] as const;
export const notificationCategorySchema = z.enum(notificationCategories);
export type NotificationCategory = z.infer<typeof notificationCategorySchema>;

export const notificationSeverities = ['info', 'warning', 'critical'] as const;
export const notificationSeveritySchema = z.enum(notificationSeverities);
export type NotificationSeverity = z.infer<typeof notificationSeveritySchema>;

export const notificationSchema = z
  .object({
    id: idSchema,
    category: notificationCategorySchema,
    severity: notificationSeveritySchema,
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    siteId: idSchema.nullable(),
    readAt: isoTimeSchema.nullable(),
    createdAt: isoTimeSchema,
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof notificationSchema>;

export const notificationListQuery = listQuery.extend({
  unread: z.enum(['true', 'false']).optional(),
});
export type NotificationListQuery = z.infer<typeof notificationListQuery>;

export const unreadCountSchema = z.object({ count: z.number().int() });
export const readAllResponse = z.object({ marked: z.number().int() });

/** How one user wants one category delivered. */
export const channelPreferenceSchema = z
  .object({
    category: notificationCategorySchema,
    inApp: z.boolean(),
    email: z.boolean(),
    /** Whether the user may be named as a recipient in the organization's webhook events. */
    webhook: z.boolean(),
  })
  .meta({ id: 'NotificationPreference' });
export type ChannelPreference = z.infer<typeof channelPreferenceSchema>;

export const preferencesSchema = z.object({ items: z.array(channelPreferenceSchema) });
export const updatePreferencesBody = z.object({
  items: z
    .array(channelPreferenceSchema)
    .min(1)
    .max(notificationCategories.length)
    .refine(
      (items) => new Set(items.map((item) => item.category)).size === items.length,
      'each category at most once',
    ),
});
export type UpdatePreferences = z.infer<typeof updatePreferencesBody>;

/**
 * The channels a user gets until they choose: everything in the app, and mail for what needs a
 * person to act (security, escalations, SLA breaches).
 */
export const defaultPreferences: Record<NotificationCategory, Omit<ChannelPreference, 'category'>> = {
  system: { inApp: true, email: false, webhook: true },
  security: { inApp: true, email: true, webhook: true },
  escalation: { inApp: true, email: true, webhook: true },
  sla: { inApp: true, email: true, webhook: true },
  reminder: { inApp: true, email: false, webhook: true },
};

/** Only http and https targets: a webhook must never reach file:, gopher: or similar schemes. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without credentials');

const categoryList = z
  .array(notificationCategorySchema)
  .min(1)
  .max(notificationCategories.length)
  .transform((list) => [...new Set(list)].sort());

export const webhookSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    url: z.string(),
    categories: z.array(notificationCategorySchema),
    active: z.boolean(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

/** The answer to a creation: the signing secret is shown this once and never again. */
export const createdWebhookResponse = webhookSchema.extend({ secret: z.string() });

export const createWebhookBody = z.object({
  name: shortText(),
  url: webhookUrlSchema,
  categories: categoryList,
  active: z.boolean().optional(),
});
export type CreateWebhook = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z
  .object({
    name: shortText().optional(),
    url: webhookUrlSchema.optional(),
    categories: categoryList.optional(),
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateWebhook = z.infer<typeof updateWebhookBody>;

export const deliveryStatuses = ['pending', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
export const webhookDeliverySchema = z
  .object({
    id: idSchema,
    webhookId: idSchema,
    eventId: idSchema,
    event: z.string(),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    deliveredAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** The JSON body of every webhook request; it is signed as sent (x-vigil-signature). */
export const webhookEventSchema = z
  .object({
    id: idSchema,
    event: z.string(),
    createdAt: isoTimeSchema,
    data: z.object({
      category: notificationCategorySchema.nullable(),
      severity: notificationSeveritySchema,
      title: z.string(),
      body: z.string(),
      link: z.string().nullable(),
      siteId: idSchema.nullable(),
      recipients: z.array(idSchema),
    }),
  })
  .meta({ id: 'WebhookEvent' });
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
