import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../contracts/incidents.js';
import { slaState } from './sla.js';

const now = Date.parse('2025-03-10T12:00:00.000Z');
const hour = 3600_000;
const at = (offsetHours: number) => new Date(now + offsetHours * hour).toISOString();

function incident(status: Incident['status'], sla: Partial<Incident['sla']> = {}) {
  return {
    status,
    sla: {
      triageDueAt: at(4),
      triageWarnAt: at(3),
      triageWarned: false,
      triageBreached: false,
      resolveDueAt: at(72),
      resolveWarnAt: at(54),
      resolveWarned: false,
      resolveBreached: false,
      ...sla,
    },
  };
}

describe('slaState', () => {
  it('flags nothing while both clocks are well within time', () => {
    expect(slaState(incident('new'), now)).toBeNull();
  });

  it('is due soon once a running clock passes its warning time, flagged by the monitor or not', () => {
    expect(slaState(incident('new', { triageWarnAt: at(-1) }), now)).toBe('due_soon');
    expect(slaState(incident('new', { triageWarned: true }), now)).toBe('due_soon');
    expect(slaState(incident('investigating', { resolveWarnAt: at(-1) }), now)).toBe('due_soon');
  });

  it('is breached once a running clock passes its due time, or when the server flagged a breach', () => {
    expect(slaState(incident('new', { triageDueAt: at(-1), triageWarnAt: at(-2) }), now)).toBe('breached');
    expect(slaState(incident('triaged', { resolveDueAt: at(-1) }), now)).toBe('breached');
    expect(slaState(incident('closed', { triageBreached: true }), now)).toBe('breached');
    expect(slaState(incident('resolved', { resolveBreached: true }), now)).toBe('breached');
  });

  it('ignores a clock that stopped: triage once triaged, both once resolved', () => {
    expect(slaState(incident('triaged', { triageDueAt: at(-1), triageWarnAt: at(-2) }), now)).toBeNull();
    expect(slaState(incident('resolved', { resolveDueAt: at(-1), resolveWarnAt: at(-2) }), now)).toBeNull();
    expect(slaState(incident('closed', { resolveWarned: true }), now)).toBeNull();
  });

  it('copes with cases that have no clocks', () => {
    expect(
      slaState(
        incident('new', { triageDueAt: null, triageWarnAt: null, resolveDueAt: null, resolveWarnAt: null }),
        now,
      ),
    ).toBeNull();
  });
});
