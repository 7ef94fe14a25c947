import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { expireAcceptances, overdueReviews } from './service.js';

export const RISK_ACCEPTANCE_EXPIRY_JOB = 'risk.expire-acceptances';
export const RISK_REVIEW_REMINDER_JOB = 'risk.review-reminders';

/**
 * Sends one reminder per overdue risk: to its owner, or to the admins when it has none. Run daily,
 * so an overdue review is nagged about once a day until someone reviews it.
 */
export async function remindOverdueReviews(ctx: AppContext, now = new Date()): Promise<number> {
  const overdue = await overdueReviews(ctx, now);
  if (overdue.length === 0) return 0;
  await ctx.database.transaction(async (tx) => {
    for (const risk of overdue) {
      await ctx.notifier.notify(tx, {
        ...(risk.ownerId ? { userIds: [risk.ownerId] } : { role: 'admin' as const }),
        category: 'reminder',
        severity: 'warning',
        title: `Risk review overdue: ${risk.reference}`,
        body: `${risk.reference} “${risk.title}” was due for review. Review it or update its cadence.`,
        link: `/risk/${risk.id}`,
      });
    }
  });
  return overdue.length;
}

/** The register's recurring work: acceptances expire back into review; overdue reviews are reminded. */
export function registerRiskJobs(ctx: AppContext): void {
  ctx.jobs.register({
    kind: RISK_ACCEPTANCE_EXPIRY_JOB,
    schema: z.object({}),
    handler: async () => {
      await expireAcceptances(ctx);
    },
  });
  ctx.jobs.register({
    kind: RISK_REVIEW_REMINDER_JOB,
    schema: z.object({}),
    handler: async () => {
      await remindOverdueReviews(ctx);
    },
  });
  ctx.jobs.schedule({
    name: RISK_ACCEPTANCE_EXPIRY_JOB,
    intervalSeconds: 3600,
    kind: RISK_ACCEPTANCE_EXPIRY_JOB,
    payload: {},
  });
  ctx.jobs.schedule({
    name: RISK_REVIEW_REMINDER_JOB,
    intervalSeconds: 86_400,
    kind: RISK_REVIEW_REMINDER_JOB,
    payload: {},
  });
}
