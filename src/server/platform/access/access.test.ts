import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePermissions, roles, type Role } from '../../../contracts/access.js';
import type { User } from '../../../contracts/identity.js';
import {
  call,
  dialects,
  makeSite,
  makeUser,
  sessionFor,
  startTestServer,
  tokenFor,
  type TestEnv,
} from '../../test/harness.js';

/*
 * Generated from the permission table and the route catalog: every API route is called by an
 * anonymous client and by every role, and must answer 401 / 403 / something else exactly as the
 * table says. A new route without an entry here cannot be added: the catalog lists them all.
 */
describe.each(dialects)('permission table, route by role (%s)', (dialect) => {
  let t: TestEnv;
  const users = new Map<Role, User>();

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const site = await makeSite(t);
    for (const role of roles) users.set(role, await makeUser(t, role, [site]));
  });
  afterAll(() => t.close());

  const someId = '01930000-0000-7000-8000-000000000000';
  const urlOf = (url: string) => url.replace(/:(\w+)/g, someId);

  it('every API route declares its access', () => {
    expect(t.server.catalog.length).toBeGreaterThan(10);
    for (const route of t.server.catalog) expect(route.access, `${route.method} ${route.url}`).toBeTruthy();
  });

  it('anonymous callers get 401 on every non-public route', async () => {
    for (const route of t.server.catalog.filter((r) => r.access !== 'public')) {
      const response = await call(
        t,
        route.method as 'GET',
        urlOf(route.url),
        route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} },
      );
      expect(response.status, `${route.method} ${route.url}`).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('each role gets 403 exactly where the table denies it', async () => {
    for (const route of t.server.catalog.filter((r) => r.access !== 'public')) {
      for (const role of roles) {
        const allowed =
          route.access === 'authenticated' || rolePermissions[role].includes(route.access as never);
        const response = await call(t, route.method as 'GET', urlOf(route.url), {
          // A fresh session per call: logout and password change end the session they run in.
          as: await sessionFor(t, users.get(role)!),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
        });
        const label = `${role} ${route.method} ${route.url} → ${response.status}`;
        expect(response.status, label).not.toBe(401);
        expect(response.status, label).toBeLessThan(500);
        if (allowed) expect(response.status, label).not.toBe(403);
        else expect(response.status, label).toBe(403);
      }
    }
  });

  it('a bearer token is limited to the permissions it was given', async () => {
    const admin = await makeUser(t, 'admin');
    const full = await tokenFor(t, admin);
    expect((await call(t, 'GET', '/api/v1/users', { as: full })).status).toBe(200);
    const session = await sessionFor(t, admin);
    const narrow = await call(t, 'POST', '/api/v1/tokens', {
      as: session,
      body: { name: 'read sites', permissions: ['sites:read'] },
    });
    expect(narrow.status).toBe(201);
    const asNarrow = { headers: { authorization: `Bearer ${narrow.json.token}` } };
    expect((await call(t, 'GET', '/api/v1/sites', { as: asNarrow })).status).toBe(200);
    expect((await call(t, 'GET', '/api/v1/users', { as: asNarrow })).status).toBe(403);
  });
});
