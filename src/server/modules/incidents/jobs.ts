import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { reverifyAllEvidence, type IntegrityMismatch } from './evidence.service.js';
import { checkSlas, type SlaEvent } from './sla.js';

/*
 * Hooks for the job system (platform/jobs, built separately). Register them there like this:
 *
 *   jobs.register({ kind: SLA_CHECK_JOB, schema: z.object({}), handler: async () => {
 *     notifySla(await checkSlas(ctx, new Date())); } });
 *   jobs.schedule({ name: SLA_CHECK_JOB, intervalSeconds: 60, kind: SLA_CHECK_JOB, payload: {} });
 *   jobs.register({ kind: EVIDENCE_REVERIFY_JOB, schema: z.object({}), timeoutSeconds: 3600,
 *     handler: async () => { notifyIntegrity((await reverifyAllEvidence(ctx)).mismatches); } });
 *   jobs.schedule({ name: EVIDENCE_REVERIFY_JOB, intervalSeconds: 86_400, kind: EVIDENCE_REVERIFY_JOB, payload: {} });
 *
 * Both functions are idempotent (a warning, breach or verification is recorded once per run and a
 * breach is flagged once), so at-least-once delivery is safe. Their results name the cases to
 * alert on; notifications must not reveal a confidential case to anyone outside it.
 */

export const SLA_CHECK_JOB = 'incidents.sla-check';
export const SLA_CHECK_INTERVAL_SECONDS = 60;
export const EVIDENCE_REVERIFY_JOB = 'incidents.evidence-reverify';
export const EVIDENCE_REVERIFY_INTERVAL_SECONDS = 86_400;

/** One SLA pass: flags warnings and breaches due now; answers them for notification. */
export function runSlaCheck(ctx: AppContext, now: Date = new Date()): Promise<SlaEvent[]> {
  return checkSlas(ctx, now);
}

/** One integrity pass over all held digital evidence; answers the mismatches to alert on. */
export async function runEvidenceReverification(ctx: AppContext): Promise<IntegrityMismatch[]> {
  return (await reverifyAllEvidence(ctx)).mismatches;
}

/**
 * Tells people about SLA warnings and breaches: the assignee, else the site's managers. For a
 * confidential case only the assignee and the admins hear of it, and no message names more than
 * the case reference, so a notification never reveals a case to someone outside it.
 */
export async function notifySlaEvents(ctx: AppContext, events: readonly SlaEvent[]): Promise<void> {
  if (events.length === 0) return;
  const ids = [...new Set(events.map((e) => e.incidentId))];
  const rows = await ctx.database.db
    .selectFrom('incidents')
    .select(['id', 'assigned_to'])
    .where('id', 'in', ids)
    .execute();
  const assignee = new Map(rows.map((r) => [r.id, r.assigned_to]));
  await ctx.database.transaction(async (tx) => {
    for (const event of events) {
      const owner = assignee.get(event.incidentId) ?? null;
      const what = event.clock === 'triage' ? 'triage' : 'resolution';
      const message = {
        category: 'sla' as const,
        severity: event.event === 'breach' ? ('critical' as const) : ('warning' as const),
        title: `${event.event === 'breach' ? 'SLA breached' : 'SLA warning'}: ${event.reference}`,
        body: `${event.reference}: ${what} was due ${event.event === 'breach' ? 'at' : 'by'} ${event.dueAt}.`,
        link: `/incidents/${event.incidentId}`,
      };
      if (owner) await ctx.notifier.notify(tx, { ...message, userIds: [owner] });
      if (event.confidential || !event.siteId) await ctx.notifier.notify(tx, { ...message, role: 'admin' });
      else if (!owner) await ctx.notifier.notify(tx, { ...message, role: 'manager', siteId: event.siteId });
    }
  });
}

/** Alerts the admins to evidence whose stored bytes no longer match their acquisition hash. */
export async function notifyIntegrityMismatches(
  ctx: AppContext,
  mismatches: readonly IntegrityMismatch[],
): Promise<void> {
  if (mismatches.length === 0) return;
  await ctx.database.transaction(async (tx) => {
    for (const mismatch of mismatches) {
      await ctx.notifier.notify(tx, {
        role: 'admin',
        category: 'security',
        severity: 'critical',
        title: `Evidence integrity failure in ${mismatch.reference}`,
        body: `An evidence item of ${mismatch.reference} no longer matches its SHA-256 from acquisition (${mismatch.sha256Actual === null ? 'the file is missing' : 'the bytes changed'}).`,
        link: `/incidents/${mismatch.incidentId}`,
      });
    }
  });
}

/** The module's recurring work: SLA checks every minute, evidence re-verification daily. */
export function registerIncidentJobs(ctx: AppContext): void {
  ctx.jobs.register({
    kind: SLA_CHECK_JOB,
    schema: z.object({}),
    handler: async () => {
      await notifySlaEvents(ctx, await runSlaCheck(ctx));
    },
  });
  ctx.jobs.register({
    kind: EVIDENCE_REVERIFY_JOB,
    schema: z.object({}),
    timeoutSeconds: 3600,
    handler: async () => {
      await notifyIntegrityMismatches(ctx, await runEvidenceReverification(ctx));
    },
  });
  ctx.jobs.schedule({
    name: SLA_CHECK_JOB,
    intervalSeconds: SLA_CHECK_INTERVAL_SECONDS,
    kind: SLA_CHECK_JOB,
    payload: {},
  });
  ctx.jobs.schedule({
    name: EVIDENCE_REVERIFY_JOB,
    intervalSeconds: EVIDENCE_REVERIFY_INTERVAL_SECONDS,
    kind: EVIDENCE_REVERIFY_JOB,
    payload: {},
  });
}
