import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { MonitoringEvent } from '../../../../contracts/monitoring.js';
import type { Site } from '../../../../contracts/sites.js';
import { eventsCsv } from './eventsCsv.js';

const site: Site = {
  id: '01900000-0000-7000-8000-000000000001',
  code: 'HBR',
  name: 'Harbour depot',
  timezone: 'Europe/Paris',
  address: null,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

function event(overrides: Partial<MonitoringEvent> = {}): MonitoringEvent {
  return {
    id: '019cd000-0000-7000-8000-0000000000aa',
    source: 'dc09',
    sourceEventId: 'R1|4321|0042',
    deviceId: '01900000-0000-7000-8000-0000000000d1',
    deviceName: 'Depot panel',
    siteId: site.id,
    deviceRef: '4321',
    type: 'intrusion',
    restoreOf: null,
    code: 'BA',
    zone: '7',
    occurredAt: '2026-03-10T12:00:00.000Z',
    receivedAt: '2026-03-10T12:00:01.000Z',
    outcome: 'alarm',
    alarmId: '01900000-0000-7000-8000-0000000000a1',
    details: null,
    ...overrides,
  };
}

describe('event log CSV', () => {
  it('writes one row per event with UTC and site-local times', () => {
    const csv = eventsCsv([event()], new Map([[site.id, site]]));
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true });
    expect(parsed.data).toHaveLength(1);
    expect(parsed.data[0]).toMatchObject({
      received_at: '2026-03-10T12:00:01.000Z',
      site: 'HBR',
      device: 'Depot panel',
      type: 'intrusion',
      code: 'BA',
      zone: '7',
      source: 'dc09',
      outcome: 'alarm',
      alarm_id: '01900000-0000-7000-8000-0000000000a1',
    });
    expect(parsed.data[0]).toMatchObject({ site_time: '2026-03-10 13:00:01', site_timezone: 'Europe/Paris' });
  });

  it('keeps unregistered devices’ references and defuses formulas', () => {
    const csv = eventsCsv(
      [
        event({
          deviceId: null,
          deviceName: null,
          siteId: null,
          deviceRef: 'cam-9',
          zone: '=HYPERLINK("x")',
        }),
      ],
      new Map(),
    );
    const row = Papa.parse<Record<string, string>>(csv, { header: true }).data[0];
    expect(row).toMatchObject({ site: '', device: '', device_ref: 'cam-9', site_time: '' });
    expect(row?.zone).toBe(`'=HYPERLINK("x")`);
  });
});
