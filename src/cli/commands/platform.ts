import { Option, type Command } from 'commander';
import { rolePermissions, roles, type Role } from '../../contracts/access.js';
import { emailSchema } from '../../contracts/identity.js';
import { verifyAuditChain } from '../../server/platform/audit/chain.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { createUser, findUserByEmail, issueToken } from '../../server/modules/identity/index.js';
import { findSiteByCode } from '../../server/modules/sites/index.js';
import { positiveInteger, UsageError } from '../errors.js';
import { cliActor, readStdin, withContext } from '../runtime.js';

function parseEmail(value: string): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--email: "${value}" is not an email address`);
  return parsed.data;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** migrate, user add, token create, audit verify. */
export function registerPlatformCommands(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      await withContext(async (ctx) => {
        const results = await migrateToLatest(ctx.database);
        console.log(
          results.length === 0
            ? 'Schema is up to date.'
            : results.map((r) => `${r.status}: ${r.migrationName}`).join('\n'),
        );
      });
    });

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('create a user')
    .requiredOption('--email <email>', 'sign-in email', parseEmail)
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(roles).makeOptionMandatory())
    .option('--site <code>', 'site code the user works at (repeatable)', collect, [])
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (opts: { email: string; name: string; role: Role; site: string[]; passwordStdin?: boolean }) => {
        const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
        if (opts.passwordStdin && !password)
          throw new UsageError('--password-stdin: no password on standard input');
        await withContext(async (ctx) => {
          const sites: string[] = [];
          for (const code of opts.site) {
            const site = await findSiteByCode(ctx.database.db, code.toUpperCase());
            if (!site) throw new UsageError(`--site: no site has the code "${code}"`);
            sites.push(site.id);
          }
          const created = await createUser(
            ctx,
            { actor: cliActor(), requestId: null },
            { email: opts.email, name: opts.name, role: opts.role, sites, password },
          );
          console.log(`Created ${created.role} ${created.email} (${created.id}).`);
        });
      },
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a user and print it (only the token, on stdout)')
    .requiredOption('--email <email>', 'the user the token acts as', parseEmail)
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-days <days>', 'days until the token expires', positiveInteger('--expires-days'), 90)
    .action(async (opts: { email: string; name: string; expiresDays: number }) => {
      await withContext(async (ctx) => {
        const owner = await findUserByEmail(ctx.database.db, opts.email);
        if (!owner) throw new UsageError(`--email: no user has the email ${opts.email}`);
        if (owner.status !== 'active') throw new UsageError(`--email: ${opts.email} is disabled`);
        const permissions = rolePermissions[owner.role as Role];
        const issued = await issueToken(
          ctx,
          { actor: cliActor(), requestId: null },
          { userId: owner.id, name: opts.name, permissions, expiresInDays: opts.expiresDays },
        );
        process.stdout.write(`${issued.token}\n`);
      });
    });

  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description(
      'recompute the hash chain of the audit log; exit 0 when intact, 1 naming the first bad entry',
    )
    .action(async () => {
      await withContext(async (ctx) => {
        const result = await verifyAuditChain(ctx.database);
        if (result.ok) {
          console.log(`Audit log intact: ${result.count} entries verified.`);
        } else {
          console.error(
            `Audit log broken at entry #${result.badSeq} (${result.badId ?? 'unknown id'}): ${result.reason}. ${result.count} entries before it are intact.`,
          );
          process.exitCode = 1;
        }
      });
    });
}
