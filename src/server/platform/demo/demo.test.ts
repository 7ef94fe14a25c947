import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roles } from '../../../contracts/access.js';
import { verifyAuditChain } from '../audit/chain.js';
import { AppError } from '../errors.js';
import { call, dialects, makeUser, startTestServer, type TestEnv } from '../../test/harness.js';
import { generateDemoPassword, loadDemo } from './index.js';

const audit = { actor: { type: 'system' as const, id: null, label: 'sample data (test)' }, requestId: null };

async function directory(t: TestEnv) {
  return t.server.ctx.database.db
    .selectFrom('people')
    .innerJoin('sites', 'sites.id', 'people.site_id')
    .select([
      'sites.code',
      'people.first_name',
      'people.last_name',
      'people.kind',
      'people.department',
      'people.title',
    ])
    .orderBy('people.id')
    .execute();
}

describe.each(dialects)('sample organization (%s)', (dialect) => {
  let t: TestEnv;
  beforeEach(async () => {
    t = await startTestServer(dialect);
  });
  afterEach(() => t.close());

  it('is never loaded by starting the server', async () => {
    const db = t.server.ctx.database.db;
    for (const table of ['sites', 'users', 'people'] as const) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(row.n), table).toBe(0);
    }
  });

  it('loads sites in five time zones, one account per role and an audited people directory', async () => {
    const password = generateDemoPassword();
    const summary = await loadDemo(t.server.ctx, audit, { password });

    expect(summary.sites).toHaveLength(5);
    expect(new Set(summary.sites.map((s) => s.timezone)).size).toBe(5);
    expect(summary.accounts.map((a) => a.role).sort()).toEqual([...roles].sort());
    expect(summary.made.people).toBeGreaterThanOrEqual(300);

    const people = await directory(t);
    expect(people).toHaveLength(summary.made.people ?? 0);
    expect(new Set(people.map((p) => p.kind))).toEqual(
      new Set(['employee', 'contractor', 'vendor', 'visitor']),
    );
    expect(new Set(people.map((p) => `${p.first_name} ${p.last_name}`)).size).toBeGreaterThan(250);

    // Everything went through the services: one audit entry per record, and the chain holds.
    const entries = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_label'])
      .execute();
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    expect(count('site.created')).toBe(5);
    expect(count('user.created')).toBe(roles.length);
    expect(count('person.created')).toBe(people.length);
    expect(entries.every((e) => e.actor_label === 'sample data (test)')).toBe(true);
    expect((await verifyAuditChain(t.server.ctx.database)).ok).toBe(true);

    // The printed password signs every account in, and each sees what its role and sites allow.
    const byRole = new Map(summary.accounts.map((a) => [a.role, a]));
    const session = async (role: 'manager' | 'officer') => {
      const login = await call(t, 'POST', '/api/v1/auth/login', {
        body: { email: byRole.get(role)?.email, password },
      });
      expect(login.status).toBe(200);
      const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
      return { headers: { cookie } };
    };
    const officer = await session('officer');
    const seen = await call(t, 'GET', '/api/v1/people?limit=500', { as: officer });
    expect(seen.status).toBe(200);
    const officerSites = new Set(byRole.get('officer')?.siteCodes);
    const siteIdToCode = new Map(
      (await t.server.ctx.database.db.selectFrom('sites').select(['id', 'code']).execute()).map((s) => [
        s.id,
        s.code,
      ]),
    );
    expect(seen.json.items.length).toBeGreaterThan(0);
    for (const person of seen.json.items)
      expect(officerSites.has(siteIdToCode.get(person.siteId) ?? '')).toBe(true);
    expect((await session('manager')).headers.cookie).toContain('=');
  });

  it('is the same organization on every run', async () => {
    await loadDemo(t.server.ctx, audit, { password: generateDemoPassword() });
    const other = await startTestServer(dialect);
    try {
      await loadDemo(other.server.ctx, audit, { password: generateDemoPassword() });
      expect(await directory(other)).toEqual(await directory(t));
    } finally {
      await other.close();
    }
  });

  it('refuses an installation that already has users, and writes nothing', async () => {
    await makeUser(t, 'admin');
    const attempt = loadDemo(t.server.ctx, audit, { password: generateDemoPassword() });
    await expect(attempt).rejects.toThrow(AppError);
    await expect(loadDemo(t.server.ctx, audit, { password: generateDemoPassword() })).rejects.toThrow(
      /already has users/,
    );
    const sites = await t.server.ctx.database.db.selectFrom('sites').select('id').execute();
    expect(sites).toHaveLength(0);
  });

  it('rejects a weak password before writing anything', async () => {
    await expect(loadDemo(t.server.ctx, audit, { password: 'short' })).rejects.toThrow(/at least 12/);
    const sites = await t.server.ctx.database.db.selectFrom('sites').select('id').execute();
    expect(sites).toHaveLength(0);
  });
});
