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

/** Site scoping is enforced in SQL: another site's records answer 404 and never appear in lists. */
describe.each(dialects)('site scope (%s)', (dialect) => {
  let t: TestEnv;
  let managerA: Credentials;
  let admin: Credentials;
  let siteA: { id: string };
  let siteB: { id: string };
  let personB: { id: string };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    siteA = await makeSite(t, { name: 'Alpha' });
    siteB = await makeSite(t, { name: 'Bravo' });
    managerA = await sessionFor(t, await makeUser(t, 'manager', [siteA as never]));
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    personB = (
      await call(t, 'POST', '/api/v1/people', {
        as: admin,
        body: { siteId: siteB.id, firstName: 'Bea', lastName: 'Bravo', email: 'bea@example.test' },
      })
    ).json;
    await call(t, 'POST', '/api/v1/people', {
      as: admin,
      body: { siteId: siteA.id, firstName: 'Al', lastName: 'Alpha' },
    });
  });
  afterAll(() => t.close());

  it('answers 404 for another site and its records', async () => {
    expect((await call(t, 'GET', `/api/v1/sites/${siteB.id}`, { as: managerA })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/people/${personB.id}`, { as: managerA })).status).toBe(404);
    const patch = await call(t, 'PATCH', `/api/v1/people/${personB.id}`, {
      as: managerA,
      body: { title: 'x' },
      headers: { 'if-match': '"v1"' },
    });
    expect(patch.status).toBe(404);
  });

  it('never lists another site or its people', async () => {
    const sites = await call(t, 'GET', '/api/v1/sites', { as: managerA });
    expect(sites.json.items.map((s: { id: string }) => s.id)).toEqual([siteA.id]);
    const people = await call(t, 'GET', '/api/v1/people?q=Bravo', { as: managerA });
    expect(people.json.items).toEqual([]);
    const all = await call(t, 'GET', '/api/v1/people', { as: managerA });
    expect(all.json.items.every((p: { siteId: string }) => p.siteId === siteA.id)).toBe(true);
    expect(all.json.items).toHaveLength(1);
  });

  it('cannot file a person under another site', async () => {
    const response = await call(t, 'POST', '/api/v1/people', {
      as: managerA,
      body: { siteId: siteB.id, firstName: 'X', lastName: 'Y' },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].path).toBe('siteId');
  });

  it('redacts personal data without people:pii', async () => {
    const auditor = await sessionFor(t, await makeUser(t, 'auditor'));
    const seen = await call(t, 'GET', `/api/v1/people/${personB.id}`, { as: auditor });
    expect(seen.status).toBe(200);
    expect(seen.json.email).toBeNull();
    expect(seen.json.piiRedacted).toBe(true);
    const full = await call(t, 'GET', `/api/v1/people/${personB.id}`, { as: admin });
    expect(full.json.email).toBe('bea@example.test');
  });
});
