import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import { useState } from 'react';

type Range = DatesRangeValue<string>;

/** The day of a `from`/`to` bound, which may hold a date or a date-time. */
const dayOf = (value: string | undefined) => (value ? value.slice(0, 10) : null);

/**
 * A period of days for a filter (`from`/`to`, inclusive). The period is passed on once complete;
 * closing the calendar with only a first day chosen means "from that day on".
 */
export function PeriodInput({
  label,
  from,
  to,
  onChange,
  w = 240,
}: {
  label: string;
  from: string | undefined;
  to: string | undefined;
  onChange: (period: { from: string | null; to: string | null }) => void;
  w?: number;
}) {
  const [picking, setPicking] = useState<Range | null>(null);
  const commit = ([start, end]: Range) => {
    setPicking(null);
    onChange({ from: start, to: end });
  };
  return (
    <DatePickerInput
      type="range"
      label={label}
      placeholder="Any time"
      value={picking ?? [dayOf(from), dayOf(to)]}
      onChange={(next) => {
        if ((next[0] === null) === (next[1] === null)) commit(next);
        else setPicking(next);
      }}
      onDropdownClose={() => (picking ? commit(picking) : undefined)}
      clearable
      allowSingleDateInRange
      valueFormat="D MMM YYYY"
      w={w}
    />
  );
}
