import { z } from 'zod';
import { roleSchema } from '../../../contracts/access.js';
import { idSchema } from '../../../contracts/common.js';
import {
  notificationCategorySchema,
  notificationSeveritySchema,
  type WebhookEvent,
} from '../../../contracts/notifications.js';
import type { Config } from '../config.js';
import type { DatabaseHandle, Tx } from '../db/database.js';
import { newId, nowIso } from '../ids.js';
import type { JobQueue } from '../jobs/queue.js';
import { EMAIL_JOB, Mailer, registerEmailDelivery } from './email.js';
import {
  activeUsersByIds,
  activeUsersByRole,
  channelsFor,
  insertNotifications,
  webhooksFor,
} from './repository.js';
import type { NotificationsTable } from './tables.js';
import { enqueueDelivery, registerWebhookDelivery } from './webhooks.js';

const content = {
  category: notificationCategorySchema,
  severity: notificationSeveritySchema,
  // Titles and bodies are often derived from user text (an incident's title): they are cut to fit
  // rather than refused, so a long text never makes the business write that notifies fail.
  title: z
    .string()
    .trim()
    .min(1)
    .transform((title) => title.replace(/[\r\n]+/g, ' ').slice(0, 200)),
  body: z.string().transform((body) => body.slice(0, 10_000)),
  /** An app path ("/incidents/…") or an absolute http(s) URL. */
  link: z
    .string()
    .max(2000)
    .regex(/^(\/(?!\/)|https?:\/\/)/, 'must be an app path or an http(s) URL')
    .nullish(),
  /** The site the notification is about, if any. */
  siteId: idSchema.nullish(),
};

/** Who gets a notification: named users, or every active user of a role (at a site). */
export const notifyInput = z.union([
  z.object({ ...content, userIds: z.array(idSchema).max(10_000) }),
  z.object({ ...content, role: roleSchema }),
]);
export type NotifyInput = z.input<typeof notifyInput>;

export interface NotifyResult {
  /** The notifications written, one per recipient who has any channel on. */
  notificationIds: string[];
  emailsQueued: number;
  webhookDeliveries: number;
  eventId: string;
}

/**
 * The one way modules tell people something: escalations, SLA warnings, reminders. Writes in-app
 * notifications and queues mails and webhook deliveries inside the caller's transaction, so a
 * notification exists if and only if the business change that caused it committed.
 */
export class Notifier {
  private readonly mailer: Mailer;

  constructor(
    private readonly deps: {
      config: Pick<Config, 'VIGIL_SMTP_URL' | 'VIGIL_SMTP_FROM' | 'VIGIL_PUBLIC_URL' | 'dataDir'>;
      database: DatabaseHandle;
      jobs: JobQueue;
    },
  ) {
    this.mailer = new Mailer(deps.config);
    registerEmailDelivery(deps.jobs, deps.database, this.mailer, deps.config);
    registerWebhookDelivery(deps.jobs, deps.database, deps.config.dataDir);
  }

  /** Notifies users per their preferences and sends the event to subscribed webhooks. */
  async notify(tx: Tx, input: NotifyInput): Promise<NotifyResult> {
    const parsed = notifyInput.parse(input);
    const siteId = parsed.siteId ?? null;
    const recipients =
      'userIds' in parsed
        ? await activeUsersByIds(tx, parsed.userIds)
        : await activeUsersByRole(tx, parsed.role, siteId);
    const channels = await channelsFor(tx, recipients, parsed.category);
    const now = nowIso();
    const rows: NotificationsTable[] = [];
    const toMail: string[] = [];
    const named: string[] = [];
    for (const userId of recipients) {
      const choice = channels.get(userId);
      if (!choice) continue;
      if (choice.webhook) named.push(userId);
      const mail = choice.email && this.mailer.configured;
      if (!choice.inApp && !mail) continue;
      const id = newId();
      rows.push({
        id,
        user_id: userId,
        category: parsed.category,
        severity: parsed.severity,
        title: parsed.title,
        body: parsed.body,
        link: parsed.link ?? null,
        site_id: siteId,
        in_app: choice.inApp ? 1 : 0,
        read_at: null,
        emailed_at: null,
        created_at: now,
      });
      if (mail) toMail.push(id);
    }
    await insertNotifications(tx, rows);
    for (const notificationId of toMail) {
      await this.deps.jobs.enqueue(tx, {
        kind: EMAIL_JOB,
        payload: { notificationId },
        dedupeKey: `email:${notificationId}`,
      });
    }
    const event: WebhookEvent = {
      id: newId(),
      event: `notification.${parsed.category}`,
      createdAt: now,
      data: {
        category: parsed.category,
        severity: parsed.severity,
        title: parsed.title,
        body: parsed.body,
        link: parsed.link ?? null,
        siteId,
        recipients: named,
      },
    };
    const webhooks = await webhooksFor(tx, parsed.category);
    for (const webhook of webhooks) await enqueueDelivery(tx, this.deps.jobs, webhook.id, event);
    return {
      notificationIds: rows.map((row) => row.id),
      emailsQueued: toMail.length,
      webhookDeliveries: webhooks.length,
      eventId: event.id,
    };
  }

  /** Queues a test event to one webhook (the admin's "send test" button). */
  async sendTestEvent(tx: Tx, webhookId: string): Promise<string> {
    const event: WebhookEvent = {
      id: newId(),
      event: 'webhook.test',
      createdAt: nowIso(),
      data: {
        category: null,
        severity: 'info',
        title: 'Test event from Vigil',
        body: 'This webhook is configured correctly if you can verify this signed request.',
        link: null,
        siteId: null,
        recipients: [],
      },
    };
    return enqueueDelivery(tx, this.deps.jobs, webhookId, event);
  }

  /** Closes the SMTP transport. */
  close(): void {
    this.mailer.close();
  }
}
