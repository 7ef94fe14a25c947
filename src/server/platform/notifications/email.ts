import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { nowIso } from '../ids.js';
import { PermanentJobError, type JobQueue } from '../jobs/queue.js';
import { markEmailed, notificationForEmail } from './repository.js';

export const EMAIL_JOB = 'notification.email';

/** Makes a link absolute against VIGIL_PUBLIC_URL, so it works from a mail client. */
export function absoluteLink(link: string | null, publicUrl: string | undefined): string | null {
  if (!link) return null;
  if (/^https?:\/\//i.test(link)) return link;
  return publicUrl ? new URL(link, publicUrl).toString() : link;
}

/** Sends notification mails over SMTP (VIGIL_SMTP_URL). One transport per process, closed at stop. */
export class Mailer {
  private transport: Transporter | undefined;

  constructor(private readonly config: Pick<Config, 'VIGIL_SMTP_URL' | 'VIGIL_SMTP_FROM'>) {}

  get configured(): boolean {
    return this.config.VIGIL_SMTP_URL !== undefined;
  }

  async send(message: { to: string; subject: string; text: string }): Promise<void> {
    if (!this.config.VIGIL_SMTP_URL) throw new PermanentJobError('SMTP is not configured (VIGIL_SMTP_URL)');
    this.transport ??= nodemailer.createTransport(this.config.VIGIL_SMTP_URL);
    await this.transport.sendMail({ from: this.config.VIGIL_SMTP_FROM, ...message });
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}

/** Registers the job that mails one notification to its recipient. */
export function registerEmailDelivery(
  jobs: JobQueue,
  database: DatabaseHandle,
  mailer: Mailer,
  config: Pick<Config, 'VIGIL_PUBLIC_URL'>,
): void {
  jobs.register({
    kind: EMAIL_JOB,
    schema: z.object({ notificationId: z.string() }),
    maxAttempts: 6,
    timeoutSeconds: 120,
    handler: async ({ notificationId }) => {
      const row = await notificationForEmail(database.db, notificationId);
      // Already sent by an earlier run, or the user left: no mail.
      if (!row || row.emailed_at !== null || row.user_status !== 'active') return;
      const link = absoluteLink(row.link, config.VIGIL_PUBLIC_URL);
      const settings = config.VIGIL_PUBLIC_URL
        ? new URL('/settings/notifications', config.VIGIL_PUBLIC_URL).toString()
        : 'your Vigil notification settings';
      const prefix = row.severity === 'info' ? '' : `${row.severity.toUpperCase()}: `;
      const text = [
        row.body,
        ...(link ? ['', `Open in Vigil: ${link}`] : []),
        '',
        '--',
        `You get this mail because your Vigil settings send "${row.category}" notifications by email.`,
        `Change that at ${settings}.`,
      ].join('\n');
      await mailer.send({
        to: row.email,
        subject: `[Vigil] ${prefix}${row.title}`.replace(/[\r\n]+/g, ' '),
        text,
      });
      await markEmailed(database.db, notificationId, nowIso());
    },
  });
}
