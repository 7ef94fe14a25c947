import type { Role } from '../../../contracts/access.js';
import type { User } from '../../../contracts/identity.js';
import type { Person } from '../../../contracts/people.js';
import type { Site } from '../../../contracts/sites.js';
import { createUser } from '../../modules/identity/index.js';
import { createPerson } from '../../modules/people/index.js';
import { createSite } from '../../modules/sites/index.js';
import { principalFor, type Principal } from '../access/principal.js';
import type { AuditContext } from '../audit/chain.js';
import type { AppContext } from '../context.js';
import {
  demoAccounts,
  demoSites,
  EMAIL_DOMAIN,
  namePools,
  supplierFirms,
  titlesByDepartment,
  type DemoSite,
} from './organization.js';
import { SeededRandom } from './random.js';

/** What the seeders share: the context to write through, and what earlier seeders made. */
export interface DemoState {
  ctx: AppContext;
  /** Who the audit log names for every sample record. */
  audit: AuditContext;
  random: SeededRandom;
  password: string;
  /** Sites by code. */
  sites: Map<string, Site>;
  /** Demo accounts by role. */
  accounts: Map<Role, User>;
  /** Acts as the admin account for services that check the caller's rights. */
  admin?: Principal;
  /** People of the directory by the role of their account, for seeders that need a named person. */
  accountPeople: Map<Role, Person>;
  /** What each seeder made, for the closing summary (`{ people: 342 }`). */
  made: Record<string, number>;
}

/**
 * One step of the sample organization. Later modules append their own seeder (a risk register,
 * open incidents…) to `demoSeeders`, reading what earlier seeders put in the state.
 */
export interface DemoSeeder {
  name: string;
  seed(state: DemoState): Promise<void>;
}

function requireAdmin(state: DemoState): Principal {
  if (!state.admin) throw new Error('the users seeder must run before this one');
  return state.admin;
}

function siteId(state: DemoState, code: string): string {
  const site = state.sites.get(code);
  if (!site) throw new Error(`the sites seeder made no site ${code}`);
  return site.id;
}

const sitesSeeder: DemoSeeder = {
  name: 'sites',
  async seed(state) {
    for (const site of demoSites) {
      const created = await createSite(state.ctx, state.audit, {
        code: site.code,
        name: site.name,
        timezone: site.timezone,
        address: site.address,
      });
      state.sites.set(site.code, created);
    }
    state.made.sites = demoSites.length;
  },
};

