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
