import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  type TestEnv,
} from '../../test/harness.js';
import { verifyAuditChain } from './chain.js';

describe.each(dialects)('audit chain (%s)', (dialect) => {
  let t: TestEnv;
  beforeEach(async () => {
    t = await startTestServer(dialect);
  });
  afterEach(() => t.close());

  const db = () => t.server.ctx.database.db;

  /** Drops the append-only guard, as an attacker with direct database access would. */
  async function dropGuards(): Promise<void> {
    if (dialect === 'postgres') {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db());
    } else {
      await sql`drop trigger audit_log_no_update`.execute(db());
      await sql`drop trigger audit_log_no_delete`.execute(db());
    }
  }

  async function seedEntries(): Promise<void> {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    for (let i = 0; i < 4; i += 1) {
      expect(
        (
          await call(t, 'POST', '/api/v1/sites', {
            as: admin,
            body: { name: `Site ${i}`, code: `AUD${i}`, timezone: 'UTC' },
          })
        ).status,
      ).toBe(201);
    }
  }

  it('records who changed what, in which request, for every mutation', async () => {
    const adminUser = await makeUser(t, 'admin', [], { name: 'Ada Admin' });
    const admin = await sessionFor(t, adminUser);
    const created = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'North', code: 'NORTH', timezone: 'Europe/Oslo' },
    });
    await call(t, 'PATCH', `/api/v1/sites/${created.json.id}`, {
      as: admin,
      body: { name: 'North Gate' },
      headers: { 'if-match': '"v1"' },
    });
    const entries = await call(t, 'GET', `/api/v1/audit?entityType=site&entityId=${created.json.id}`, {
      as: admin,
    });
    expect(entries.json.items).toHaveLength(2);
    const [update, create] = entries.json.items;
    expect(create).toMatchObject({
      action: 'site.created',
      actorId: adminUser.id,
      actorLabel: 'Ada Admin',
      entityId: created.json.id,
      requestId: created.headers['x-request-id'],
    });
    expect(update.action).toBe('site.updated');
    expect(update.changes).toEqual({ name: ['North', 'North Gate'] });
    expect(update.seq).toBe(Number(create.seq) + 1);
  });

  it('rolls back the audit entry with a failed mutation, and the mutation with a failed audit', async () => {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const before = (await verifyAuditChain(t.server.ctx.database)).count;
    await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'Dup', code: 'DUP', timezone: 'UTC' },
    });
    const duplicate = await call(t, 'POST', '/api/v1/sites', {
      as: admin,
      body: { name: 'Dup', code: 'DUP', timezone: 'UTC' },
    });
    expect(duplicate.status).toBe(409);
    expect((await verifyAuditChain(t.server.ctx.database)).count).toBe(before + 1);
  });

  it('never logs passwords or personal data into the audit log', async () => {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const site = await makeSite(t);
    await call(t, 'POST', '/api/v1/users', {
      as: admin,
      body: {
        email: 'x@example.test',
        name: 'X',
        role: 'officer',
        sites: [site.id],
        password: 'lilac harbour ferry 9000',
      },
    });
    await call(t, 'POST', '/api/v1/people', {
      as: admin,
      body: {
        siteId: site.id,
        firstName: 'P',
        lastName: 'Q',
        phone: '+1 555 0100',
        email: 'pq@example.test',
      },
    });
    const rows = await db().selectFrom('audit_log').select('changes').execute();
    const all = rows.map((r) => r.changes).join('\n');
    expect(all).not.toContain('lilac harbour');
    expect(all).not.toContain('555 0100');
    expect(all).not.toContain('pq@example.test');
  });

  it('cannot be updated or deleted by the application', async () => {
    await seedEntries();
    await expect(
      db().updateTable('audit_log').set({ action: 'forged' }).where('seq', '=', 1).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('audit_log').where('seq', '=', 1).execute()).rejects.toThrow(/append-only/);
  });

  it('stays one unbroken chain under concurrent writers', async () => {
    const admin = await sessionFor(t, await makeUser(t, 'admin'));
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        call(t, 'POST', '/api/v1/sites', {
          as: admin,
          body: { name: `Par ${i}`, code: `PAR${i}`, timezone: 'UTC' },
        }),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const result = await verifyAuditChain(t.server.ctx.database);
    expect(result.ok).toBe(true);
    expect(result.count).toBeGreaterThanOrEqual(26);
  });

  it('verifies an intact chain', async () => {
    await seedEntries();
    const result = await verifyAuditChain(t.server.ctx.database);
    expect(result.ok).toBe(true);
    expect(result.count).toBeGreaterThanOrEqual(5);
  });

  it('names the first edited entry', async () => {
    await seedEntries();
    await dropGuards();
    await db()
      .updateTable('audit_log')
      .set({ changes: '{"name":["forged"]}' })
      .where('seq', '=', 3)
      .execute();
    expect(await verifyAuditChain(t.server.ctx.database)).toMatchObject({ ok: false, badSeq: 3 });
  });

  it('detects a deleted entry', async () => {
    await seedEntries();
    await dropGuards();
    await db().deleteFrom('audit_log').where('seq', '=', 2).execute();
    expect(await verifyAuditChain(t.server.ctx.database)).toMatchObject({ ok: false, badSeq: 3 });
  });

  it('detects a deletion near the head of the chain', async () => {
    await seedEntries();
    await dropGuards();
    const last = await db()
      .selectFrom('audit_log')
      .select('seq')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    await db()
      .deleteFrom('audit_log')
      .where('seq', '=', last.seq - 1)
      .execute();
    expect(await verifyAuditChain(t.server.ctx.database)).toMatchObject({ ok: false, badSeq: last.seq });
  });

  it('detects an inserted entry', async () => {
    await seedEntries();
    await dropGuards();
    const rows = await db().selectFrom('audit_log').selectAll().orderBy('seq').execute();
    // Shift every entry after #2 up by one and insert a forged #3 that links to #2's hash.
    for (const row of [...rows].reverse().filter((r) => r.seq > 2)) {
      await db()
        .updateTable('audit_log')
        .set({ seq: row.seq + 1 })
        .where('seq', '=', row.seq)
        .execute();
    }
    const second = rows[1]!;
    await db()
      .insertInto('audit_log')
      .values({
        ...second,
        seq: 3,
        id: '01930000-0000-7000-8000-00000000abcd',
        action: 'site.forged',
        prev_hash: second.hash,
      })
      .execute();
    expect(await verifyAuditChain(t.server.ctx.database)).toMatchObject({ ok: false, badSeq: 3 });
  });

  it('detects reordered entries', async () => {
    await seedEntries();
    await dropGuards();
    const rows = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', 'in', [2, 3])
      .orderBy('seq')
      .execute();
    const [a, b] = [rows[0]!, rows[1]!];
    await db().updateTable('audit_log').set({ seq: -1 }).where('seq', '=', 2).execute();
    await db().updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 3).execute();
    await db().updateTable('audit_log').set({ seq: 3 }).where('seq', '=', -1).execute();
    expect(a.id).not.toBe(b.id);
    expect(await verifyAuditChain(t.server.ctx.database)).toMatchObject({ ok: false, badSeq: 2 });
  });
});