/** first.last@domain in plain ASCII, made unique with a number when two people share a name. */
function emailFor(first: string, last: string, domain: string, taken: Set<string>): string {
  const local = `${first}.${last}`
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z.]/g, '');
  let candidate = `${local}@${domain}`;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${local}${n}@${domain}`;
  taken.add(candidate);
  return candidate;
}

const usersSeeder: DemoSeeder = {
  name: 'users',
  async seed(state) {
    const taken = new Set<string>();
    for (const account of demoAccounts) {
      const user = await createUser(state.ctx, state.audit, {
        email: emailFor(account.firstName, account.lastName, EMAIL_DOMAIN, taken),
        name: `${account.firstName} ${account.lastName}`,
        role: account.role,
        sites: account.sites.map((code) => siteId(state, code)),
        password: state.password,
      });
      state.accounts.set(account.role, user);
      if (account.role === 'admin') state.admin = principalFor(user, 'password');
    }
    state.made.users = demoAccounts.length;
  },
};

const PHONE_DIGITS: Record<string, number> = {
  'NYC-HQ': 2,
  'HOU-WH': 2,
  'FRA-DC': 4,
  'SIN-OFF': 3,
  'SAO-PLT': 3,
};
const NOTES = [
  'Night shift.',
  'Holds a forklift operator licence.',
  'Escort required in the data halls.',
  'Badge reissued after loss.',
  'Trained first aider and fire warden.',
  'Works remotely two days a week.',
];

/**
 * The people directory: the demo accounts' own records, then at every site one head per department
 * and staff reporting to them, with contractors from supplier firms, a few vendors and visitors.
 */
const peopleSeeder: DemoSeeder = {
  name: 'people',
  async seed(state) {
    const admin = requireAdmin(state);
    const { random } = state;
    const emails = new Set<string>();
    let employeeNumber = 10_000;
    let made = 0;
    const add = async (input: Parameters<typeof createPerson>[3]): Promise<Person> => {
      made += 1;
      return createPerson(state.ctx, state.audit, admin, input);
    };
    const phone = (site: DemoSite) =>
      `${site.phonePrefix}${String(random.int(0, 10 ** (PHONE_DIGITS[site.code] ?? 3) - 1)).padStart(PHONE_DIGITS[site.code] ?? 3, '0')}`;

    for (const account of demoAccounts) {
      const user = state.accounts.get(account.role);
      const home = demoSites.find((s) => s.code === account.sites[0]);
      if (!user || !home) continue;
      // Security staff report to the CSO; the other accounts' managers are outside the sample.
      const manager =
        account.role !== 'admin' && account.department === 'Corporate Security'
          ? (state.accountPeople.get('admin')?.id ?? null)
          : null;
      emails.add(user.email);
      const person = await add({
        siteId: siteId(state, home.code),
        kind: 'employee',
        firstName: account.firstName,
        lastName: account.lastName,
        email: user.email,
        phone: phone(home),
        employeeNumber: `MI-${(employeeNumber += 1)}`,
        department: account.department,
        title: account.title,
        status: 'active',
        managerId: manager,
        userId: user.id,
      });
      state.accountPeople.set(account.role, person);
    }
    const cso = state.accountPeople.get('admin')?.id ?? null;
    const americasSecurity = state.accountPeople.get('manager')?.id ?? cso;

    for (const site of demoSites) {
      const pool = namePools[site.region];
      const heads = new Map<string, string>();
      let staffLeft = site.headcount;
      for (const [department] of site.departments) {
        const headTitle = titlesByDepartment[department]?.[0] ?? `${department} Lead`;
        const reportsTo =
          department === 'Corporate Security'
            ? ['NYC-HQ', 'HOU-WH', 'SAO-PLT'].includes(site.code)
              ? americasSecurity
              : cso
            : null;
        const first = random.pick(pool.first);
        const last = random.pick(pool.last);
        const head = await add({
          siteId: siteId(state, site.code),
          kind: 'employee',
          firstName: first,
          lastName: last,
          email: emailFor(first, last, EMAIL_DOMAIN, emails),
          phone: phone(site),
          employeeNumber: `MI-${(employeeNumber += 1)}`,
          department,
          title: headTitle,
          status: 'active',
          managerId: reportsTo,
        });
        heads.set(department, head.id);
        staffLeft -= 1;
      }
      for (; staffLeft > 0; staffLeft -= 1) {
        const first = random.pick(pool.first);
        const last = random.pick(pool.last);
        const kind = random.weighted([
          ['employee', 86],
          ['contractor', 9],
          ['vendor', 3],
          ['visitor', 2],
        ] as const);
        const status = random.chance(0.04) ? 'inactive' : 'active';
        const notes = random.chance(0.08) ? random.pick(NOTES) : null;
        if (kind === 'employee') {
          const department = random.weighted(site.departments);
          const titles = titlesByDepartment[department] ?? ['Staff'];
          await add({
            siteId: siteId(state, site.code),
            kind,
            firstName: first,
            lastName: last,
            email: emailFor(first, last, EMAIL_DOMAIN, emails),
            phone: phone(site),
            employeeNumber: `MI-${(employeeNumber += 1)}`,
            department,
            title: random.pick(titles.slice(1).length > 0 ? titles.slice(1) : titles),
            status,
            managerId: heads.get(department) ?? null,
            notes,
          });
        } else if (kind === 'visitor') {
          await add({
            siteId: siteId(state, site.code),
            kind,
            firstName: first,
            lastName: last,
            title: 'Visitor',
            status,
            notes: `Host: ${site.name} reception.`,
          });
        } else {
          const firm = random.pick(supplierFirms);
          await add({
            siteId: siteId(state, site.code),
            kind,
            firstName: first,
            lastName: last,
            email: emailFor(first, last, firm.domain, emails),
            phone: phone(site),
            department: firm.department,
            title: kind === 'vendor' ? `Account Manager, ${firm.name}` : firm.title,
            status,
            managerId: heads.get(firm.department) ?? null,
            notes,
          });
        }
      }
    }
    state.made.people = made;
  },
};

/** The seeders that build the sample organization, in order. */
export const demoSeeders: DemoSeeder[] = [sitesSeeder, usersSeeder, peopleSeeder];
