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

describe.each(dialects)('incidents: case workers for assignment and teams (%s)', (dialect) => {
  let t: TestEnv;
  let manager: Credentials;
  let officer: Credentials;
  let admin: Credentials;
  let site: { id: string };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const made = await makeSite(t);
    site = made;
    admin = await sessionFor(t, await makeUser(t, 'admin', [], { name: 'Ada Admin' }));
    manager = await sessionFor(t, await makeUser(t, 'manager', [made], { name: 'Mona Manager' }));
    officer = await sessionFor(t, await makeUser(t, 'officer', [made], { name: 'Olaf Officer' }));
    await makeUser(t, 'investigator', [], { name: 'Ivy 100% Investigator' });
    await makeUser(t, 'investigator', [], { name: 'Ivan Investigator' });
    await makeUser(t, 'hr', [made], { name: 'Hugo HR' });
    await makeUser(t, 'employee', [made], { name: 'Emma Employee' });
  });
  afterAll(() => t.close());

  type Page = { items: { id: string; name: string; role: string }[]; nextCursor: string | null };
  const list = async (as: Credentials, query = '') => {
    const response = await call(t, 'GET', `/api/v1/incident-case-workers${query}`, { as });
    expect(response.status, response.body).toBe(200);
    return response.json as Page;
  };

  it('lists active users whose role reads incidents, by name, without hr or employees', async () => {
    const page = await list(manager);
    expect(page.items.map((u) => u.name)).toEqual([
      'Ada Admin',
      'Ivan Investigator',
      'Ivy 100% Investigator',
      'Mona Manager',
      'Olaf Officer',
    ]);
    expect(page.items.find((u) => u.name === 'Ivan Investigator')?.role).toBe('investigator');
    expect(page.nextCursor).toBeNull();
  });

  it('pages by name with a cursor and matches part of a name in any case', async () => {
    const first = await list(manager, '?limit=2');
    expect(first.items.map((u) => u.name)).toEqual(['Ada Admin', 'Ivan Investigator']);
    const second = await list(manager, `?limit=2&cursor=${first.nextCursor ?? ''}`);
    expect(second.items.map((u) => u.name)).toEqual(['Ivy 100% Investigator', 'Mona Manager']);
    expect((await list(manager, '?q=INVEST')).items.map((u) => u.name)).toEqual([
      'Ivan Investigator',
      'Ivy 100% Investigator',
    ]);
    // LIKE wildcards in the search are taken literally.
    expect((await list(manager, '?q=100%25')).items.map((u) => u.name)).toEqual(['Ivy 100% Investigator']);
    expect((await list(manager, '?q=_')).items).toEqual([]);
  });

  it('leaves out disabled users, and the listed ids are accepted by the assignment', async () => {
    const leaving = await makeUser(t, 'investigator', [], { name: 'Lea Leaving' });
    const read = await call(t, 'GET', `/api/v1/users/${leaving.id}`, { as: admin });
    const disabled = await call(t, 'PATCH', `/api/v1/users/${leaving.id}`, {
      as: admin,
      body: { status: 'disabled' },
      headers: { 'if-match': String(read.headers.etag) },
    });
    expect(disabled.status, disabled.body).toBe(200);
    const names = (await list(manager)).items.map((u) => u.name);
    expect(names).not.toContain('Lea Leaving');

    const ivan = (await list(manager, '?q=ivan')).items[0];
    const incident = await reportIncident(t, manager, site.id);
    const assigned = await call(t, 'POST', `/api/v1/incidents/${incident.id}/assignment`, {
      as: manager,
      body: { userId: ivan?.id },
    });
    expect(assigned.status, assigned.body).toBe(200);
    expect(assigned.json.assignedTo).toEqual({ id: ivan?.id, name: 'Ivan Investigator' });
  });

  it('is for case managers only, and rejects a foreign cursor', async () => {
    expect((await call(t, 'GET', '/api/v1/incident-case-workers', { as: officer })).status).toBe(403);
    const bad = await call(t, 'GET', '/api/v1/incident-case-workers?cursor=abc', { as: manager });
    expect(bad.status).toBe(400);
  });
});
