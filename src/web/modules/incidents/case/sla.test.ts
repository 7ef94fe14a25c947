import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../contracts/incidents.js';
import { formatDuration, slaClock } from './sla.js';

const created = Date.parse('2025-03-01T08:00:00.000Z');
const hours = (h: number) => created + h * 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function incident(overrides: Partial<Incident> = {}, sla: Partial<Incident['sla']> = {}): Incident {
  return {
    id: '01930000-0000-7000-8000-000000000001',
    reference: 'INC-AAAAA-BBBBB',
    kind: 'incident',
    title: 'Laptop stolen',
    description: '',
    type: 'theft',
    severity: 'high',
    status: 'new',
    occurredAt: null,
    siteId: null,
    location: null,
    confidential: false,
    anonymous: false,
    reportedBy: null,
    assignedTo: null,
    assets: [],
    vehicles: [],
    findings: null,
    rootCause: null,
    disposition: null,
    dispositionNote: null,
    mergedInto: null,
    legalHold: null,
    sla: {
      triageDueAt: iso(hours(4)),
      triageWarnAt: iso(hours(3)),
      triageWarned: false,
      triageBreached: false,
      resolveDueAt: iso(hours(72)),
      resolveWarnAt: iso(hours(54)),
      resolveWarned: false,
      resolveBreached: false,
      ...sla,
    },
    triagedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: iso(created),
    updatedAt: iso(created),
    version: 1,
    ...overrides,
  };
}

describe('SLA clocks of a case', () => {
  it('counts down, warns inside the warning window and turns breached at the due time', () => {
    expect(slaClock(incident(), 'triage', hours(1))).toMatchObject({
      state: 'running',
      remainingMs: 3 * 3600_000,
    });
    expect(slaClock(incident(), 'triage', hours(3.5)).state).toBe('warning');
    expect(slaClock(incident(), 'triage', hours(4)).state).toBe('breached');
    expect(slaClock(incident(), 'triage', hours(5)).remainingMs).toBe(-3600_000);
  });

  it('trusts the server’s warned and breached flags even before the browser clock gets there', () => {
    expect(slaClock(incident({}, { triageWarned: true }), 'triage', hours(1)).state).toBe('warning');
    expect(slaClock(incident({}, { resolveBreached: true }), 'resolve', hours(1)).state).toBe('breached');
  });

  it('stops a clock when its step is done: met, or met late', () => {
    const triaged = incident({ status: 'triaged', triagedAt: iso(hours(2)) });
    expect(slaClock(triaged, 'triage', hours(100))).toMatchObject({ state: 'met', doneAt: iso(hours(2)) });
    expect(slaClock(triaged, 'resolve', hours(10)).state).toBe('running');
    const late = incident({ status: 'triaged', triagedAt: iso(hours(6)) }, { triageBreached: true });
    expect(slaClock(late, 'triage', hours(7)).state).toBe('met-late');
    const resolved = incident({ status: 'resolved', triagedAt: iso(hours(1)), resolvedAt: iso(hours(80)) });
    expect(slaClock(resolved, 'resolve', hours(90)).state).toBe('met-late');
    // Reopened: the SLA stays judged on the first resolution, and says so.
    const reopened = { ...resolved, status: 'investigating' as const };
    expect(slaClock(reopened, 'resolve', hours(90))).toMatchObject({ state: 'met-late', reopened: true });
    expect(slaClock(resolved, 'resolve', hours(90)).reopened).toBe(false);
  });

  it('has no clock without a target or on a merged duplicate', () => {
    expect(slaClock(incident({}, { triageDueAt: null }), 'triage', hours(1)).state).toBe('none');
    const merged = incident({ status: 'closed', mergedInto: '01930000-0000-7000-8000-000000000002' });
    expect(slaClock(merged, 'resolve', hours(100)).state).toBe('none');
  });

  it('formats countdowns', () => {
    expect(formatDuration(2 * 86_400_000 + 4 * 3600_000 + 5000)).toBe('2d 4h');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3h 05m');
    expect(formatDuration(-(12 * 60_000 + 9000))).toBe('12m 09s');
  });
});
