import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  type Credentials,
  type TestEnv,
} from '../../test/harness.js';
import { reportIncident } from './testing.js';

/** The millisecond timestamp a UUIDv7 carries in its first 48 bits. */
const uuidTime = (id: string) => parseInt(id.replaceAll('-', '').slice(0, 12), 16);
const midnight = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00.000Z`);

describe.each(dialects)('anonymous concerns (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let site: { id: string };
  let ipCounter = 0;
  const freshIp = () => `10.9.${Math.floor(ipCounter / 200)}.${(ipCounter++ % 200) + 1}`;

  async function post(url: string, body: unknown, options: { ip?: string; as?: Credentials } = {}) {
    const response = await t.server.app.inject({
      method: 'POST',
      url,
      remoteAddress: options.ip ?? freshIp(),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'WhistleBrowser/9.9',
        ...(options.as?.headers ?? {}),
      },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, json: JSON.parse(response.body || 'null') };
  }

  beforeAll(async () => {
    t = await startTestServer(dialect);
    site = await makeSite(t);
    admin = await sessionFor(t, await makeUser(t, 'admin'));
  });
  afterAll(() => t.close());

  it('stores nothing that identifies the reporter: no account, address, user agent or precise time', async () => {
    const employee = await makeUser(t, 'employee', [site as never]);
    const asEmployee = await sessionFor(t, employee);
    const created = await post(
      '/api/v1/concerns',
      {
        description: 'My supervisor asks us to falsify visitor logs.',
        type: 'policy_violation',
        siteId: site.id,
      },
      { ip: '203.0.113.77', as: asEmployee },
    );
    expect(created.status).toBe(201);
    expect(created.json.reference).toMatch(/^CON-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(created.json.followUpCode).toMatch(/^([0-9A-Z]{5}-){3}[0-9A-Z]{5}$/);

    const db = t.server.ctx.database.db;
    const row = await db
      .selectFrom('incidents')
      .selectAll()
      .where('reference', '=', created.json.reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'concern', anonymous: 1, reported_by: null, status: 'new' });
    expect(row.created_at).toMatch(/T00:00:00\.000Z$/);
    expect(uuidTime(row.id)).toBe(midnight(row.created_at));
    expect(row.followup_hash).toBe(
      createHash('sha256').update(created.json.followUpCode.replaceAll('-', '')).digest('hex'),
    );
    const timeline = await db
      .selectFrom('incident_timeline')
      .selectAll()
      .where('incident_id', '=', row.id)
      .execute();
    const audit = await db.selectFrom('audit_log').selectAll().where('entity_id', '=', row.id).execute();
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ actor_type: 'anonymous', actor_id: null });
    expect(uuidTime(timeline[0]!.id)).toBe(midnight(timeline[0]!.at));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_type: 'anonymous',
      actor_id: null,
      request_id: null,
      action: 'concern.reported',
    });
    expect(audit[0]!.at).toMatch(/T00:00:00\.000Z$/);
    expect(uuidTime(audit[0]!.id)).toBe(midnight(audit[0]!.at));
    const everything = JSON.stringify([row, timeline, audit]);
    for (const identifying of [
      '203.0.113.77',
      'WhistleBrowser',
      employee.id,
      employee.email,
      employee.name,
      created.json.followUpCode,
    ]) {
      expect(everything).not.toContain(identifying);
    }
  });

  it('records the reporter when a signed-in employee chooses not to be anonymous', async () => {
    const employee = await makeUser(t, 'employee', [site as never]);
    const created = await post(
      '/api/v1/concerns',
      { description: 'Door propped open daily', anonymous: false },
      { as: await sessionFor(t, employee) },
    );
    expect(created.status).toBe(201);
    const row = await t.server.ctx.database.db
      .selectFrom('incidents')
      .selectAll()
      .where('reference', '=', created.json.reference)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ anonymous: 0, reported_by: employee.id });
  });

  it('holds a two-way conversation authenticated by reference and follow-up code', async () => {
    const { json: concern } = await post('/api/v1/concerns', { description: 'Badge sharing in the lab' });
    const thread = (code: string, reference = concern.reference) =>
      post('/api/v1/concerns/thread', { reference, followUpCode: code });
    const wrongCode = await thread('AAAAA-AAAAA-AAAAA-AAAAA');
    const wrongRef = await thread(concern.followUpCode, 'CON-00000-00000');
    expect(wrongCode.status).toBe(404);
    expect(wrongRef.status).toBe(404);
    expect(wrongRef.json.detail).toBe(wrongCode.json.detail);
    const fresh = await thread(concern.followUpCode.toLowerCase().replaceAll('-', ''));
    expect(fresh.json).toEqual({ reference: concern.reference, status: 'received', messages: [] });

    const sent = await post('/api/v1/concerns/messages', {
      reference: concern.reference,
      followUpCode: concern.followUpCode,
      body: 'It happened again today.',
    });
    expect(sent.status).toBe(201);
    expect(sent.json.on).toBe(new Date().toISOString().slice(0, 10));
    const id = (
      await t.server.ctx.database.db
        .selectFrom('incidents')
        .select('id')
        .where('reference', '=', concern.reference)
        .executeTakeFirstOrThrow()
    ).id;
    const staffView = await call(t, 'GET', `/api/v1/incidents/${id}/concern-messages`, { as: admin });
    expect(staffView.json.items).toEqual([
      expect.objectContaining({ from: 'reporter', body: 'It happened again today.', author: null }),
    ]);
    const reply = await call(t, 'POST', `/api/v1/incidents/${id}/concern-messages`, {
      as: admin,
      body: { body: 'Thank you. Which lab?' },
    });
    expect(reply.status).toBe(201);
    await call(t, 'POST', `/api/v1/incidents/${id}/transitions`, { as: admin, body: { to: 'triaged' } });
    const after = await thread(concern.followUpCode);
    expect(after.json.status).toBe('in_review');
    expect(after.json.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['reporter', 'It happened again today.'],
      ['staff', 'Thank you. Which lab?'],
    ]);
    expect(JSON.stringify(after.json)).not.toContain('admin');
  });

  it('keeps each reporter in their own thread when concerns are merged', async () => {
    const { json: first } = await post('/api/v1/concerns', { description: 'Tailgating at gate B' });
    const { json: second } = await post('/api/v1/concerns', { description: 'People tailgate at gate B' });
    const idOf = async (reference: string) =>
      (
        await t.server.ctx.database.db
          .selectFrom('incidents')
          .select('id')
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow()
      ).id;
    const firstId = await idOf(first.reference);
    const secondId = await idOf(second.reference);
    await post('/api/v1/concerns/messages', {
      reference: second.reference,
      followUpCode: second.followUpCode,
      body: 'I saw it at 8.',
    });
    expect(
      (
        await call(t, 'POST', `/api/v1/incidents/${firstId}/merge`, {
          as: admin,
          body: { sourceId: secondId },
        })
      ).status,
    ).toBe(200);
    const toSecond = await call(t, 'POST', `/api/v1/incidents/${firstId}/concern-messages`, {
      as: admin,
      body: { body: 'Thanks, noted.', threadReference: second.reference },
    });
    expect(toSecond.status).toBe(201);
    const firstThread = await post('/api/v1/concerns/thread', {
      reference: first.reference,
      followUpCode: first.followUpCode,
    });
    const secondThread = await post('/api/v1/concerns/thread', {
      reference: second.reference,
      followUpCode: second.followUpCode,
    });
    expect(firstThread.json.messages).toEqual([]);
    expect(secondThread.json.messages.map((m: { body: string }) => m.body)).toEqual([
      'I saw it at 8.',
      'Thanks, noted.',
    ]);
    // the reporter follows the case their concern now lives in, not the closed duplicate
    expect(secondThread.json.status).toBe('received');
    const staff = await call(t, 'GET', `/api/v1/incidents/${firstId}/concern-messages`, { as: admin });
    expect(staff.json.items.map((m: { threadReference: string }) => m.threadReference)).toEqual([
      second.reference,
      second.reference,
    ]);
  });

  it('rate-limits the public routes per address without storing the address', async () => {
    const ip = '198.51.100.9';
    for (let i = 0; i < 10; i++)
      expect((await post('/api/v1/concerns', { description: `spam ${i}` }, { ip })).status).toBe(201);
    const limited = await post('/api/v1/concerns', { description: 'one more' }, { ip });
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe('rate_limited');
    expect(
      (await post('/api/v1/concerns', { description: 'elsewhere' }, { ip: '198.51.100.10' })).status,
    ).toBe(201);
  });

  it('validates the public form', async () => {
    expect((await post('/api/v1/concerns', { description: '' })).status).toBe(400);
    expect((await post('/api/v1/concerns', { description: 'x', type: 'no_such_type' })).status).toBe(400);
    expect(
      (await post('/api/v1/concerns', { description: 'x', siteId: '01930000-0000-7000-8000-000000000000' }))
        .status,
    ).toBe(400);
  });

  it('is seen by admins, not by managers when it names no site', async () => {
    const { json } = await post('/api/v1/concerns', { description: 'Unsited concern' });
    const manager = await sessionFor(t, await makeUser(t, 'manager', [site as never]));
    const list = await call(t, 'GET', '/api/v1/incidents?kind=concern&limit=500', { as: manager });
    expect(list.json.items.map((i: { reference: string }) => i.reference)).not.toContain(json.reference);
    const adminList = await call(t, 'GET', '/api/v1/incidents?kind=concern&limit=500', { as: admin });
    expect(adminList.json.items.map((i: { reference: string }) => i.reference)).toContain(json.reference);
    // a sited concern reaches the site's manager
    const sited = await post('/api/v1/concerns', { description: 'Sited concern', siteId: site.id });
    const mine = await call(t, 'GET', '/api/v1/incidents?kind=concern&limit=500', { as: manager });
    expect(mine.json.items.map((i: { reference: string }) => i.reference)).toContain(sited.json.reference);
    await reportIncident(t, manager, site.id);
  });
});
