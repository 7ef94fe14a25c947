import { describe, expect, it } from 'vitest';
import {
  defaultWindow,
  filterParams,
  filtersFromParams,
  noFilters,
  fromLocalInput,
  idTime,
  toLocalInput,
  windowFromParams,
  windowIsOpen,
  windowParams,
  windowQuery,
} from './eventWindow.js';

describe('the event log window', () => {
  const anchor = Date.parse('2026-03-10T12:00:00.000Z');

  it('counts presets back from the anchor, open-ended', () => {
    expect(windowQuery({ kind: 'preset', preset: '1h' }, anchor)).toEqual({
      from: '2026-03-10T11:00:00.000Z',
    });
    expect(windowQuery({ kind: 'preset', preset: '7d' }, anchor)).toEqual({
      from: '2026-03-03T12:00:00.000Z',
    });
    expect(windowIsOpen({ kind: 'preset', preset: '24h' }, anchor)).toBe(true);
  });

  it('round-trips through the URL, falling back to the last 24 hours', () => {
    const custom = {
      kind: 'custom',
      from: '2026-03-01T08:00:00.000Z',
      to: '2026-03-02T08:00:00.000Z',
    } as const;
    expect(windowFromParams(new URLSearchParams(windowParams(custom)))).toEqual(custom);
    expect(windowFromParams(new URLSearchParams({ window: '1h' }))).toEqual({ kind: 'preset', preset: '1h' });
    expect(windowFromParams(new URLSearchParams({ window: 'forever' }))).toEqual(defaultWindow);
    expect(windowFromParams(new URLSearchParams({ window: 'custom', from: 'yesterday' }))).toEqual(
      defaultWindow,
    );
    expect(windowQuery(custom, anchor)).toEqual({ from: custom.from, to: custom.to });
    expect(windowIsOpen(custom, anchor)).toBe(false);
    expect(windowIsOpen({ kind: 'custom', from: custom.from, to: null }, anchor)).toBe(true);
  });

  it('converts datetime-local values in the browser zone both ways', () => {
    const iso = '2026-03-10T07:45:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('not a time')).toBeNull();
  });

  it('reads the time a UUIDv7 was made', () => {
    const ms = Date.parse('2026-03-10T12:34:56.789Z');
    const hex = ms.toString(16).padStart(12, '0');
    expect(idTime(`${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-0123456789ab`)).toBe(ms);
  });
});

describe('the event log filters in the URL', () => {
  it('keeps known values and drops the rest', () => {
    const site = '01900000-0000-7000-8000-000000000001';
    const params = new URLSearchParams({
      site,
      device: 'x',
      type: 'intrusion',
      source: 'fax',
      outcome: 'alarm',
    });
    expect(filtersFromParams(params)).toEqual({
      siteId: site,
      deviceId: null,
      type: 'intrusion',
      source: null,
      outcome: 'alarm',
    });
    expect(filterParams(filtersFromParams(params))).toEqual({ site, type: 'intrusion', outcome: 'alarm' });
    expect(filterParams(noFilters)).toEqual({});
  });
});
