import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePermissions, roles, type Permission, type Role } from '../../../contracts/access.js';
import type { User } from '../../../contracts/identity.js';
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
import { multipart, reportIncident, uploadBytes } from './testing.js';

/*
 * Need-to-know, generated from the route catalog: a confidential case's id (and the ids of its
 * evidence, tasks, people…) is used in EVERY route of the module that addresses a case, by EVERY
 * role that is not a member — including a manager and an investigator of the same site, and an
 * admin named as an excluded subject. Each must get 403 where the permission table denies the
 * route, and 404 everywhere else, exactly as for a case that does not exist. Then lists, counts,
 * search, metrics and exports must not betray it either.
 */

const SECRET = 'quetzalcoatl';

/** A valid body for every case route that takes one, so that validation never answers before scope. */
function sampleBody(key: string, ids: Record<string, string>): unknown {
  const bodies: Record<string, unknown> = {
    'PATCH /api/v1/incidents/:id': { title: 'renamed' },
    'POST /api/v1/incidents/:id/transitions': { to: 'triaged' },
    'POST /api/v1/incidents/:id/assignment': { userId: null },
    'POST /api/v1/incidents/:id/merge': { sourceId: ids.other },
    'POST /api/v1/incidents/:id/members': { userId: ids.outsider },
    'POST /api/v1/incidents/:id/exclusions': { userId: ids.outsider, reason: 'subject' },
    'POST /api/v1/incidents/:id/people': { role: 'witness', name: 'W' },
    'POST /api/v1/incidents/:id/notes': { body: 'note' },
    'POST /api/v1/incidents/:id/tasks': { title: 'task' },
    'PATCH /api/v1/incidents/:id/tasks/:taskId': { title: 'task 2' },
    'POST /api/v1/incidents/:id/actions': { title: 'action' },
    'PATCH /api/v1/incidents/:id/actions/:actionId': { title: 'action 2' },
    'POST /api/v1/incidents/:id/referrals': { agency: 'Police', referredOn: '2025-01-01' },
    'PATCH /api/v1/incidents/:id/referrals/:referralId': { caseNumber: 'X1' },
    'POST /api/v1/incidents/:id/referrals/:referralId/follow-ups': { on: '2025-01-02', note: 'call' },
    'POST /api/v1/incidents/:id/legal-hold': { reason: 'litigation' },
    'POST /api/v1/incidents/:id/legal-hold/release': { reason: 'over' },
    'POST /api/v1/incidents/:id/concern-messages': { body: 'hello' },
    'POST /api/v1/incidents/:id/evidence/physical': {
      description: 'knife',
      bagTag: 'B-1',
      storageLocation: 'locker',
      custodian: 'me',
    },
    'POST /api/v1/incidents/:id/evidence/:evidenceId/verify': {},
    'POST /api/v1/incidents/:id/evidence/:evidenceId/transfers': {
      to: 'lab',
      storageLocation: 'lab',
      reason: 'analysis',
    },
    'POST /api/v1/incidents/:id/evidence/:evidenceId/disposal': { reason: 'retention' },
    'POST /api/v1/incidents/:id/evidence/:evidenceId/disposal/approve': {},
    'POST /api/v1/incidents/:id/evidence/:evidenceId/disposal/reject': {},
  };
  return bodies[key];
}

