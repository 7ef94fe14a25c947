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
import { addBusinessMinutes, formatInZone, type BusinessCalendar } from './calendar.js';
import { checkSlas, type SlaEvent } from './sla.js';
import { reportIncident } from './testing.js';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const paris: BusinessCalendar = {
  timezone: 'Europe/Paris',
  hours: [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, [], []],
  holidays: ['2025-05-01'],
};

describe('business hours', () => {
  it('counts only opening hours, across the weekend', () => {
    // Friday 2025-03-07 16:00 Paris (15:00Z) + 2 business hours → Monday 10:00 Paris (09:00Z)
    expect(addBusinessMinutes(new Date('2025-03-07T15:00:00Z'), 120, paris).toISOString()).toBe(
      '2025-03-10T09:00:00.000Z',
    );
    // before opening: the clock starts at 09:00
    expect(addBusinessMinutes(new Date('2025-03-04T05:00:00Z'), 30, paris).toISOString()).toBe(
      '2025-03-04T08:30:00.000Z',
    );
    // a full business day later
    expect(addBusinessMinutes(new Date('2025-03-04T09:00:00Z'), 480, paris).toISOString()).toBe(
      '2025-03-05T09:00:00.000Z',
    );
  });

  it('skips holidays and follows daylight-saving changes', () => {
    // Wednesday 2025-04-30 16:30 CEST + 60 min: 30 today, Thursday 1 May is a holiday, 30 on Friday
    expect(addBusinessMinutes(new Date('2025-04-30T14:30:00Z'), 60, paris).toISOString()).toBe(
      '2025-05-02T07:30:00.000Z',
    );
    // Friday 2025-03-28 16:00 CET + 120 min → Monday 31 March 10:00 CEST (08:00Z): the clocks moved
    expect(addBusinessMinutes(new Date('2025-03-28T15:00:00Z'), 120, paris).toISOString()).toBe(
      '2025-03-31T08:00:00.000Z',
    );
  });

  it('runs around the clock without a calendar, and supports 24:00 windows', () => {
    expect(addBusinessMinutes(new Date('2025-03-08T23:00:00Z'), 90, null).toISOString()).toBe(
      '2025-03-09T00:30:00.000Z',
    );
    const allDay = [{ start: '00:00', end: '24:00' }];
    const always: BusinessCalendar = {
      timezone: 'UTC',
      hours: Array.from({ length: 7 }, () => allDay),
      holidays: [],
    };
    expect(addBusinessMinutes(new Date('2025-03-08T23:00:00Z'), 90, always).toISOString()).toBe(
      '2025-03-09T00:30:00.000Z',
    );
  });

  it('formats instants in a zone with their offset', () => {
    expect(formatInZone('2025-01-15T12:00:00.000Z', 'Europe/Paris')).toBe('2025-01-15T13:00:00.000+01:00');
    expect(formatInZone('2025-07-15T12:00:00.000Z', 'America/New_York')).toBe(
      '2025-07-15T08:00:00.000-04:00',
    );
    expect(formatInZone('2025-07-15T12:00:00.000Z', 'Asia/Kolkata')).toBe('2025-07-15T17:30:00.000+05:30');
  });
});

