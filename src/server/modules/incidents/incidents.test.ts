import { sql } from 'kysely';
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
import { reportIncident } from './testing.js';

describe.each(dialects)('incidents: intake and case work (%s)', (dialect) => {
  let t: TestEnv;
  let site: { id: string };
  let otherSite: { id: string };
  let admin: Credentials;
  let manager: Credentials;
  let officer: Credentials;
  let officerUser: { id: string };
  let investigator: Credentials;
  let investigatorUser: { id: string };

  beforeAll(async () => {
    t = await startTestServer(dialect);
    site = await makeSite(t, { timezone: 'Europe/Paris' });
    otherSite = await makeSite(t);
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    manager = await sessionFor(t, await makeUser(t, 'manager', [site as never]));
    officerUser = await makeUser(t, 'officer', [site as never]);
    officer = await sessionFor(t, officerUser as never);
    investigatorUser = await makeUser(t, 'investigator', [site as never]);
    investigator = await sessionFor(t, investigatorUser as never);
  });
  afterAll(() => t.close());

  it('files an incident with people, assets, vehicles and SLA clocks, audited and on the timeline', async () => {
    const response = await call(t, 'POST', '/api/v1/incidents', {
      as: officer,
      body: {
        title: 'Laptop stolen from reception',
        type: 'theft',
        severity: 'high',
        siteId: site.id,
        location: 'Lobby',
        occurredAt: '2025-03-01T08:30:00+01:00',
        description: 'A laptop left on the desk disappeared.',
        people: [
          { role: 'victim', name: 'Dana Desk', contact: 'dana@example.test' },
          { role: 'witness', name: 'Walt Witness' },
        ],
        assets: [{ description: 'Laptop', tag: 'IT-0042', value: 1200 }],
        vehicles: [{ plate: 'AB-123-CD', color: 'blue' }],
      },
    });
    expect(response.status).toBe(201);
    const incident = response.json;
    expect(incident.reference).toMatch(/^INC-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(incident.status).toBe('new');
    expect(incident.occurredAt).toBe('2025-03-01T07:30:00.000Z');
    expect(incident.reportedBy.id).toBe(officerUser.id);
    expect(incident.assets).toEqual([{ description: 'Laptop', tag: 'IT-0042', value: 1200 }]);
    expect(incident.vehicles[0].plate).toBe('AB-123-CD');
    // high: 4 h to triage, 3 days to resolve, around the clock (seeded policy)
    const created = Date.parse(incident.createdAt);
    expect(Date.parse(incident.sla.triageDueAt) - created).toBe(4 * 3600_000);
    expect(Date.parse(incident.sla.resolveDueAt) - created).toBe(3 * 86_400_000);
    expect(Date.parse(incident.sla.triageWarnAt) - created).toBe(3 * 3600_000);
    expect(response.headers.etag).toBe('"v1"');

    const people = await call(t, 'GET', `/api/v1/incidents/${incident.id}/people`, { as: manager });
    expect(people.json.items.map((p: { name: string }) => p.name).sort()).toEqual([
      'Dana Desk',
      'Walt Witness',
    ]);
    const timeline = await call(t, 'GET', `/api/v1/incidents/${incident.id}/timeline`, { as: manager });
    expect(timeline.json.items[0]).toMatchObject({ kind: 'created', actor: { id: officerUser.id } });
    const audit = await t.server.ctx.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', incident.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('incident.created');
    expect((await verifyAuditChain(t.server.ctx.database)).ok).toBe(true);
  });

  it('accepts user-defined types once an admin adds them, and refuses unknown ones', async () => {
    const unknown = await call(t, 'POST', '/api/v1/incidents', {
      as: officer,
      body: { title: 'Drone overflight', type: 'drone_sighting', severity: 'low', siteId: site.id },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].path).toBe('type');
    expect(
      (
        await call(t, 'POST', '/api/v1/incident-types', {
          as: manager,
          body: { key: 'drone_sighting', label: 'Drone' },
        })
      ).status,
    ).toBe(403);
    const added = await call(t, 'POST', '/api/v1/incident-types', {
      as: admin,
      body: { key: 'drone_sighting', label: 'Drone sighting' },
    });
    expect(added.status).toBe(201);
    const types = await call(t, 'GET', '/api/v1/incident-types', { as: officer });
    expect(types.json.items).toContainEqual({
      key: 'drone_sighting',
      label: 'Drone sighting',
      builtin: false,
    });
    expect(types.json.items.find((x: { key: string }) => x.key === 'workplace_violence').builtin).toBe(true);
    const ok = await call(t, 'POST', '/api/v1/incidents', {
      as: officer,
      body: { title: 'Drone overflight', type: 'drone_sighting', severity: 'low', siteId: site.id },
    });
    expect(ok.status).toBe(201);
  });

  it('refuses a site outside the reporter’s scope', async () => {
    const response = await call(t, 'POST', '/api/v1/incidents', {
      as: officer,
      body: { title: 'x', type: 'theft', severity: 'low', siteId: otherSite.id },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].path).toBe('siteId');
  });

  it('walks the states: triage, investigate, resolve, close with a disposition, reopen with a reason', async () => {
    const incident = await reportIncident(t, officer, site.id);
    const go = (body: object) =>
      call(t, 'POST', `/api/v1/incidents/${incident.id}/transitions`, { as: manager, body });
    expect((await go({ to: 'investigating' })).status).toBe(409);
    expect(
      (
        await call(t, 'POST', `/api/v1/incidents/${incident.id}/transitions`, {
          as: officer,
          body: { to: 'triaged' },
        })
      ).status,
    ).toBe(403);
    const triaged = await go({ to: 'triaged' });
    expect(triaged.status).toBe(200);
    expect(triaged.json.triagedAt).not.toBeNull();
    expect((await go({ to: 'investigating' })).json.status).toBe('investigating');
    expect((await go({ to: 'resolved' })).json.resolvedAt).not.toBeNull();
    const noDisposition = await go({ to: 'closed' });
    expect(noDisposition.status).toBe(400);
    expect(noDisposition.json.errors[0].path).toBe('disposition');
    const closed = await go({
      to: 'closed',
      disposition: 'substantiated',
      dispositionNote: 'Glass replaced',
    });
    expect(closed.json).toMatchObject({ status: 'closed', disposition: 'substantiated' });
    const noReason = await go({ to: 'investigating' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.errors[0].path).toBe('reason');
    const reopened = await go({ to: 'investigating', reason: 'Second window broken' });
    expect(reopened.json).toMatchObject({ status: 'investigating', disposition: null, closedAt: null });
    const timeline = await call(t, 'GET', `/api/v1/incidents/${incident.id}/timeline`, { as: manager });
    const kinds = timeline.json.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual([
      'created',
      'status_changed',
      'status_changed',
      'status_changed',
      'status_changed',
      'reopened',
    ]);
    expect(timeline.json.items.at(-1).data.reason).toBe('Second window broken');
  });

  it('edits with If-Match; a stale version is 412; a new severity moves the SLA due times', async () => {
    const incident = await reportIncident(t, officer, site.id, { severity: 'critical' });
    const missing = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}`, {
      as: manager,
      body: { title: 'x' },
    });
    expect(missing.status).toBe(428);
    const patched = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}`, {
      as: manager,
      headers: { 'if-match': '"v1"' },
      body: {
        severity: 'high',
        title: 'Window smashed',
        findings: 'Thrown stone',
        rootCause: 'malicious_intent',
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      severity: 'high',
      title: 'Window smashed',
      rootCause: 'malicious_intent',
      version: 2,
    });
    expect(Date.parse(patched.json.sla.triageDueAt) - Date.parse(patched.json.createdAt)).toBe(4 * 3600_000);
    const stale = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}`, {
      as: manager,
      headers: { 'if-match': '"v1"' },
      body: { title: 'y' },
    });
    expect(stale.status).toBe(412);
    const officerConfidential = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}`, {
      as: officer,
      headers: { 'if-match': '"v2"' },
      body: { confidential: true },
    });
    expect(officerConfidential.status).toBe(403);
  });

  it('scopes cases: officers see their own reports, investigators what is assigned to them', async () => {
    const mine = await reportIncident(t, officer, site.id, { title: 'Officer report' });
    const managers = await reportIncident(t, manager, site.id, { title: 'Manager report' });
    expect((await call(t, 'GET', `/api/v1/incidents/${managers.id}`, { as: officer })).status).toBe(404);
    expect((await call(t, 'GET', `/api/v1/incidents/${mine.id}`, { as: officer })).status).toBe(200);
    const officerList = await call(t, 'GET', '/api/v1/incidents?limit=500', { as: officer });
    expect(
      officerList.json.items.every((i: { reportedBy: { id: string } }) => i.reportedBy.id === officerUser.id),
    ).toBe(true);

    expect((await call(t, 'GET', `/api/v1/incidents/${managers.id}`, { as: investigator })).status).toBe(404);
    const assigned = await call(t, 'POST', `/api/v1/incidents/${managers.id}/assignment`, {
      as: manager,
      body: { userId: investigatorUser.id },
    });
    expect(assigned.json.assignedTo.id).toBe(investigatorUser.id);
    expect((await call(t, 'GET', `/api/v1/incidents/${managers.id}`, { as: investigator })).status).toBe(200);
    const list = await call(t, 'GET', '/api/v1/incidents?limit=500', { as: investigator });
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual([managers.id]);
    const employee = await makeUser(t, 'employee', [site as never]);
    const toEmployee = await call(t, 'POST', `/api/v1/incidents/${managers.id}/assignment`, {
      as: manager,
      body: { userId: employee.id },
    });
    expect(toEmployee.status).toBe(400);
  });

  it('searches title, description and notes, with filters, on both databases', async () => {
    const a = await reportIncident(t, manager, site.id, {
      title: 'Forklift collision',
      type: 'injury',
      severity: 'low',
    });
    const b = await reportIncident(t, manager, site.id, {
      title: 'Tailgating',
      description: 'Visitor followed staff through the turnstile',
    });
    const c = await reportIncident(t, manager, site.id, { title: 'Alarm', severity: 'critical' });
    await call(t, 'POST', `/api/v1/incidents/${c.id}/notes`, {
      as: manager,
      body: { body: 'Zebracorn sighted on camera 4' },
    });
    const ids = async (query: string) =>
      (await call(t, 'GET', `/api/v1/incidents?${query}`, { as: manager })).json.items.map(
        (i: { id: string }) => i.id,
      );
    expect(await ids('q=forklift')).toEqual([a.id]);
    expect(await ids('q=TURNSTILE visitor')).toEqual([b.id]);
    expect(await ids('q=zebracorn')).toEqual([c.id]);
    expect(await ids('q=zebracorn forklift')).toEqual([]);
    expect(await ids('q=%22%3B%20drop')).toEqual([]);
    // a case reference finds that case, whatever its case, and still obeys the filters
    expect(await ids(`q=${encodeURIComponent(` ${b.reference.toLowerCase()} `)}`)).toEqual([b.id]);
    expect(await ids(`q=${b.reference}&siteId=${otherSite.id}`)).toEqual([]);
    expect(await ids('type=injury&severity=low')).toContain(a.id);
    expect(await ids('type=injury&severity=critical')).toEqual([]);
    expect(await ids(`siteId=${otherSite.id}`)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`from=${today}&q=forklift`)).toEqual([a.id]);
    expect(await ids(`to=2000-01-01&q=forklift`)).toEqual([]);
    // a period without a search is listed by date, newest first, and pages by date
    expect(await ids(`from=${today}&type=injury`)).toContain(a.id);
    expect(await ids(`to=2000-01-01`)).toEqual([]);
    const dated = await reportIncident(t, manager, site.id, {
      title: 'Old one',
      occurredAt: '2020-05-05T10:00:00Z',
    });
    const older = await reportIncident(t, manager, site.id, {
      title: 'Older one',
      occurredAt: '2020-05-04T10:00:00Z',
    });
    const period = await call(t, 'GET', '/api/v1/incidents?from=2020-05-01&to=2020-05-31&limit=1', {
      as: manager,
    });
    expect(period.json.items.map((i: { id: string }) => i.id)).toEqual([dated.id]);
    const next = await call(
      t,
      'GET',
      `/api/v1/incidents?from=2020-05-01&to=2020-05-31&limit=1&cursor=${period.json.nextCursor}`,
      {
        as: manager,
      },
    );
    expect(next.json.items.map((i: { id: string }) => i.id)).toEqual([older.id]);
    expect(next.json.nextCursor).toBeNull();
    // paging through search results keeps the order and loses nothing
    const first = await call(t, 'GET', '/api/v1/incidents?q=forklift%20OR&limit=1', { as: manager });
    expect(first.json.items).toHaveLength(0);
    for (let i = 0; i < 3; i++) await reportIncident(t, manager, site.id, { title: `Pager ${i} pagingword` });
    const page1 = await call(t, 'GET', '/api/v1/incidents?q=pagingword&limit=2', { as: manager });
    const page2 = await call(
      t,
      'GET',
      `/api/v1/incidents?q=pagingword&limit=2&cursor=${page1.json.nextCursor}`,
      { as: manager },
    );
    expect(page1.json.items).toHaveLength(2);
    expect(page2.json.items).toHaveLength(1);
    expect(page2.json.nextCursor).toBeNull();
    expect(page1.json.items[0].title).toBe('Pager 2 pagingword');
  });

  it('merges duplicates: both timelines and notes kept, the duplicate closed, people and tasks moved', async () => {
    const target = await reportIncident(t, manager, site.id, { title: 'Fence cut north' });
    const source = await reportIncident(t, officer, site.id, { title: 'Hole in fence' });
    await call(t, 'POST', `/api/v1/incidents/${source.id}/notes`, {
      as: manager,
      body: { body: 'Seen by patrol at 02:00' },
    });
    await call(t, 'POST', `/api/v1/incidents/${source.id}/people`, {
      as: manager,
      body: { role: 'witness', name: 'Pat Rol' },
    });
    await call(t, 'POST', `/api/v1/incidents/${source.id}/tasks`, {
      as: manager,
      body: { title: 'Pull CCTV' },
    });
    const merged = await call(t, 'POST', `/api/v1/incidents/${target.id}/merge`, {
      as: manager,
      body: { sourceId: source.id },
    });
    expect(merged.status).toBe(200);
    const dup = await call(t, 'GET', `/api/v1/incidents/${source.id}`, { as: manager });
    expect(dup.json).toMatchObject({ status: 'closed', disposition: 'duplicate', mergedInto: target.id });
    const timeline = await call(t, 'GET', `/api/v1/incidents/${target.id}/timeline`, { as: manager });
    const refs = new Set(timeline.json.items.map((e: { incidentReference: string }) => e.incidentReference));
    expect(refs).toEqual(new Set([target.reference, source.reference]));
    expect(timeline.json.items.filter((e: { kind: string }) => e.kind === 'created')).toHaveLength(2);
    const notes = await call(t, 'GET', `/api/v1/incidents/${target.id}/notes`, { as: manager });
    expect(notes.json.items.map((n: { body: string }) => n.body)).toEqual(['Seen by patrol at 02:00']);
    expect(
      (await call(t, 'GET', `/api/v1/incidents/${target.id}/people`, { as: manager })).json.items,
    ).toHaveLength(1);
    expect(
      (await call(t, 'GET', `/api/v1/incidents/${target.id}/tasks`, { as: manager })).json.items[0].title,
    ).toBe('Pull CCTV');
    const search = await call(t, 'GET', '/api/v1/incidents?q=patrol', { as: manager });
    expect(search.json.items.map((i: { id: string }) => i.id)).toContain(target.id);
    expect(
      (
        await call(t, 'POST', `/api/v1/incidents/${target.id}/merge`, {
          as: manager,
          body: { sourceId: source.id },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call(t, 'POST', `/api/v1/incidents/${target.id}/merge`, {
          as: manager,
          body: { sourceId: target.id },
        })
      ).status,
    ).toBe(400);
  });

  it('tracks tasks, corrective actions and law-enforcement referrals', async () => {
    const incident = await reportIncident(t, manager, site.id);
    const task = await call(t, 'POST', `/api/v1/incidents/${incident.id}/tasks`, {
      as: manager,
      body: { title: 'Interview guard', ownerId: investigatorUser.id, dueAt: '2030-01-01T12:00:00Z' },
    });
    expect(task.status).toBe(201);
    expect(task.json.owner.id).toBe(investigatorUser.id);
    const done = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}/tasks/${task.json.id}`, {
      as: manager,
      headers: { 'if-match': '"v1"' },
      body: { status: 'done' },
    });
    expect(done.json).toMatchObject({ status: 'done', version: 2 });
    expect(done.json.completedAt).not.toBeNull();
    const action = await call(t, 'POST', `/api/v1/incidents/${incident.id}/actions`, {
      as: manager,
      body: { title: 'Install laminated glass', dueAt: '2030-06-01T00:00:00Z' },
    });
    expect(action.status).toBe(201);
    const actions = await call(t, 'GET', `/api/v1/incidents/${incident.id}/actions`, { as: manager });
    expect(actions.json.items.map((a: { title: string }) => a.title)).toEqual(['Install laminated glass']);
    const tasks = await call(t, 'GET', `/api/v1/incidents/${incident.id}/tasks`, { as: manager });
    expect(tasks.json.items).toHaveLength(1);

    const referral = await call(t, 'POST', `/api/v1/incidents/${incident.id}/referrals`, {
      as: manager,
      body: {
        agency: 'Police nationale',
        contact: 'Lt. Martin',
        referredOn: '2025-03-02',
        shared: 'CCTV export',
      },
    });
    expect(referral.status).toBe(201);
    const followed = await call(
      t,
      'POST',
      `/api/v1/incidents/${incident.id}/referrals/${referral.json.id}/follow-ups`,
      {
        as: manager,
        body: { on: '2025-03-09', note: 'Suspect identified' },
      },
    );
    expect(followed.json.followUps).toEqual([
      { on: '2025-03-09', note: 'Suspect identified', by: expect.any(String) },
    ]);
    const updated = await call(t, 'PATCH', `/api/v1/incidents/${incident.id}/referrals/${referral.json.id}`, {
      as: manager,
      headers: { 'if-match': `"v${followed.json.version}"` },
      body: { caseNumber: 'PN-2025-881' },
    });
    expect(updated.json.caseNumber).toBe('PN-2025-881');
  });

  it('keeps the timeline and notes append-only in the database itself', async () => {
    const incident = await reportIncident(t, manager, site.id);
    await call(t, 'POST', `/api/v1/incidents/${incident.id}/notes`, { as: manager, body: { body: 'first' } });
    const db = t.server.ctx.database.db;
    await expect(
      sql`update incident_timeline set summary = 'edited' where incident_id = ${incident.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from incident_timeline where incident_id = ${incident.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update incident_notes set body = 'edited' where incident_id = ${incident.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
  });

  it('answers metrics, a CSV export and a PDF case report', async () => {
    const fresh = await startTestServer(dialect);
    try {
      const s = await makeSite(fresh);
      const m = await sessionFor(fresh, await makeUser(fresh, 'manager', [s]));
      const first = await reportIncident(fresh, m, s.id, { type: 'theft', title: '=cmd, "quoted"' });
      await reportIncident(fresh, m, s.id, { type: 'theft' });
      await reportIncident(fresh, m, s.id, { type: 'fire' });
      await call(fresh, 'POST', `/api/v1/incidents/${first.id}/transitions`, {
        as: m,
        body: { to: 'triaged' },
      });
      await fresh.server.ctx.database.db
        .updateTable('incidents')
        .set({ resolve_breached: 1 })
        .where('id', '=', first.id)
        .execute();
      const metrics = await call(fresh, 'GET', '/api/v1/incidents/metrics', { as: m });
      expect(metrics.status).toBe(200);
      expect(metrics.json.total).toBe(3);
      expect(metrics.json.byType).toEqual([
        { key: 'theft', count: 2 },
        { key: 'fire', count: 1 },
      ]);
      expect(metrics.json.bySite).toEqual([{ key: s.id, count: 3 }]);
      expect(metrics.json.byMonth).toEqual([{ key: new Date().toISOString().slice(0, 7), count: 3 }]);
      expect(metrics.json.timeToTriageMinutes.count).toBe(1);
      expect(metrics.json.timeToTriageMinutes.average).toBeGreaterThanOrEqual(0);
      expect(metrics.json.sla).toEqual({ triageBreached: 0, resolveBreached: 1, breachRate: 0.3333 });

      const csv = await call(fresh, 'GET', '/api/v1/incidents/export.csv?type=theft', { as: m });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.body.trim().split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^reference,kind,title,/);
      expect(csv.body).toContain(`"'=cmd, ""quoted"""`);

      const pdf = await fresh.server.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${first.id}/report.pdf`,
        headers: m.headers,
      });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await fresh.close();
    }
  });
});
