import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconChartLine } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { listOf } from '../../../contracts/common.js';
import { assessmentSchema, type Risk, type RiskMatrix } from '../../../contracts/risk.js';
import { apiGet, apiSend, errorMessage } from '../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../app/components.js';
import { notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { EChart } from './charts/EChart.js';
import { trendOption } from './charts/options.js';
import { textOn } from './format.js';
import { cellsOf } from './HeatMapGrid.js';
import { RatingBadge } from './parts.js';
import { riskOne, risksKey } from './queries.js';

function AssessForm({ risk, matrix }: { risk: Risk; matrix: RiskMatrix }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'inherent' | 'residual'>(risk.inherent ? 'residual' : 'inherent');
  const [likelihood, setLikelihood] = useState<string | null>(null);
  const [impact, setImpact] = useState<string | null>(null);
  const [rationale, setRationale] = useState('');
  const cells = useMemo(() => cellsOf(matrix), [matrix]);
  const options = (labels: string[]) =>
    labels.map((label, i) => ({ value: String(i + 1), label: `${i + 1} · ${label}` }));
  const preview = likelihood && impact ? cells[Number(likelihood) - 1]?.[Number(impact) - 1] : undefined;
  const assess = useMutation({
    mutationFn: () =>
      apiSend('POST', `/api/v1/risks/${risk.id}/assessments`, assessmentSchema, {
        kind,
        likelihood: Number(likelihood),
        impact: Number(impact),
        rationale,
      }),
    onSuccess: async (saved) => {
      notifySuccess(
        `${saved.kind === 'inherent' ? 'Inherent' : 'Residual'} rating recorded: ${saved.score} · ${saved.level}.`,
      );
      setRationale('');
      await queryClient.invalidateQueries({ queryKey: risksKey });
    },
  });

  return (
    <Paper p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (likelihood && impact) assess.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={5}>Assess</Title>
          <SegmentedControl
            value={kind}
            onChange={(value) => setKind(value === 'inherent' ? 'inherent' : 'residual')}
            data={[
              { value: 'inherent', label: 'Inherent' },
              { value: 'residual', label: 'Residual' },
            ]}
            fullWidth
            aria-label="Rating to record"
          />
          <Text size="xs" c="dimmed" mt={-6}>
            {kind === 'inherent'
              ? 'Inherent: the risk before any control is counted.'
              : 'Residual: the risk with the controls in place today.'}
          </Text>
          <Select
            label="Likelihood"
            data={options(matrix.likelihoodLabels)}
            value={likelihood}
            onChange={setLikelihood}
            allowDeselect={false}
            required
          />
          <Select
            label="Impact"
            data={options(matrix.impactLabels)}
            value={impact}
            onChange={setImpact}
            allowDeselect={false}
            required
          />
          <Group gap="xs" mih={26}>
            {preview ? (
              <>
                <Text size="sm" c="dimmed">
                  Rating
                </Text>
                <Badge
                  radius="sm"
                  tt="none"
                  styles={{ root: { background: preview.colour, color: textOn(preview.colour) } }}
                >
                  {preview.score} · {preview.level}
                </Badge>
                {preview.score > matrix.toleranceScore ? (
                  <Text size="xs" c="red.8">
                    above tolerance
                  </Text>
                ) : preview.score > matrix.appetiteScore ? (
                  <Text size="xs" c="orange.8">
                    above appetite
                  </Text>
                ) : (
                  <Text size="xs" c="green.8">
                    within appetite
                  </Text>
                )}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                Choose likelihood and impact on the {matrix.size}×{matrix.size} matrix.
              </Text>
            )}
          </Group>
          <Textarea
            label="Rationale"
            description="Evidence and reasoning, for the next reviewer"
            autosize
            minRows={2}
            maxRows={6}
            value={rationale}
            onChange={(event) => setRationale(event.currentTarget.value)}
          />
          {assess.isError ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {errorMessage(assess.error)}
            </Alert>
          ) : null}
          <Button type="submit" loading={assess.isPending} disabled={!likelihood || !impact}>
            Record assessment
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

/** The assessment history of a risk (trend and table), and the form to assess it again. */
export function AssessmentsTab({ risk, matrix }: { risk: Risk; matrix: RiskMatrix }) {
  const { can } = useSession();
  const history = useQuery({
    queryKey: [...riskOne(risk.id), 'assessments'],
    queryFn: async () =>
      (await apiGet(`/api/v1/risks/${risk.id}/assessments`, listOf(assessmentSchema))).items,
  });
  const colourOf = (level: string) => matrix.levels.find((l) => l.name === level)?.colour ?? '#adb5bd';
  const option = useMemo(() => trendOption(history.data ?? [], matrix), [history.data, matrix]);

  return (
    <Grid gap="md">
      {can('risk:write') ? (
        <Grid.Col span={{ base: 12, md: 4 }}>
          <AssessForm risk={risk} matrix={matrix} />
        </Grid.Col>
      ) : null}
      <Grid.Col span={{ base: 12, md: can('risk:write') ? 8 : 12 }}>
        <Stack gap="md">
          <Paper p="md" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={5}>Trend</Title>
              <Group gap="md">
                <Group gap={6}>
                  <Text size="xs" c="dimmed">
                    Inherent
                  </Text>
                  <RatingBadge rating={risk.inherent} kind="Inherent" />
                </Group>
                <Group gap={6}>
                  <Text size="xs" c="dimmed">
                    Residual
                  </Text>
                  <RatingBadge rating={risk.residual} kind="Residual" />
                </Group>
              </Group>
            </Group>
            {history.isPending ? (
              <PageLoader />
            ) : history.isError ? (
              <LoadError error={history.error} onRetry={() => void history.refetch()} />
            ) : history.data.length === 0 ? (
              <EmptyList
                icon={<IconChartLine size={28} />}
                title="Not assessed yet"
                description="Each assessment is kept, so the trend of the ratings shows here over time."
              />
            ) : (
              <EChart option={option} height={220} label="Scores of the risk's assessments over time" />
            )}
          </Paper>
          {history.data && history.data.length > 0 ? (
            <Paper p="md" radius="md">
              <Title order={5} mb="xs">
                History
              </Title>
              <Table.ScrollContainer minWidth={760}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Rating</Table.Th>
                      <Table.Th>L × I</Table.Th>
                      <Table.Th w={140}>Score</Table.Th>
                      <Table.Th>Rationale</Table.Th>
                      <Table.Th>By</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {history.data.map((assessment) => (
                      <Table.Tr key={assessment.id}>
                        <Table.Td>
                          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {formatDateTime(assessment.assessedAt)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{assessment.kind === 'inherent' ? 'Inherent' : 'Residual'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                            {assessment.likelihood} × {assessment.impact}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge
                            radius="sm"
                            tt="none"
                            styles={{
                              root: {
                                flexShrink: 0,
                                overflow: 'visible',
                                background: colourOf(assessment.level),
                                color: textOn(colourOf(assessment.level)),
                              },
                            }}
                          >
                            {assessment.score} · {assessment.level}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c={assessment.rationale ? undefined : 'dimmed'} lineClamp={2}>
                            {assessment.rationale || '—'}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{assessment.assessedBy}</Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          ) : null}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
