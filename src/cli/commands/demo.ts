import type { Command } from 'commander';
import { allSiteRoles } from '../../contracts/access.js';
import { generateDemoPassword, loadDemo } from '../../server/platform/demo/index.js';
import { UsageError } from '../errors.js';
import { cliActor, readStdin, withContext } from '../runtime.js';

/** `vigil demo`: loads the sample organization into an empty installation. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'load the sample organization (sites in five time zones, one user per role, a people directory) into an empty installation',
    )
    .option('--password-stdin', 'read the password of the demo accounts from standard input')
    .action(async (opts: { passwordStdin?: boolean }) => {
      const given = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
      if (opts.passwordStdin && !given)
        throw new UsageError('--password-stdin: no password on standard input');
      const password = given ?? generateDemoPassword();
      await withContext(async (ctx) => {
        const actor = cliActor();
        const summary = await loadDemo(
          ctx,
          { actor: { ...actor, label: `sample data (${actor.label})` }, requestId: null },
          { password },
        );
        const url = ctx.config.VIGIL_PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`;
        const counts = Object.entries(summary.made)
          .map(([what, n]) => `${n} ${what}`)
          .join(', ');
        const width = Math.max(...summary.accounts.map((a) => a.email.length));
        console.log(`Loaded the sample organization ${summary.organization}: ${counts}.`);
        console.log(`\nSign in at ${url}/login as any of:`);
        for (const account of summary.accounts) {
          console.log(
            `  ${account.role.padEnd(12)} ${account.email.padEnd(width)}  ${allSiteRoles.includes(account.role) ? 'all sites' : account.siteCodes.join(', ')}`,
          );
        }
        console.log(
          given === undefined
            ? `\nPassword for every account: ${password}`
            : '\nPassword for every account: the one given on standard input.',
        );
      });
    });
}
