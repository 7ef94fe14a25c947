import {
  Alert,
  Autocomplete,
  Button,
  Drawer,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import {
  createRiskBody,
  riskSchema,
  updateRiskBody,
  type Risk,
  type RiskStatus,
  type UpdateRisk,
} from '../../../contracts/risk.js';
import { apiGetVersioned, apiSend, isStale } from '../../app/api.js';
import { LoadError, PageLoader } from '../../app/components.js';
import { showProblemOnForm } from '../../app/forms.js';
import { StaleAlert } from '../../app/lists.js';
import { notifySuccess } from '../../app/notify.js';
import { validateWith } from '../../app/validation.js';
import { useSiteDirectory } from '../sites/directory.js';
import { categoryOptions, statusOptions } from './labels.js';
import { riskKey, riskOne, useMatrices, useOwners } from './queries.js';

interface RiskValues {
  title: string;
  category: string;
  status: RiskStatus;
  description: string;
  threat: string;
  vulnerability: string;
  siteIds: string[];
  assets: string[];
  ownerId: string | null;
  tags: string[];
  matrixId: string | null;
  reviewEveryDays: number | string;
}

const fields = [
  'title',
  'category',
  'status',
  'description',
  'threat',
  'vulnerability',
  'siteIds',
  'assets',
  'ownerId',
  'tags',
  'matrixId',
  'reviewEveryDays',
] as const;

function valuesOf(risk: Risk | null, defaultMatrixId: string | null): RiskValues {
  return {
    title: risk?.title ?? '',
    category: risk?.category ?? '',
    status: risk?.status ?? 'identified',
    description: risk?.description ?? '',
    threat: risk?.threat ?? '',
    vulnerability: risk?.vulnerability ?? '',
    siteIds: risk?.siteIds ?? [],
    assets: risk?.assets ?? [],
    ownerId: risk?.ownerId ?? null,
    tags: risk?.tags ?? [],
    matrixId: risk?.matrixId ?? defaultMatrixId,
    reviewEveryDays: risk?.reviewEveryDays ?? 90,
  };
}

const days = (value: number | string) => (typeof value === 'number' ? value : Number.NaN);

const toCreateBody = (values: RiskValues): z.input<typeof createRiskBody> => ({
  title: values.title,
  category: values.category,
  status: values.status,
  description: values.description,
  threat: values.threat,
  vulnerability: values.vulnerability,
  siteIds: values.siteIds,
  assets: values.assets,
  ownerId: values.ownerId,
  tags: values.tags,
  ...(values.matrixId ? { matrixId: values.matrixId } : {}),
  reviewEveryDays: days(values.reviewEveryDays),
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed goes into the update. */
function toUpdateBody(risk: Risk, values: RiskValues): UpdateRisk {
  const body: UpdateRisk = {};
  if (values.title.trim() !== risk.title) body.title = values.title.trim();
  if (values.category.trim().toLowerCase() !== risk.category) body.category = values.category;
  if (values.status !== risk.status) body.status = values.status;
  if (values.description !== risk.description) body.description = values.description;
  if (values.threat !== risk.threat) body.threat = values.threat;
  if (values.vulnerability !== risk.vulnerability) body.vulnerability = values.vulnerability;
  if (!same([...values.siteIds].sort(), risk.siteIds)) body.siteIds = values.siteIds;
  if (!same(values.assets, risk.assets)) body.assets = values.assets;
  if (values.ownerId !== risk.ownerId) body.ownerId = values.ownerId;
  if (!same(values.tags, risk.tags)) body.tags = values.tags;
  if (days(values.reviewEveryDays) !== risk.reviewEveryDays)
    body.reviewEveryDays = days(values.reviewEveryDays);
  return body;
}

function RiskForm({
  risk,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  risk: Risk | null;
  etag: string | null;
  onDone: (saved: Risk | null) => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const directory = useSiteDirectory();
  const matrices = useMatrices();
  const owners = useOwners();
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const validateCreate = useMemo(() => validateWith(createRiskBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () => validateWith(updateRiskBody, (values: RiskValues) => (risk ? toUpdateBody(risk, values) : {})),
    [risk],
  );
  const form = useForm<RiskValues>({
    initialValues: valuesOf(risk, matrices.defaultMatrix?.id ?? null),
    validate: (values) => {
      if (!risk) return validateCreate(values);
      return Object.keys(toUpdateBody(risk, values)).length === 0 ? {} : validateUpdate(values);
    },
  });
  const save = useMutation({
    mutationFn: (values: RiskValues) =>
      risk && etag
        ? apiSend('PATCH', `/api/v1/risks/${risk.id}`, riskSchema, toUpdateBody(risk, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/risks', riskSchema, toCreateBody(values)),
    onSuccess: async (saved) => {
      notifySuccess(`${saved.reference} ${risk ? 'saved' : 'added to the register'}.`);
      await queryClient.invalidateQueries({ queryKey: riskKey });
      onDone(saved);
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else setProblem(showProblemOnForm(form, error, fields));
    },
  });
  // Sites that are archived stay selectable only if the risk is already at them.
  const siteOptions = directory.options.map((option) => ({
    ...option,
    disabled: option.disabled && !(risk?.siteIds.includes(option.value) ?? false),
  }));

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        if (risk && Object.keys(toUpdateBody(risk, values)).length === 0) {
          onDone(null);
          return;
        }
        save.mutate(values);
      })}
      noValidate
    >
      <Stack gap="md">
        {stale ? <StaleAlert onReload={onReload} reloading={reloading} /> : null}
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <TextInput
          label="Title"
          description="The loss scenario in a few words: who or what, against which asset, with what effect"
          required
          data-autofocus
          {...form.getInputProps('title')}
        />
        <SimpleGrid cols={2}>
          <Autocomplete
            label="Category"
            description="A built-in category or your own"
            required
            data={categoryOptions.map((option) => option.value)}
            {...form.getInputProps('category')}
          />
          <Select
            label="Status"
            data={statusOptions}
            allowDeselect={false}
            {...form.getInputProps('status')}
          />
        </SimpleGrid>
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={8}
          {...form.getInputProps('description')}
        />
        <SimpleGrid cols={2}>
          <Textarea label="Threat" autosize minRows={2} maxRows={5} {...form.getInputProps('threat')} />
          <Textarea
            label="Vulnerability"
            autosize
            minRows={2}
            maxRows={5}
            {...form.getInputProps('vulnerability')}
          />
        </SimpleGrid>
        <MultiSelect
          label="Sites"
          description="None: the risk concerns the whole organization"
          data={siteOptions}
          searchable
          clearable
          nothingFoundMessage="No such site"
          {...form.getInputProps('siteIds')}
        />
        <TagsInput
          label="Assets"
          description="Press Enter after each asset"
          clearable
          {...form.getInputProps('assets')}
        />
        <SimpleGrid cols={2}>
          <Select
            label="Owner"
            data={owners.options}
            searchable
            clearable
            nothingFoundMessage="No such user"
            {...form.getInputProps('ownerId')}
          />
          <NumberInput
            label="Review every (days)"
            min={1}
            max={3650}
            allowDecimal={false}
            {...form.getInputProps('reviewEveryDays')}
          />
        </SimpleGrid>
        <TagsInput label="Tags" clearable {...form.getInputProps('tags')} />
        {!risk && matrices.matrices.length > 1 ? (
          <Select
            label="Risk matrix"
            data={matrices.matrices.map((matrix) => ({
              value: matrix.id,
              label: `${matrix.name} (${matrix.size}×${matrix.size})${matrix.isDefault ? ' · default' : ''}`,
            }))}
            allowDeselect={false}
            {...form.getInputProps('matrixId')}
          />
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={() => onDone(null)}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={stale}>
            {risk ? 'Save changes' : 'Add risk'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function EditRisk({ id, onClose }: { id: string; onClose: () => void }) {
  const current = useQuery({
    queryKey: [...riskOne(id), 'edit'],
    queryFn: () => apiGetVersioned(`/api/v1/risks/${id}`, riskSchema),
    staleTime: 0,
  });
  if (current.isPending) return <PageLoader />;
  if (current.isError) return <LoadError error={current.error} onRetry={() => void current.refetch()} />;
  return (
    <RiskForm
      key={current.data.etag}
      risk={current.data.data}
      etag={current.data.etag}
      onDone={onClose}
      onReload={() => void current.refetch()}
      reloading={current.isFetching}
    />
  );
}

/** The create/edit panel of a risk; a new risk opens its page once saved. */
export function RiskDrawer({ risk, onClose }: { risk: Risk | null; onClose: () => void }) {
  const navigate = useNavigate();
  const matrices = useMatrices();
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="lg"
      title={risk ? `Edit ${risk.reference}` : 'Add a risk'}
      styles={{ title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {risk ? (
        <EditRisk id={risk.id} onClose={onClose} />
      ) : matrices.isPending ? (
        <PageLoader />
      ) : (
        <RiskForm
          risk={null}
          etag={null}
          onDone={(saved) => {
            onClose();
            if (saved) void navigate(`/risk/${saved.id}`);
          }}
          onReload={onClose}
          reloading={false}
        />
      )}
    </Drawer>
  );
}
