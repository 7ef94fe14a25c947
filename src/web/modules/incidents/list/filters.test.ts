import { describe, expect, it } from 'vitest';
import { isFiltered, sameFilters, searchOf, filtersFrom, withFilter } from './filters.js';

const site = '01900000-0000-7000-8000-000000000001';
const user = '01900000-0000-7000-8000-000000000002';

describe('incident list filters ↔ page address', () => {
  it('reads the known filters of an address and writes them back in a stable order', () => {
    const filters = filtersFrom(
      new URLSearchParams(
        `to=2025-03-31&severity=high&q=%20laptop%20theft%20&siteId=${site}&kind=incident&assignedTo=${user}&status=new&type=theft&from=2025-03-01`,
      ).entries(),
    );
    expect(filters).toEqual({
      q: 'laptop theft',
      status: 'new',
      type: 'theft',
      severity: 'high',
      siteId: site,
      kind: 'incident',
      assignedTo: user,
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(searchOf(filters)).toBe(
      `?q=laptop+theft&status=new&type=theft&severity=high&siteId=${site}&kind=incident&assignedTo=${user}&from=2025-03-01&to=2025-03-31`,
    );
    expect(filtersFrom(new URLSearchParams(searchOf(filters)).entries())).toEqual(filters);
  });

  it('drops unknown keys, blanks and values the API would refuse, so an old link still loads', () => {
    expect(
      filtersFrom(
        new URLSearchParams(
          'severity=urgent&status=&colour=red&siteId=HQ&from=yesterday&kind=concern&type=Bad%20Type&cursor=abc',
        ).entries(),
      ),
    ).toEqual({ kind: 'concern' });
    expect(filtersFrom(Object.entries({ severity: 3, status: null, q: '   ' }))).toEqual({});
    expect(searchOf({})).toBe('');
  });

  it('takes date-times as well as dates for the period', () => {
    expect(filtersFrom([['from', '2025-03-01T08:00:00.000Z']])).toEqual({ from: '2025-03-01T08:00:00.000Z' });
  });

  it('sets and clears one filter', () => {
    const base = { severity: 'high' as const, q: 'door' };
    expect(withFilter(base, 'status', 'triaged')).toEqual({ severity: 'high', q: 'door', status: 'triaged' });
    expect(withFilter(base, 'severity', null)).toEqual({ q: 'door' });
    expect(withFilter(base, 'q', '  ')).toEqual({ severity: 'high' });
    expect(withFilter(base, 'severity', 'urgent')).toEqual({ q: 'door' });
  });

  it('compares filters by what they select', () => {
    expect(sameFilters({ severity: 'high', q: 'door' }, { q: 'door', severity: 'high' })).toBe(true);
    expect(sameFilters({ severity: 'high' }, { severity: 'high', q: '' })).toBe(true);
    expect(sameFilters({ severity: 'high' }, { severity: 'low' })).toBe(false);
    expect(sameFilters({}, { kind: 'concern' })).toBe(false);
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ kind: 'concern' })).toBe(true);
  });
});
