import { randomInt } from 'node:crypto';
import type { Role } from '../../../contracts/access.js';
import type { AuditContext } from '../audit/chain.js';
import type { AppContext } from '../context.js';
import { passwordProblem } from '../auth/passwords.js';
import { AppError } from '../errors.js';
import { ORGANIZATION } from './organization.js';
import { SeededRandom } from './random.js';
import { demoSeeders, type DemoSeeder, type DemoState } from './seeders.js';

export { demoSeeders, type DemoSeeder, type DemoState } from './seeders.js';
export { demoAccounts, demoSites, ORGANIZATION } from './organization.js';

/** The fixed seed: the same sample organization on every run. */
export const DEMO_SEED = 20_260_101;

export interface DemoSummary {
  organization: string;
  sites: { code: string; name: string; timezone: string }[];
  accounts: { role: Role; email: string; name: string; siteCodes: string[] }[];
  made: Record<string, number>;
}

/** A random password for the demo accounts: 16 characters from an unambiguous alphabet (~79 bits). */
export function generateDemoPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join(''),
  );
  return groups.join('-');
}

/**
 * Loads the sample organization through the services, so every record is validated and audited
 * like any other. Only into an empty installation: sample people must never mix with real ones.
 */
export async function loadDemo(
  ctx: AppContext,
  audit: AuditContext,
  options: { password: string; seeders?: readonly DemoSeeder[] },
): Promise<DemoSummary> {
  // Checked before anything is written, so a weak --password-stdin leaves the installation empty.
  const problem = passwordProblem(options.password);
  if (problem)
    throw new AppError('validation_failed', `The password ${problem}.`, [
      { path: 'password', message: problem },
    ]);
  const db = ctx.database.db;
  for (const table of ['users', 'sites', 'people'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) > 0) {
      throw new AppError(
        'conflict',
        `This installation already has ${table}; the sample organization loads only into an empty one (use a new VIGIL_DATA_DIR or database).`,
      );
    }
  }
  const state: DemoState = {
    ctx,
    audit,
    random: new SeededRandom(DEMO_SEED),
    password: options.password,
    sites: new Map(),
    accounts: new Map(),
    accountPeople: new Map(),
    made: {},
  };
  for (const seeder of options.seeders ?? demoSeeders) await seeder.seed(state);
  const codeOf = new Map([...state.sites.values()].map((site) => [site.id, site.code]));
  return {
    organization: ORGANIZATION,
    sites: [...state.sites.values()].map((s) => ({ code: s.code, name: s.name, timezone: s.timezone })),
    accounts: [...state.accounts.values()].map((u) => ({
      role: u.role,
      email: u.email,
      name: u.name,
      siteCodes: u.sites.map((id) => codeOf.get(id) ?? id).sort(),
    })),
    made: state.made,
  };
}
