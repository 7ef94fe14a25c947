import { describe, expect, it } from 'vitest';
import { choosePolicy, defaultPolicy, localClock, scheduleMatches, type RuleSpec } from './rules.js';

const mon = 1;
const tue = 2;

describe('arming schedules', () => {
  it('reads the local clock of a site, across daylight saving time', () => {
    // 12:00Z is 07:00 in New York in winter (EST) and 08:00 in summer (EDT).
    expect(localClock('America/New_York', Date.parse('2025-01-15T12:00:00Z'))).toEqual({
      day: 3,
      minutes: 7 * 60,
    });
    expect(localClock('America/New_York', Date.parse('2025-07-15T12:00:00Z'))).toEqual({
      day: 2,
      minutes: 8 * 60,
    });
    // Just after midnight UTC on a Monday is still Sunday evening in New York.
    expect(localClock('America/New_York', Date.parse('2025-01-13T00:30:00Z'))).toEqual({
      day: 0,
      minutes: 19 * 60 + 30,
    });
    expect(localClock('Asia/Kolkata', Date.parse('2025-01-13T00:00:00Z'))).toEqual({
      day: 1,
      minutes: 5 * 60 + 30,
    });
  });

  it('matches daytime windows on listed days only', () => {
    const office = { windows: [{ days: [mon, tue], from: '08:00', to: '18:00' }] };
    expect(scheduleMatches(office, { day: mon, minutes: 8 * 60 })).toBe(true);
    expect(scheduleMatches(office, { day: tue, minutes: 17 * 60 + 59 })).toBe(true);
    expect(scheduleMatches(office, { day: tue, minutes: 18 * 60 })).toBe(false);
    expect(scheduleMatches(office, { day: 3, minutes: 12 * 60 })).toBe(false);
  });

  it('runs a night window past midnight into the next day', () => {
    const night = { windows: [{ days: [mon], from: '22:00', to: '06:00' }] };
    expect(scheduleMatches(night, { day: mon, minutes: 23 * 60 })).toBe(true);
    expect(scheduleMatches(night, { day: tue, minutes: 5 * 60 + 59 })).toBe(true);
    expect(scheduleMatches(night, { day: tue, minutes: 6 * 60 })).toBe(false);
    // Monday's early hours belong to Sunday night, which is not listed.
    expect(scheduleMatches(night, { day: mon, minutes: 3 * 60 })).toBe(false);
    expect(scheduleMatches(night, { day: tue, minutes: 23 * 60 })).toBe(false);
  });

  it('treats from = to as the whole day', () => {
    const allDay = { windows: [{ days: [0, 6], from: '00:00', to: '00:00' }] };
    expect(scheduleMatches(allDay, { day: 6, minutes: 0 })).toBe(true);
    expect(scheduleMatches(allDay, { day: 6, minutes: 1439 })).toBe(true);
    expect(scheduleMatches(allDay, { day: 5, minutes: 600 })).toBe(false);
  });
});

describe('choosing a policy', () => {
  const device = { id: 'd1', siteId: 's1', timezone: 'UTC' };
  const rule = (overrides: Partial<RuleSpec>): RuleSpec => ({
    id: 'r',
    eventType: 'person_detected',
    siteId: null,
    deviceId: null,
    action: 'log',
    priority: null,
    schedule: null,
    foldSeconds: 300,
    ...overrides,
  });
  const at = (iso: string) => ({ type: 'person_detected' as const, occurredMs: Date.parse(iso) });

  it('falls back to the type default: alarms for life safety and intrusion, log entries for routine', () => {
    expect(choosePolicy([], { type: 'fire', occurredMs: 0 }, device)).toMatchObject({
      action: 'alarm',
      priority: 1,
    });
    expect(choosePolicy([], { type: 'intrusion', occurredMs: 0 }, device)).toMatchObject({
      action: 'alarm',
      priority: 2,
    });
    expect(choosePolicy([], { type: 'access_granted', occurredMs: 0 }, device).action).toBe('log');
    expect(defaultPolicy('unregistered_device')).toMatchObject({ action: 'alarm', priority: 2 });
  });

  it('prefers device over site over organization, and a scheduled rule when its window is on', () => {
    const rules = [
      rule({ id: 'org', action: 'alarm', priority: 4 }),
      rule({ id: 'site', siteId: 's1', action: 'log' }),
      rule({
        id: 'site-night',
        siteId: 's1',
        action: 'alarm',
        priority: 2,
        schedule: { windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '20:00', to: '06:00' }] },
      }),
      rule({ id: 'other-device', deviceId: 'd2', action: 'alarm', priority: 1 }),
    ];
    expect(choosePolicy(rules, at('2025-01-15T02:00:00Z'), device)).toMatchObject({
      ruleId: 'site-night',
      action: 'alarm',
    });
    expect(choosePolicy(rules, at('2025-01-15T14:00:00Z'), device)).toMatchObject({
      ruleId: 'site',
      action: 'log',
    });
    expect(choosePolicy(rules, at('2025-01-15T14:00:00Z'), { ...device, siteId: 's2' })).toMatchObject({
      ruleId: 'org',
      priority: 4,
    });
    const withDevice = [...rules, rule({ id: 'device', deviceId: 'd1', action: 'log' })];
    expect(choosePolicy(withDevice, at('2025-01-15T02:00:00Z'), device).ruleId).toBe('device');
  });
});