describe.each(dialects)('SLA clocks, warnings and breaches (%s)', (dialect) => {
  let t: TestEnv;
  let site: { id: string };
  let admin: Credentials;
  let manager: Credentials;

  beforeAll(async () => {
    t = await startTestServer(dialect);
    site = await makeSite(t);
    admin = await sessionFor(t, await makeUser(t, 'admin'));
    manager = await sessionFor(t, await makeUser(t, 'manager', [site as never]));
  });
  afterAll(() => t.close());

  it('warns before the due time, flags the breach once, and counts it', async () => {
    const incident = await reportIncident(t, manager, site.id, { severity: 'critical' });
    const row = (await call(t, 'GET', `/api/v1/incidents/${incident.id}`, { as: manager })).json;
    const created = Date.parse(row.createdAt);
    expect(Date.parse(row.sla.triageDueAt) - created).toBe(30 * 60_000);
    expect(Date.parse(row.sla.triageWarnAt) - created).toBe(22 * 60_000);

    const mine = (events: SlaEvent[]) => events.filter((e) => e.incidentId === incident.id);
    expect(mine(await checkSlas(t.server.ctx, new Date(created + 10 * 60_000)))).toEqual([]);
    const warned = mine(await checkSlas(t.server.ctx, new Date(created + 25 * 60_000)));
    expect(warned).toEqual([
      expect.objectContaining({ clock: 'triage', event: 'warning', dueAt: row.sla.triageDueAt }),
    ]);
    expect(mine(await checkSlas(t.server.ctx, new Date(created + 26 * 60_000)))).toEqual([]);
    const breached = mine(await checkSlas(t.server.ctx, new Date(created + 31 * 60_000)));
    expect(breached).toEqual([expect.objectContaining({ clock: 'triage', event: 'breach' })]);
    expect(mine(await checkSlas(t.server.ctx, new Date(created + 40 * 60_000)))).toEqual([]);

    const after = (await call(t, 'GET', `/api/v1/incidents/${incident.id}`, { as: manager })).json;
    expect(after.sla).toMatchObject({ triageWarned: true, triageBreached: true, resolveBreached: false });
    const timeline = (await call(t, 'GET', `/api/v1/incidents/${incident.id}/timeline`, { as: manager })).json
      .items;
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'sla.warning', 'sla.breached']);

    // once triaged, the triage clock stops; the resolve clock breaches a day later
    await call(t, 'POST', `/api/v1/incidents/${incident.id}/transitions`, {
      as: manager,
      body: { to: 'triaged' },
    });
    const resolve = mine(await checkSlas(t.server.ctx, new Date(created + 25 * 3600_000)));
    expect(resolve.map((e) => [e.clock, e.event])).toEqual([['resolve', 'breach']]);
    const metrics = (await call(t, 'GET', '/api/v1/incidents/metrics', { as: manager })).json;
    expect(metrics.sla.triageBreached).toBeGreaterThanOrEqual(1);
    expect(metrics.sla.resolveBreached).toBeGreaterThanOrEqual(1);
  });

  it('flags a late triage at the moment it happens, without waiting for the job', async () => {
    const incident = await reportIncident(t, manager, site.id, { severity: 'critical' });
    await t.server.ctx.database.db
      .updateTable('incidents')
      .set({ triage_due_at: '2000-01-01T00:00:00.000Z', triage_warn_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', incident.id)
      .execute();
    const triaged = await call(t, 'POST', `/api/v1/incidents/${incident.id}/transitions`, {
      as: manager,
      body: { to: 'triaged' },
    });
    expect(triaged.json.sla.triageBreached).toBe(true);
  });

  it('lets an admin set an SLA with a business calendar; new cases follow it', async () => {
    const calendar = await call(t, 'POST', '/api/v1/business-calendars', {
      as: admin,
      body: {
        name: 'Plant hours',
        timezone: 'Europe/Paris',
        hours: [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, [], []],
        holidays: [],
      },
    });
    expect(calendar.status).toBe(201);
    const badZone = await call(t, 'POST', '/api/v1/business-calendars', {
      as: admin,
      body: { name: 'x', timezone: 'Mars/Olympus', hours: [nineToFive, [], [], [], [], [], []] },
    });
    expect(badZone.status).toBe(400);
    const policies = (await call(t, 'GET', '/api/v1/incident-sla-policies', { as: manager })).json.items;
    expect(policies.map((p: { severity: string }) => p.severity)).toEqual([
      'low',
      'medium',
      'high',
      'critical',
    ]);
    const low = policies[0];
    const noIfMatch = await call(t, 'PUT', '/api/v1/incident-sla-policies/low', {
      as: admin,
      body: { triageMinutes: 60, resolveMinutes: 480, warnPercent: 50, calendarId: calendar.json.id },
    });
    expect(noIfMatch.status).toBe(428);
    expect(
      (
        await call(t, 'PUT', '/api/v1/incident-sla-policies/low', {
          as: manager,
          headers: { 'if-match': `"v${low.version}"` },
          body: { triageMinutes: 60, resolveMinutes: 480, warnPercent: 50, calendarId: calendar.json.id },
        })
      ).status,
    ).toBe(403);
    const updated = await call(t, 'PUT', '/api/v1/incident-sla-policies/low', {
      as: admin,
      headers: { 'if-match': `"v${low.version}"` },
      body: { triageMinutes: 60, resolveMinutes: 480, warnPercent: 50, calendarId: calendar.json.id },
    });
    expect(updated.status).toBe(200);
    const incident = await reportIncident(t, manager, site.id, { severity: 'low' });
    const row = (await call(t, 'GET', `/api/v1/incidents/${incident.id}`, { as: manager })).json;
    const expected = addBusinessMinutes(new Date(row.createdAt), 60, {
      timezone: 'Europe/Paris',
      hours: [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, [], []],
      holidays: [],
    });
    expect(row.sla.triageDueAt).toBe(expected.toISOString());
  });
});
