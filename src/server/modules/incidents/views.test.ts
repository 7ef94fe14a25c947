import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../platform/audit/chain.js';
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

describe.each(dialects)('incidents: saved views of the list (%s)', (dialect) => {
  let t: TestEnv;
  let site: { id: string };
  let manager: Credentials;
  let officer: Credentials;
  let hr: Credentials;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const created = await makeSite(t);
    site = created;
    manager = await sessionFor(t, await makeUser(t, 'manager', [created]));
    officer = await sessionFor(t, await makeUser(t, 'officer', [created]));
    hr = await sessionFor(t, await makeUser(t, 'hr', [created]));
  });
  afterAll(() => t.close());

  const save = (as: Credentials, body: unknown) => call(t, 'POST', '/api/v1/incident-views', { as, body });

  it('saves, lists (by name) and deletes the caller’s own views, audited', async () => {
    const filters = { severity: 'high', status: 'new', siteId: site.id, q: 'laptop', from: '2025-01-01' };
    const first = await save(manager, { name: 'Open high at HQ', filters });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ name: 'Open high at HQ', filters });
    expect(first.json.id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await save(manager, { name: 'All concerns', filters: { kind: 'concern' } });
    expect(second.status).toBe(201);

    const listed = await call(t, 'GET', '/api/v1/incident-views', { as: manager });
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((view: { name: string }) => view.name)).toEqual([
      'All concerns',
      'Open high at HQ',
    ]);
    expect(listed.json.items[1].filters).toEqual(filters);
    expect(listed.json.nextCursor).toBeNull();

    const removed = await call(t, 'DELETE', `/api/v1/incident-views/${second.json.id}`, { as: manager });
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ ok: true });
    const after = await call(t, 'GET', '/api/v1/incident-views', { as: manager });
    expect(after.json.items.map((view: { id: string }) => view.id)).toEqual([first.json.id]);

    const audit = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity_type', '=', 'incident_view')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'incident_view.created', entity_id: first.json.id },
      { action: 'incident_view.created', entity_id: second.json.id },
      { action: 'incident_view.deleted', entity_id: second.json.id },
    ]);
    expect((await verifyAuditChain(t.server.ctx.database)).ok).toBe(true);
  });

  it('keeps views private: another user neither sees nor deletes them (404)', async () => {
    const mine = await save(officer, { name: 'Mine', filters: { severity: 'low' } });
    expect(mine.status).toBe(201);
    const theirs = await call(t, 'GET', '/api/v1/incident-views', { as: manager });
    expect(theirs.json.items.some((view: { id: string }) => view.id === mine.json.id)).toBe(false);
    const stolen = await call(t, 'DELETE', `/api/v1/incident-views/${mine.json.id}`, { as: manager });
    expect(stolen.status).toBe(404);
    expect(stolen.json.code).toBe('not_found');
    const missing = await call(t, 'DELETE', '/api/v1/incident-views/01900000-0000-7000-8000-000000000000', {
      as: officer,
    });
    expect(missing.status).toBe(404);
    const still = await call(t, 'GET', '/api/v1/incident-views', { as: officer });
    expect(still.json.items.map((view: { id: string }) => view.id)).toEqual([mine.json.id]);
  });

  it('refuses filters the list does not take and bad names (400)', async () => {
    const cases: unknown[] = [
      { name: 'Unknown key', filters: { colour: 'red' } },
      { name: 'Bad severity', filters: { severity: 'urgent' } },
      { name: 'Bad site', filters: { siteId: 'HQ' } },
      { name: 'Bad date', filters: { from: 'yesterday' } },
      { name: 'Not text', filters: { severity: 3 } },
      { name: '', filters: {} },
      { name: 'x'.repeat(101), filters: {} },
      { filters: {} },
      { name: 'No filters' },
    ];
    for (const body of cases) {
      const refused = await save(manager, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.code).toBe('validation_failed');
    }
    const badId = await call(t, 'DELETE', '/api/v1/incident-views/not-an-id', { as: manager });
    expect(badId.status).toBe(400);
  });

  it('needs a session and incidents:read', async () => {
    expect((await call(t, 'GET', '/api/v1/incident-views')).status).toBe(401);
    expect(
      (await call(t, 'POST', '/api/v1/incident-views', { body: { name: 'x', filters: {} } })).status,
    ).toBe(401);
    expect((await call(t, 'GET', '/api/v1/incident-views', { as: hr })).status).toBe(403);
    expect((await save(hr, { name: 'Nope', filters: {} })).status).toBe(403);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await call(t, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/api/v1/incident-views', '/api/v1/incident-views/{id}']),
    );
  });
});
