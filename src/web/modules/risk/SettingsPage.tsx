import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  ColorInput,
  Drawer,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  createMatrixBody,
  matrixSchema,
  updateMatrixBody,
  type RiskMatrix,
} from '../../../contracts/risk.js';
import { ApiError, apiSend, errorMessage, isStale } from '../../app/api.js';
import { LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { notifySuccess } from '../../app/notify.js';
import { AppetiteForm } from './AppetiteForm.js';
import { cellsOf, HeatMapGrid } from './HeatMapGrid.js';
import { RiskSectionTabs } from './parts.js';
import { etagOf, riskKey, useAppetite, useMatrices } from './queries.js';

type Size = 3 | 4 | 5;
interface MatrixDraft {
  name: string;
  size: Size;
  likelihoodLabels: string[];
  impactLabels: string[];
  levels: { name: string; colour: string; minScore: number | string }[];
  appetiteScore: number | string;
  toleranceScore: number | string;
  isDefault: boolean;
}

const defaultLabels: Record<Size, { likelihood: string[]; impact: string[] }> = {
  3: { likelihood: ['Unlikely', 'Possible', 'Likely'], impact: ['Minor', 'Moderate', 'Major'] },
  4: {
    likelihood: ['Rare', 'Unlikely', 'Likely', 'Almost certain'],
    impact: ['Minor', 'Moderate', 'Major', 'Severe'],
  },
  5: {
    likelihood: ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'],
    impact: ['Insignificant', 'Minor', 'Moderate', 'Major', 'Severe'],
  },
};

function draftOf(matrix: RiskMatrix | null): MatrixDraft {
  if (matrix) {
    const size: Size = matrix.size === 3 ? 3 : matrix.size === 4 ? 4 : 5;
    return {
      name: matrix.name,
      size,
      likelihoodLabels: matrix.likelihoodLabels,
      impactLabels: matrix.impactLabels,
      levels: matrix.levels,
      appetiteScore: matrix.appetiteScore,
      toleranceScore: matrix.toleranceScore,
      isDefault: matrix.isDefault,
    };
  }
  return {
    name: '',
    size: 3,
    likelihoodLabels: defaultLabels[3].likelihood,
    impactLabels: defaultLabels[3].impact,
    levels: [
      { name: 'Low', colour: '#2f9e44', minScore: 1 },
      { name: 'Medium', colour: '#f08c00', minScore: 3 },
      { name: 'High', colour: '#c92a2a', minScore: 6 },
    ],
    appetiteScore: 3,
    toleranceScore: 5,
    isDefault: false,
  };
}

const bodyOf = (draft: MatrixDraft) => ({
  name: draft.name,
  size: draft.size,
  likelihoodLabels: draft.likelihoodLabels,
  impactLabels: draft.impactLabels,
  levels: draft.levels.map((level) => ({ ...level, minScore: Number(level.minScore) })),
  appetiteScore: Number(draft.appetiteScore),
  toleranceScore: Number(draft.toleranceScore),
  isDefault: draft.isDefault,
});

function MatrixEditor({ matrix, onClose }: { matrix: RiskMatrix | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<MatrixDraft>(() => draftOf(matrix));
  const set = (patch: Partial<MatrixDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const checked = useMemo(
    () => (matrix ? updateMatrixBody : createMatrixBody).safeParse(bodyOf(draft)),
    [draft, matrix],
  );
  const preview = useMemo(
    () =>
      cellsOf({
        size: draft.size,
        levels: draft.levels.map((level) => ({ ...level, minScore: Number(level.minScore) || 1 })),
      }),
    [draft.size, draft.levels],
  );
  const save = useMutation({
    mutationFn: () =>
      matrix
        ? apiSend('PATCH', `/api/v1/risk/matrices/${matrix.id}`, matrixSchema, bodyOf(draft), {
            ifMatch: etagOf(matrix.version),
          })
        : apiSend('POST', '/api/v1/risk/matrices', matrixSchema, bodyOf(draft)),
    onSuccess: async (saved) => {
      notifySuccess(`Matrix "${saved.name}" saved.`);
      await queryClient.invalidateQueries({ queryKey: riskKey });
      onClose();
    },
  });
  const resize = (size: Size) => {
    const labels = defaultLabels[size];
    set({
      size,
      likelihoodLabels: Array.from({ length: size }, (_, i) =>
        size === draft.size ? (draft.likelihoodLabels[i] ?? '') : (labels.likelihood[i] ?? ''),
      ),
      impactLabels: Array.from({ length: size }, (_, i) =>
        size === draft.size ? (draft.impactLabels[i] ?? '') : (labels.impact[i] ?? ''),
      ),
    });
  };
  const issues = checked.success ? [] : checked.error.issues;

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={matrix ? `Edit ${matrix.name}` : 'New risk matrix'}
      styles={{ title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (checked.success) save.mutate();
        }}
      >
        <Stack gap="md">
          <Group align="flex-end">
            <TextInput
              label="Name"
              value={draft.name}
              onChange={(event) => set({ name: event.currentTarget.value })}
              required
              style={{ flex: 1 }}
              data-autofocus
            />
            <div>
              <Text size="sm" fw={500} mb={4}>
                Size
              </Text>
              <SegmentedControl
                value={String(draft.size)}
                onChange={(value) => resize(value === '3' ? 3 : value === '4' ? 4 : 5)}
                data={['3', '4', '5'].map((value) => ({ value, label: `${value}×${value}` }))}
                disabled={matrix !== null}
              />
            </div>
          </Group>
          {matrix ? (
            <Text size="xs" c="dimmed" mt={-8}>
              The size of a matrix in use cannot change; create a new matrix instead.
            </Text>
          ) : null}
          <SimpleGrid cols={2}>
            <Stack gap={6}>
              <Text size="sm" fw={600}>
                Likelihood labels (1 = lowest)
              </Text>
              {draft.likelihoodLabels.map((label, i) => (
                <TextInput
                  key={i}
                  leftSection={<Text size="xs">{i + 1}</Text>}
                  aria-label={`Likelihood ${i + 1}`}
                  value={label}
                  onChange={(event) => {
                    const next = [...draft.likelihoodLabels];
                    next[i] = event.currentTarget.value;
                    set({ likelihoodLabels: next });
                  }}
                />
              ))}
            </Stack>
            <Stack gap={6}>
              <Text size="sm" fw={600}>
                Impact labels (1 = lowest)
              </Text>
              {draft.impactLabels.map((label, i) => (
                <TextInput
                  key={i}
                  leftSection={<Text size="xs">{i + 1}</Text>}
                  aria-label={`Impact ${i + 1}`}
                  value={label}
                  onChange={(event) => {
                    const next = [...draft.impactLabels];
                    next[i] = event.currentTarget.value;
                    set({ impactLabels: next });
                  }}
                />
              ))}
            </Stack>
          </SimpleGrid>
          <Stack gap={6}>
            <Group justify="space-between">
              <Text size="sm" fw={600}>
                Levels, from score (likelihood × impact)
              </Text>
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconPlus size={14} />}
                disabled={draft.levels.length >= 6}
                onClick={() =>
                  set({
                    levels: [
                      ...draft.levels,
                      {
                        name: 'New level',
                        colour: '#862e9c',
                        minScore: Number(draft.levels.at(-1)?.minScore ?? 0) + 1,
                      },
                    ],
                  })
                }
              >
                Add level
              </Button>
            </Group>
            {draft.levels.map((level, i) => (
              <Group key={i} gap="xs" wrap="nowrap">
                <TextInput
                  aria-label={`Level ${i + 1} name`}
                  value={level.name}
                  onChange={(event) => {
                    const next = [...draft.levels];
                    next[i] = { ...level, name: event.currentTarget.value };
                    set({ levels: next });
                  }}
                  style={{ flex: 1 }}
                />
                <ColorInput
                  aria-label={`Level ${i + 1} colour`}
                  value={level.colour}
                  format="hex"
                  onChange={(colour) => {
                    const next = [...draft.levels];
                    next[i] = { ...level, colour };
                    set({ levels: next });
                  }}
                  w={130}
                />
                <NumberInput
                  aria-label={`Level ${i + 1} from score`}
                  value={level.minScore}
                  min={1}
                  max={draft.size * draft.size}
                  onChange={(minScore) => {
                    const next = [...draft.levels];
                    next[i] = { ...level, minScore };
                    set({ levels: next });
                  }}
                  w={90}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={`Remove level ${level.name}`}
                  disabled={draft.levels.length <= 2}
                  onClick={() => set({ levels: draft.levels.filter((_, k) => k !== i) })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
          <SimpleGrid cols={2}>
            <NumberInput
              label="Appetite score"
              description="Residual scores above need treatment"
              value={draft.appetiteScore}
              onChange={(appetiteScore) => set({ appetiteScore })}
              min={1}
              max={draft.size * draft.size}
            />
            <NumberInput
              label="Tolerance score"
              description="Residual scores above are unacceptable"
              value={draft.toleranceScore}
              onChange={(toleranceScore) => set({ toleranceScore })}
              min={1}
              max={draft.size * draft.size}
            />
          </SimpleGrid>
          <Checkbox
            label="The organization's default matrix (new risks are rated on it)"
            checked={draft.isDefault}
            disabled={matrix?.isDefault ?? false}
            onChange={(event) => set({ isDefault: event.currentTarget.checked })}
          />
          <Paper p="sm" radius="md" bg="gray.0">
            <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb="xs">
              Preview
            </Text>
            <HeatMapGrid
              matrix={{
                size: draft.size,
                likelihoodLabels: draft.likelihoodLabels,
                impactLabels: draft.impactLabels,
                appetiteScore: Number(draft.appetiteScore),
              }}
              cells={preview}
              cellHeight={48}
            />
          </Paper>
          {issues.length > 0 ? (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
              {issues.slice(0, 3).map((issue, i) => (
                <Text key={i} size="sm">
                  {issue.path.join(' ')}: {issue.message}
                </Text>
              ))}
            </Alert>
          ) : null}
          {save.isError ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {isStale(save.error)
                ? 'Someone changed this matrix meanwhile; close and open it again.'
                : save.error instanceof ApiError && save.error.problem.errors?.length
                  ? save.error.problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')
                  : errorMessage(save.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!checked.success}>
              {matrix ? 'Save matrix' : 'Create matrix'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Drawer>
  );
}

/** Settings of the risk module (risk:configure): matrices and the loss appetite. */
export default function SettingsPage() {
  const matrices = useMatrices();
  const appetite = useAppetite();
  const [editing, setEditing] = useState<RiskMatrix | 'new' | null>(null);

  return (
    <>
      <PageHeader
        title="Risk settings"
        description="How risks are rated, and how much loss the organization accepts."
      />
      <RiskSectionTabs />
      <Stack gap="md">
        <Paper p="md" radius="md">
          <Title order={5} mb="sm">
            Loss appetite
          </Title>
          {appetite.isError ? (
            <LoadError error={appetite.error} onRetry={() => void appetite.refetch()} />
          ) : !appetite.data ? (
            <PageLoader />
          ) : (
            <AppetiteForm key={appetite.data.etag} appetite={appetite.data.data} etag={appetite.data.etag} />
          )}
        </Paper>
        <Paper p="md" radius="md">
          <Group justify="space-between" mb="sm">
            <div>
              <Title order={5}>Risk matrices</Title>
              <Text size="xs" c="dimmed">
                Likelihood × impact grids with their levels, appetite and tolerance. One is the default.
              </Text>
            </div>
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New matrix
            </Button>
          </Group>
          {matrices.isError ? (
            <LoadError error={matrices.error} onRetry={() => void matrices.refetch()} />
          ) : matrices.isPending ? (
            <PageLoader />
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
              {matrices.matrices.map((matrix) => (
                <Paper key={matrix.id} p="md" radius="md">
                  <Group justify="space-between" mb="xs">
                    <Group gap="xs">
                      <Text fw={600}>{matrix.name}</Text>
                      {matrix.isDefault ? (
                        <Badge variant="light" tt="none">
                          Default
                        </Badge>
                      ) : null}
                    </Group>
                    <Button size="xs" variant="default" onClick={() => setEditing(matrix)}>
                      Edit
                    </Button>
                  </Group>
                  <HeatMapGrid matrix={matrix} cells={cellsOf(matrix)} compact />
                  <Text size="xs" c="dimmed" mt="xs">
                    {matrix.size}×{matrix.size} · {matrix.levels.map((level) => level.name).join(', ')} ·
                    appetite {matrix.appetiteScore}, tolerance {matrix.toleranceScore}
                  </Text>
                </Paper>
              ))}
            </SimpleGrid>
          )}
        </Paper>
      </Stack>
      {editing ? (
        <MatrixEditor matrix={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
