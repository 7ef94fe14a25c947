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
import { notifyIntegrityMismatches, notifySlaEvents } from './jobs.js';

/** Who hears about SLA events and integrity failures — and that confidential cases stay hidden. */
describe.each(dialects)('incident alerts (%s)', (dialect) => {
  let t: TestEnv;
  let admin: Credentials;
  let manager: Credentials;
  let investigator: Credentials;
  let investigatorId: string;
  let siteId: string;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const site = await makeSite(t);
    siteId = site.id;
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    manager = await sessionFor(t, await makeUser(t, 'manager', [site]));
    const investigatorUser = await makeUser(t, 'investigator', [site]);
    investigatorId = investigatorUser.id;
    investigator = await sessionFor(t, investigatorUser);
  });
  afterAll(() => t.close());

  const inbox = async (as: Credentials) =>
    (await call(t, 'GET', '/api/v1/notifications?limit=200', { as })).json.items as {
      title: string;
      link: string;
    }[];
  const fileCase = async (confidential: boolean) => {
    const body = {
      title: 'Fence cut',
      type: 'vandalism',
      severity: 'high',
      siteId,
      confidential,
      ...(confidential ? { members: [investigatorId] } : {}),
    };
    const created = await call(t, 'POST', '/api/v1/incidents', { as: admin, body });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return created.json as { id: string; reference: string };
  };
  const event = (incident: { id: string; reference: string }, confidential: boolean) => ({
    incidentId: incident.id,
    reference: incident.reference,
    siteId,
    confidential,
    clock: 'triage' as const,
    event: 'breach' as const,
    dueAt: new Date().toISOString(),
  });

  it('tells the site managers of an unassigned breach', async () => {
    const incident = await fileCase(false);
    await notifySlaEvents(t.server.ctx, [event(incident, false)]);
    expect((await inbox(manager)).some((n) => n.title === `SLA breached: ${incident.reference}`)).toBe(true);
  });

  it('tells the assignee, and for a confidential case nobody outside it', async () => {
    const incident = await fileCase(true);
    expect(
      (
        await call(t, 'POST', `/api/v1/incidents/${incident.id}/assignment`, {
          as: admin,
          body: { userId: investigatorId },
        })
      ).status,
    ).toBeLessThan(300);
    await notifySlaEvents(t.server.ctx, [event(incident, true)]);
    expect((await inbox(investigator)).some((n) => n.title.includes(incident.reference))).toBe(true);
    expect((await inbox(admin)).some((n) => n.title.includes(incident.reference))).toBe(true);
    expect((await inbox(manager)).some((n) => n.title.includes(incident.reference))).toBe(false);
  });

  it('alerts the admins to an evidence integrity failure', async () => {
    const incident = await fileCase(false);
    await notifyIntegrityMismatches(t.server.ctx, [
      {
        evidenceId: incident.id,
        incidentId: incident.id,
        reference: incident.reference,
        siteId,
        confidential: false,
        sha256Expected: 'a'.repeat(64),
        sha256Actual: 'b'.repeat(64),
      },
    ]);
    expect(
      (await inbox(admin)).some((n) => n.title === `Evidence integrity failure in ${incident.reference}`),
    ).toBe(true);
    expect((await inbox(manager)).some((n) => n.title.includes('integrity'))).toBe(false);
  });
});