describe.each(dialects)('incidents need-to-know, every route × every role (%s)', (dialect) => {
  let t: TestEnv;
  let site: { id: string };
  const users = new Map<Role, User>();
  let member: User;
  let excludedAdmin: User;
  let outsider: User;
  let ids: Record<string, string>;
  let confidentialRef: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    site = await makeSite(t);
    for (const role of roles) users.set(role, await makeUser(t, role, [site as never]));
    member = await makeUser(t, 'investigator', [site as never]);
    excludedAdmin = await makeUser(t, 'admin');
    outsider = await makeUser(t, 'investigator', [site as never]);
    const cso = await sessionFor(t, await makeUser(t, 'admin'));
    const memberSession = await sessionFor(t, member);

    const confidential = await reportIncident(t, cso, site.id, {
      title: `Executive ${SECRET} inquiry`,
      description: 'Allegation against a senior manager',
      type: 'fraud',
      confidential: true,
      members: [member.id],
      people: [{ role: 'subject', userId: excludedAdmin.id, name: 'Sub Ject', exclude: true }],
    });
    confidentialRef = confidential.reference;
    const other = await reportIncident(
      t,
      users.get('manager') ? await sessionFor(t, users.get('manager')!) : cso,
      site.id,
      {
        title: 'Ordinary case',
      },
    );
    const upload = await uploadBytes(
      t,
      memberSession,
      confidential.id,
      Buffer.from('ledger scan'),
      'ledger.pdf',
    );
    expect(upload.status).toBe(201);
    const task = await call(t, 'POST', `/api/v1/incidents/${confidential.id}/tasks`, {
      as: memberSession,
      body: { title: 'Audit ledger' },
    });
    const action = await call(t, 'POST', `/api/v1/incidents/${confidential.id}/actions`, {
      as: memberSession,
      body: { title: 'Dual control' },
    });
    const referral = await call(t, 'POST', `/api/v1/incidents/${confidential.id}/referrals`, {
      as: memberSession,
      body: { agency: 'Financial police', referredOn: '2025-01-01' },
    });
    const person = await call(t, 'POST', `/api/v1/incidents/${confidential.id}/people`, {
      as: memberSession,
      body: { role: 'witness', name: 'Wit' },
    });
    await call(t, 'POST', `/api/v1/incidents/${confidential.id}/notes`, {
      as: memberSession,
      body: { body: `${SECRET} ledger note` },
    });
    ids = {
      id: confidential.id,
      other: other.id,
      evidenceId: JSON.parse(upload.body).id,
      taskId: task.json.id,
      actionId: action.json.id,
      referralId: referral.json.id,
      personEntryId: person.json.id,
      userId: member.id,
      outsider: outsider.id,
    };
  });
  afterAll(() => t.close());

  const caseRoutes = () => t.server.catalog.filter((r) => r.url.startsWith('/api/v1/incidents/:id'));

  async function callRoute(route: { method: string; url: string }, as: Credentials) {
    const key = `${route.method} ${route.url}`;
    const url = route.url.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? 'missing');
    const headers: Record<string, string> = { ...as.headers };
    if (route.method === 'PATCH' || route.method === 'PUT') headers['if-match'] = '"v1"';
    if (key === 'POST /api/v1/incidents/:id/evidence') {
      const body = multipart({}, { filename: 'x.txt', contentType: 'text/plain', content: Buffer.from('x') });
      const response = await t.server.app.inject({
        method: 'POST',
        url,
        headers: { ...headers, ...body.headers },
        payload: body.payload,
      });
      return { status: response.statusCode, body: response.body };
    }
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : sampleBody(key, ids);
    if (route.method !== 'GET' && route.method !== 'DELETE')
      expect(body, `sample body for ${key}`).toBeDefined();
    const response = await call(t, route.method as 'GET', url, {
      as: { headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, body: response.body };
  }

  it('covers the whole case API', () => {
    expect(caseRoutes().length).toBeGreaterThan(35);
  });

  it('answers 404 (or 403 by permission) on every case route to every non-member, managers and investigators of the site included', async () => {
    const callers: [string, User][] = [
      ...roles.filter((r) => r !== 'admin').map((r): [string, User] => [r, users.get(r)!]),
      ['excluded admin (subject)', excludedAdmin],
      ['other investigator', outsider],
    ];
    for (const route of caseRoutes()) {
      for (const [label, user] of callers) {
        const response = await callRoute(route, await sessionFor(t, user));
        const allowed =
          route.access === 'authenticated' || rolePermissions[user.role].includes(route.access as Permission);
        const line = `${label} ${route.method} ${route.url} → ${response.status} ${response.body.slice(0, 120)}`;
        expect(response.status, line).toBe(allowed ? 404 : 403);
        expect(response.body, line).not.toContain(SECRET);
      }
    }
  });

  it('lets members and admins in (the 404s above are need-to-know, not broken routes)', async () => {
    const asMember = await sessionFor(t, member);
    const asAdmin = await sessionFor(t, users.get('admin')!);
    for (const route of caseRoutes().filter((r) => r.method === 'GET')) {
      expect((await callRoute(route, asMember)).status, `member ${route.url}`).toBe(200);
      expect((await callRoute(route, asAdmin)).status, `admin ${route.url}`).toBe(200);
    }
  });

  it('never shows the case in lists, search, counts, metrics or exports to non-members', async () => {
    const readers: User[] = [...roles.map((r) => users.get(r)!), excludedAdmin, outsider].filter((u) =>
      rolePermissions[u.role].includes('incidents:read'),
    );
    const asAdmin = await sessionFor(t, users.get('admin')!);
    const adminTotal = (await call(t, 'GET', '/api/v1/incidents/metrics', { as: asAdmin })).json.total;
    for (const user of readers) {
      const as = await sessionFor(t, user);
      const isAdmin = user.id === users.get('admin')!.id;
      const list = await call(t, 'GET', '/api/v1/incidents?limit=500', { as });
      const search = await call(t, 'GET', `/api/v1/incidents?q=${SECRET}`, { as });
      const byReference = await call(t, 'GET', `/api/v1/incidents?q=${confidentialRef}`, { as });
      const metrics = await call(t, 'GET', '/api/v1/incidents/metrics', { as });
      const csv = await call(t, 'GET', '/api/v1/incidents/export.csv', { as });
      const filtered = await call(t, 'GET', '/api/v1/incidents?type=fraud', { as });
      if (isAdmin) {
        expect(search.json.items.map((i: { id: string }) => i.id)).toEqual([ids.id]);
        expect(byReference.json.items.map((i: { id: string }) => i.id)).toEqual([ids.id]);
        continue;
      }
      const label = `${user.role} ${user.email}`;
      expect(
        list.json.items.map((i: { id: string }) => i.id),
        label,
      ).not.toContain(ids.id);
      expect(search.json.items, label).toEqual([]);
      expect(byReference.json.items, label).toEqual([]);
      expect(filtered.json.items, label).toEqual([]);
      expect(
        metrics.json.byType.find((x: { key: string }) => x.key === 'fraud'),
        label,
      ).toBeUndefined();
      expect(metrics.json.total, label).toBeLessThan(adminTotal);
      expect(csv.body, label).not.toContain(confidentialRef);
      expect(csv.body, label).not.toContain(SECRET);
    }
    const asMember = await sessionFor(t, member);
    const memberSearch = await call(t, 'GET', `/api/v1/incidents?q=${SECRET}`, { as: asMember });
    expect(memberSearch.json.items.map((i: { id: string }) => i.id)).toEqual([ids.id]);
  });

  it('keeps the details of a confidential case out of the audit log readable by auditors', async () => {
    const auditor = await sessionFor(t, users.get('auditor')!);
    const entries = await call(t, 'GET', `/api/v1/audit?entityId=${ids.id}&limit=500`, { as: auditor });
    expect(entries.status).toBe(200);
    expect(entries.json.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries.json)).not.toContain(SECRET);
  });

  it('lets a member be added and removed, with immediate effect', async () => {
    const asAdmin = await sessionFor(t, users.get('admin')!);
    const manager = users.get('manager')!;
    const asManager = await sessionFor(t, manager);
    expect((await call(t, 'GET', `/api/v1/incidents/${ids.id}`, { as: asManager })).status).toBe(404);
    const added = await call(t, 'POST', `/api/v1/incidents/${ids.id}/members`, {
      as: asAdmin,
      body: { userId: manager.id },
    });
    expect(added.status).toBe(201);
    expect((await call(t, 'GET', `/api/v1/incidents/${ids.id}`, { as: asManager })).status).toBe(200);
    const members = await call(t, 'GET', `/api/v1/incidents/${ids.id}/members`, { as: asManager });
    expect(members.json.items.map((m: { userId: string }) => m.userId)).toContain(manager.id);
    const removed = await call(t, 'DELETE', `/api/v1/incidents/${ids.id}/members/${manager.id}`, {
      as: asAdmin,
    });
    expect(removed.status).toBe(200);
    expect((await call(t, 'GET', `/api/v1/incidents/${ids.id}`, { as: asManager })).status).toBe(404);
    // an excluded subject cannot be made a member
    const excluded = await call(t, 'POST', `/api/v1/incidents/${ids.id}/members`, {
      as: asAdmin,
      body: { userId: excludedAdmin.id },
    });
    expect(excluded.status).toBe(400);
  });
});
