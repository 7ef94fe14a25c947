import { Group, Pill, Select, Switch, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { incidentStatuses, severities } from '../../../../contracts/incidents.js';
import { useSession } from '../../../app/session.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { optionsOf } from '../labels.js';
import type { FilterKey, IncidentFilters } from './filters.js';
import { PeriodInput } from './PeriodInput.js';

type FilterPatch = Partial<Record<FilterKey, string | null>>;

const kindOptions = [
  { value: 'incident', label: 'Incidents' },
  { value: 'concern', label: 'Concerns' },
];

/**
 * The filters of the incident list. Every change goes to the page address (through `onChange`),
 * except the search text, which the page debounces.
 */
export function FilterBar({
  filters,
  search,
  onSearch,
  onChange,
  typeOptions,
  assigneeName,
  actions,
}: {
  filters: IncidentFilters;
  search: string;
  onSearch: (text: string) => void;
  onChange: (patch: FilterPatch) => void;
  typeOptions: { value: string; label: string }[];
  /** The name of the assignee filtered on, when it is someone else (a shared address). */
  assigneeName: string | null;
  /** Shown at the end of the bar (clear filters, saved views). */
  actions: ReactNode;
}) {
  const { me } = useSession();
  const directory = useSiteDirectory();
  const assignedToOther = filters.assignedTo !== undefined && filters.assignedTo !== me.id;

  return (
    <Group mb="md" gap="sm" wrap="wrap" align="flex-end">
      <TextInput
        label="Search"
        placeholder="Title, description, notes…"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => onSearch(event.currentTarget.value)}
        w={240}
      />
      <Select
        label="Status"
        placeholder="Any"
        data={optionsOf(incidentStatuses)}
        value={filters.status ?? null}
        onChange={(value) => onChange({ status: value })}
        clearable
        w={140}
      />
      <Select
        label="Type"
        placeholder="Any"
        data={typeOptions}
        value={filters.type ?? null}
        onChange={(value) => onChange({ type: value })}
        clearable
        searchable
        w={180}
      />
      <Select
        label="Severity"
        placeholder="Any"
        data={optionsOf(severities)}
        value={filters.severity ?? null}
        onChange={(value) => onChange({ severity: value })}
        clearable
        w={130}
      />
      <Select
        label="Site"
        placeholder="All sites"
        data={directory.options.map((option) => ({ ...option, disabled: false }))}
        value={filters.siteId ?? null}
        onChange={(value) => onChange({ siteId: value })}
        clearable
        searchable
        w={200}
      />
      <Select
        label="Kind"
        placeholder="Both"
        data={kindOptions}
        value={filters.kind ?? null}
        onChange={(value) => onChange({ kind: value })}
        clearable
        w={130}
      />
      <PeriodInput label="Occurred" from={filters.from} to={filters.to} onChange={onChange} />
      <Switch
        label="Assigned to me"
        checked={filters.assignedTo === me.id}
        onChange={(event) => onChange({ assignedTo: event.currentTarget.checked ? me.id : null })}
        mb={8}
      />
      {assignedToOther ? (
        <Pill
          withRemoveButton
          onRemove={() => onChange({ assignedTo: null })}
          removeButtonProps={{ 'aria-label': 'Remove the assignee filter' }}
          mb={6}
        >
          Assigned to {assigneeName ?? 'another user'}
        </Pill>
      ) : null}
      <Group gap="xs" ml="auto">
        {actions}
      </Group>
    </Group>
  );
}
