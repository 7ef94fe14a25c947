import { describe, expect, it } from 'vitest';
import { fillMonths, formatDuration, formatShare, monthLabel } from './format.js';
import { categoriesOption, colourOf, monthsOption } from './options.js';

describe('metrics formats', () => {
  it('says durations in the unit people use', () => {
    expect(formatDuration(0.4)).toBe('under a minute');
    expect(formatDuration(45.4)).toBe('45 min');
    expect(formatDuration(60)).toBe('1 h');
    expect(formatDuration(200)).toBe('3 h 20 min');
    expect(formatDuration(47 * 60 + 59.6)).toBe('48 h');
    expect(formatDuration(48 * 60)).toBe('2 days');
    expect(formatDuration(3.5 * 24 * 60)).toBe('3.5 days');
    expect(formatDuration(45 * 24 * 60)).toBe('45 days');
  });

  it('says shares as percentages', () => {
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.125)).toBe('12.5%');
    expect(formatShare(1 / 3)).toBe('33.3%');
    expect(formatShare(1)).toBe('100%');
  });

  it('names months', () => {
    expect(monthLabel('2025-03')).toMatch(/Mar.*2025/);
    expect(monthLabel('bad')).toBe('bad');
  });

  it('fills the quiet months between the first and the last', () => {
    expect(
      fillMonths([
        { key: '2025-02', count: 1 },
        { key: '2024-11', count: 3 },
        { key: null, count: 9 },
      ]),
    ).toEqual([
      { month: '2024-11', count: 3 },
      { month: '2024-12', count: 0 },
      { month: '2025-01', count: 0 },
      { month: '2025-02', count: 1 },
    ]);
    expect(fillMonths([])).toEqual([]);
    expect(fillMonths([{ key: '2025-05', count: 2 }])).toEqual([{ month: '2025-05', count: 2 }]);
  });
});

describe('metrics chart options', () => {
  it('draws one column per month', () => {
    const option = monthsOption([
      { month: '2025-01', count: 2 },
      { month: '2025-02', count: 0 },
    ]);
    expect(option.series).toMatchObject([{ type: 'bar', data: [2, 0] }]);
  });

  it('draws categories as bars in their colours', () => {
    const option = categoriesOption([
      { label: 'Theft', count: 4 },
      { label: 'New', count: 2, colour: colourOf('blue') },
    ]);
    expect(option.yAxis).toMatchObject({ data: ['Theft', 'New'] });
    expect(option.series).toMatchObject([
      { data: [{ value: 4 }, { value: 2, itemStyle: { color: colourOf('blue') } }] },
    ]);
    expect(colourOf('blue')).toMatch(/^#[0-9a-f]{6}$/i);
    expect(colourOf('no-such-colour')).toBe('#3764b0');
  });
});
