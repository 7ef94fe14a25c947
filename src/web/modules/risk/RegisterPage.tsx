import {
  Button,
  Group,
  Menu,
  Paper,
  Pill,
  Select,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconDownload, IconFileImport, IconPlus, IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { riskSchema, savedViewSchema, type Risk } from '../../../contracts/risk.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, navigableRow, useCursorList } from '../../app/lists.js';
import { SavedViews } from '../../app/SavedViews.js';
import { notifyError } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory } from '../sites/directory.js';
import { filtersFrom, sameFilters, searchOf, type FilterKey, type RegisterFilters } from './filters.js';
import { formatDay } from './format.js';
import { ImportModal } from './ImportModal.js';
import { categoryLabel, categoryOptions, statusOptions } from './labels.js';
import { RatingBadge, RiskSectionTabs, RiskStatusBadge } from './parts.js';
import { riskKey, risksKey, useMatrices, useOwners } from './queries.js';
import { RiskDrawer } from './RiskDrawer.js';
import { exportRegister } from './transfer.js';

const viewsKey = [...riskKey, 'views'] as const;

/** The risk register: filters in the address (shareable, saved as views), import and export. */
export default function RegisterPage() {
  const { can, me } = useSession();
  const navigate = useNavigate();
  const directory = useSiteDirectory();
  const owners = useOwners();
  const matrices = useMatrices();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(searchParams.entries()), [searchParams]);
  const [search, setSearch] = useState(filters.q ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  const mayWrite = can('risk:write');

  const apply = (next: RegisterFilters) => {
    setSearchParams(new URLSearchParams(searchOf(next)));
    setSearch(next.q ?? '');
    setTag(next.tag ?? '');
  };
  // Changes one filter of the address as it is now (typing may land after other changes).
  const setFilter = (key: FilterKey, value: string | null) => {
    setSearchParams(
      (previous) => {
        // searchOf leaves out empty values, so clearing a filter is setting it to ''.
        const next: RegisterFilters = { ...filtersFrom(previous.entries()), [key]: value?.trim() ?? '' };
        return new URLSearchParams(searchOf(filtersFrom(Object.entries(next))));
      },
      { replace: true },
    );
  };
  const typeFilter = useDebouncedCallback(setFilter, 250);

  const list = useCursorList(risksKey, '/api/v1/risks', riskSchema, filters);
  const filtered = Object.keys(filters).length > 0;
  const categories = useMemo(() => {
    const known = new Set<string>(categoryOptions.map((option) => option.value));
    const extra = [...new Set(list.items.map((risk) => risk.category))].filter((c) => !known.has(c));
    return [...categoryOptions, ...extra.map((c) => ({ value: c, label: categoryLabel(c) }))];
  }, [list.items]);
  const cell =
    filters.likelihood !== undefined || filters.impact !== undefined
      ? `${filters.rating === 'inherent' ? 'Inherent' : 'Residual'} rating: ${[
          filters.likelihood ? `likelihood ${filters.likelihood}` : null,
          filters.impact ? `impact ${filters.impact}` : null,
        ]
          .filter(Boolean)
          .join(' × ')}`
      : null;

  const download = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    try {
      await exportRegister(filters, format);
    } catch (error) {
      notifyError(error, 'Export failed');
    } finally {
      setExporting(null);
    }
  };
  const open = (risk: Risk) => void navigate(`/risk/${risk.id}`);

  return (
    <>
      <PageHeader
        title="Risk register"
        description="Risk scenarios across physical, personnel and cyber security, rated on the organization's matrix."
        actions={
          <>
            {mayWrite ? (
              <Button
                variant="default"
                leftSection={<IconFileImport size={16} />}
                onClick={() => setImporting(true)}
              >
                Import
              </Button>
            ) : null}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button
                  variant="default"
                  leftSection={<IconDownload size={16} />}
                  loading={exporting !== null}
                >
                  Export
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{filtered ? 'The filtered register' : 'The whole register'}</Menu.Label>
                <Menu.Item onClick={() => void download('csv')}>CSV (.csv)</Menu.Item>
                <Menu.Item onClick={() => void download('xlsx')}>Excel workbook (.xlsx)</Menu.Item>
              </Menu.Dropdown>
            </Menu>
            {mayWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                Add risk
              </Button>
            ) : null}
          </>
        }
      />
      <RiskSectionTabs />
      <Paper p="md" radius="md">
        <Group mb="sm" gap="sm" wrap="wrap" align="flex-end">
          <TextInput
            placeholder="Search title, threat, reference…"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              typeFilter('q', event.currentTarget.value);
            }}
            aria-label="Search risks"
            w={260}
          />
          <Select
            placeholder="Any category"
            data={categories}
            value={filters.category ?? null}
            onChange={(value) => setFilter('category', value)}
            clearable
            searchable
            aria-label="Filter by category"
            w={160}
          />
          <Select
            placeholder="Any status"
            data={statusOptions}
            value={filters.status ?? null}
            onChange={(value) => setFilter('status', value)}
            clearable
            aria-label="Filter by status"
            w={140}
          />
          <Select
            placeholder="All sites"
            data={directory.options.map((option) => ({ ...option, disabled: false }))}
            value={filters.siteId ?? null}
            onChange={(value) => setFilter('siteId', value)}
            clearable
            searchable
            aria-label="Filter by site"
            w={190}
          />
          <Select
            placeholder="Any owner"
            data={owners.options}
            value={filters.ownerId ?? null}
            onChange={(value) => setFilter('ownerId', value)}
            clearable
            searchable
            aria-label="Filter by owner"
            w={170}
          />
          <TextInput
            placeholder="Tag"
            value={tag}
            onChange={(event) => {
              setTag(event.currentTarget.value);
              typeFilter('tag', event.currentTarget.value);
            }}
            aria-label="Filter by tag"
            w={110}
          />
          <Switch
            label="Overdue reviews"
            checked={filters.overdue === 'true'}
            onChange={(event) => setFilter('overdue', event.currentTarget.checked ? 'true' : null)}
            mb={8}
          />
          <Group gap="xs" ml="auto">
            {filtered ? (
              <Button variant="subtle" onClick={() => apply({})}>
                Clear filters
              </Button>
            ) : null}
            <SavedViews
              queryKey={viewsKey}
              path="/api/v1/risk/views"
              view={savedViewSchema}
              filters={filters}
              matches={(saved) => sameFilters(saved, filters)}
              onApply={(saved) => apply(filtersFrom(Object.entries(saved)))}
              emptyHint="None yet. Filter the register, then save the view."
              namePlaceholder="e.g. Open cyber risks at HQ"
            />
          </Group>
        </Group>
        {cell ? (
          <Group mb="sm" gap="xs">
            <Pill
              withRemoveButton
              onRemove={() =>
                apply({ ...filters, likelihood: undefined, impact: undefined, rating: undefined })
              }
              removeButtonProps={{ 'aria-label': 'Remove the heat-map cell filter' }}
              data-testid="cell-filter"
            >
              Heat-map cell · {cell}
            </Pill>
          </Group>
        ) : null}
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconShieldCheck size={28} />}
            title={filtered ? 'No risk matches' : 'The register is empty'}
            description={
              filtered
                ? 'Try another search or clear the filters.'
                : mayWrite
                  ? 'Record the loss scenarios that worry you — a tailgater in the data hall, cargo theft at the dock, a phishing campaign — then assess and treat them.'
                  : 'No risk has been recorded at the sites you can see.'
            }
            action={
              !filtered && mayWrite ? (
                <Group>
                  <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                    Add risk
                  </Button>
                  <Button
                    variant="default"
                    leftSection={<IconFileImport size={16} />}
                    onClick={() => setImporting(true)}
                  >
                    Import a file
                  </Button>
                </Group>
              ) : undefined
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={1000}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={80}>Ref.</Table.Th>
                    <Table.Th>Risk</Table.Th>
                    <Table.Th>Sites</Table.Th>
                    <Table.Th>Owner</Table.Th>
                    <Table.Th>Inherent</Table.Th>
                    <Table.Th>Residual</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Next review</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((risk) => {
                    const sites = risk.siteIds.map((id) => directory.byId.get(id)?.code ?? '—');
                    const matrix = matrices.byId.get(risk.matrixId);
                    return (
                      <Table.Tr
                        key={risk.id}
                        data-testid="risk-row"
                        {...navigableRow(() => open(risk), `Open ${risk.reference} ${risk.title}`)}
                      >
                        <Table.Td>
                          <Text size="sm" ff="monospace" fw={600}>
                            {risk.reference}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={600} lineClamp={1}>
                            {risk.title}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {categoryLabel(risk.category)}
                            {risk.tags.length > 0 ? ` · ${risk.tags.join(', ')}` : ''}
                            {matrix && !matrix.isDefault ? ` · ${matrix.name}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c={sites.length === 0 ? 'dimmed' : undefined}>
                            {sites.length === 0 ? 'Organization' : sites.join(', ')}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c={risk.ownerId ? undefined : 'dimmed'}>
                            {risk.ownerId === me.id ? 'Me' : (owners.nameOf(risk.ownerId) ?? 'Unassigned')}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <RatingBadge rating={risk.inherent} kind="Inherent" />
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <RatingBadge rating={risk.residual} kind="Residual" />
                            {risk.aboveTolerance ? (
                              <Tooltip label="Above the tolerance of its matrix">
                                <Text size="xs" c="red.8" fw={700}>
                                  ▲▲
                                </Text>
                              </Tooltip>
                            ) : risk.aboveAppetite ? (
                              <Tooltip label="Above the appetite of its matrix">
                                <Text size="xs" c="orange.8" fw={700}>
                                  ▲
                                </Text>
                              </Tooltip>
                            ) : null}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <RiskStatusBadge status={risk.status} />
                        </Table.Td>
                        <Table.Td>
                          <Text
                            size="sm"
                            c={risk.reviewOverdue ? 'red.8' : 'dimmed'}
                            fw={risk.reviewOverdue ? 600 : undefined}
                          >
                            {risk.reviewOverdue ? 'Overdue · ' : ''}
                            {formatDay(risk.nextReviewAt)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMore
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              count={list.items.length}
              onLoadMore={() => void list.fetchNextPage()}
            />
          </>
        )}
      </Paper>
      {creating ? <RiskDrawer risk={null} onClose={() => setCreating(false)} /> : null}
      {importing ? <ImportModal onClose={() => setImporting(false)} /> : null}
    </>
  );
}
