import type { Command } from 'commander';
import { runEvidenceReverification, runSlaCheck } from '../../server/modules/incidents/index.js';
import { withContext } from '../runtime.js';

/** incidents sla-check, incidents verify-evidence: the scheduled passes, run by hand or from cron. */
export function registerIncidentCommands(program: Command): void {
  const incidents = program.command('incidents').description('incidents and evidence operations');
  incidents
    .command('sla-check')
    .description('flag SLA warnings and breaches that are due now (prints one JSON line per event)')
    .action(async () => {
      await withContext(async (ctx) => {
        const events = await runSlaCheck(ctx, new Date());
        for (const event of events) {
          console.log(
            JSON.stringify({
              reference: event.reference,
              clock: event.clock,
              event: event.event,
              dueAt: event.dueAt,
            }),
          );
        }
        console.error(`${events.length} SLA event(s).`);
      });
    });
  incidents
    .command('verify-evidence')
    .description('re-hash all held digital evidence; exits 1 when any item does not match its hash')
    .action(async () => {
      await withContext(async (ctx) => {
        const mismatches = await runEvidenceReverification(ctx);
        for (const item of mismatches) {
          console.log(
            JSON.stringify({
              reference: item.reference,
              evidenceId: item.evidenceId,
              expected: item.sha256Expected,
              actual: item.sha256Actual,
            }),
          );
        }
        console.error(
          mismatches.length === 0
            ? 'All evidence intact.'
            : `${mismatches.length} item(s) failed verification.`,
        );
        if (mismatches.length > 0) process.exitCode = 1;
      });
    });
}
