import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconClockCheck, IconPencil } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { riskSchema, type Risk, type RiskMatrix } from '../../../contracts/risk.js';
import { apiGetVersioned, apiSend, errorMessage } from '../../app/api.js';
import { LoadError, PageLoader } from '../../app/components.js';
import { notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { useSiteDirectory } from '../sites/directory.js';
import { AssessmentsTab } from './AssessmentsTab.js';
import { formatDay } from './format.js';
import { categoryLabel } from './labels.js';
import { Field, RatingBadge, RiskStatusBadge } from './parts.js';
import { QuantificationTab } from './QuantificationTab.js';
import { riskOne, risksKey, useMatrices, useOwners } from './queries.js';
import { RiskDrawer } from './RiskDrawer.js';
import { TreatmentsTab } from './TreatmentsTab.js';

const tabs = ['overview', 'assessments', 'treatments', 'quantification'] as const;
type Tab = (typeof tabs)[number];
const isTab = (value: string | null): value is Tab => (tabs as readonly (string | null)[]).includes(value);

function ReviewButton({ risk }: { risk: Risk }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const review = useMutation({
    mutationFn: () => apiSend('POST', `/api/v1/risks/${risk.id}/review`, riskSchema, { note }),
    onSuccess: async (saved) => {
      notifySuccess(`${saved.reference} reviewed; next review ${formatDay(saved.nextReviewAt)}.`);
      setOpen(false);
      setNote('');
      await queryClient.invalidateQueries({ queryKey: risksKey });
    },
  });
  return (
    <>
      <Button variant="default" leftSection={<IconClockCheck size={16} />} onClick={() => setOpen(true)}>
        Mark reviewed
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Review ${risk.reference}`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            review.mutate();
          }}
        >
          <Stack>
            <Text size="sm" c="dimmed">
              Confirms the risk was looked at today. The next review falls due in {risk.reviewEveryDays} days.
            </Text>
            <Textarea
              label="Review note"
              placeholder="What was checked, what changed"
              autosize
              minRows={3}
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              data-autofocus
            />
            {review.isError ? (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
                {errorMessage(review.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={review.isPending}>
                Record review
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function Overview({ risk, matrix }: { risk: Risk; matrix: RiskMatrix | undefined }) {
  const directory = useSiteDirectory();
  const owners = useOwners();
  const text = (value: string) =>
    value ? (
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {value}
      </Text>
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Paper p="md" radius="md">
          <Stack gap="md">
            <Field label="Description">{text(risk.description)}</Field>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Field label="Threat">{text(risk.threat)}</Field>
              <Field label="Vulnerability">{text(risk.vulnerability)}</Field>
            </SimpleGrid>
            <Field label="Assets">
              {risk.assets.length === 0
                ? text('')
                : risk.assets.map((asset) => (
                    <Badge key={asset} variant="outline" color="gray" tt="none">
                      {asset}
                    </Badge>
                  ))}
            </Field>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper p="md" radius="md">
          <Stack gap="sm">
            <Field label="Ratings">
              <RatingBadge rating={risk.inherent} kind="Inherent" />
              <Text size="xs" c="dimmed">
                →
              </Text>
              <RatingBadge rating={risk.residual} kind="Residual" />
            </Field>
            {risk.aboveTolerance || risk.aboveAppetite ? (
              <Alert
                color={risk.aboveTolerance ? 'red' : 'orange'}
                variant="light"
                p="xs"
                icon={<IconAlertTriangle size={16} />}
              >
                <Text size="xs">
                  {risk.aboveTolerance
                    ? `Above the tolerance (score ${matrix?.toleranceScore ?? '?'}): not acceptable as it stands.`
                    : `Above the appetite (score ${matrix?.appetiteScore ?? '?'}): needs treatment.`}
                </Text>
              </Alert>
            ) : null}
            <Field label="Category">
              <Text size="sm">{categoryLabel(risk.category)}</Text>
            </Field>
            <Field label="Sites">
              <Text size="sm">
                {risk.siteIds.length === 0
                  ? 'Whole organization'
                  : risk.siteIds.map((id) => directory.byId.get(id)?.name ?? 'a site').join(', ')}
              </Text>
            </Field>
            <Field label="Owner">
              <Text size="sm" c={risk.ownerId ? undefined : 'dimmed'}>
                {owners.nameOf(risk.ownerId) ?? 'Unassigned'}
              </Text>
            </Field>
            <Field label="Tags">
              {risk.tags.length === 0
                ? text('')
                : risk.tags.map((tag) => (
                    <Badge key={tag} variant="light" color="gray" tt="none">
                      {tag}
                    </Badge>
                  ))}
            </Field>
            <Field label="Review">
              <Text size="sm">
                Every {risk.reviewEveryDays} days · last{' '}
                {risk.lastReviewedAt ? formatDay(risk.lastReviewedAt) : 'never'} · next{' '}
                <Text
                  span
                  c={risk.reviewOverdue ? 'red.8' : undefined}
                  fw={risk.reviewOverdue ? 600 : undefined}
                >
                  {formatDay(risk.nextReviewAt)}
                  {risk.reviewOverdue ? ' (overdue)' : ''}
                </Text>
              </Text>
            </Field>
            <Field label="Matrix">
              <Text size="sm">{matrix ? `${matrix.name} (${matrix.size}×${matrix.size})` : '—'}</Text>
            </Field>
            <Text size="xs" c="dimmed">
              Added {formatDateTime(risk.createdAt)} · changed {formatDateTime(risk.updatedAt)}
            </Text>
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

/** One risk: details, assessment history, treatments and FAIR quantification, each on a tab. */
export default function RiskPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const matrices = useMatrices();
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: Tab = isTab(requested) ? requested : 'overview';
  const [editing, setEditing] = useState(false);
  const current = useQuery({
    queryKey: riskOne(id),
    queryFn: () => apiGetVersioned(`/api/v1/risks/${id}`, riskSchema),
  });

  if (current.isError)
    return (
      <Stack>
        <Anchor component={Link} to="/risk" size="sm">
          ← Risk register
        </Anchor>
        <LoadError error={current.error} onRetry={() => void current.refetch()} />
      </Stack>
    );
  if (!current.data || matrices.isPending) return <PageLoader />;
  const risk = current.data.data;
  const matrix = matrices.byId.get(risk.matrixId);

  return (
    <>
      <Anchor component={Link} to="/risk" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Risk register
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" mt="xs" mb="md" wrap="wrap" gap="sm">
        <Stack gap={6}>
          <Group gap="sm">
            <Badge variant="outline" color="gray" radius="sm" size="lg" ff="monospace" tt="none">
              {risk.reference}
            </Badge>
            <Title order={2}>{risk.title}</Title>
          </Group>
          <Group gap="xs">
            <RiskStatusBadge status={risk.status} />
            <RatingBadge
              rating={risk.residual ?? risk.inherent}
              kind={risk.residual ? 'Residual' : 'Inherent'}
            />
            <Text size="sm" c="dimmed">
              {categoryLabel(risk.category)}
            </Text>
            {risk.reviewOverdue ? (
              <Badge color="red" variant="light" tt="none">
                Review overdue
              </Badge>
            ) : null}
          </Group>
        </Stack>
        {can('risk:write') ? (
          <Group gap="xs">
            <ReviewButton risk={risk} />
            <Button leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
              Edit
            </Button>
          </Group>
        ) : null}
      </Group>
      <Tabs
        value={tab}
        onChange={(value) => {
          if (isTab(value)) setSearchParams(value === 'overview' ? {} : { tab: value }, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="assessments">Assessments</Tabs.Tab>
          <Tabs.Tab value="treatments">Treatments</Tabs.Tab>
          <Tabs.Tab value="quantification">Quantification</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <Overview risk={risk} matrix={matrix} />
        </Tabs.Panel>
        <Tabs.Panel value="assessments">
          {matrix ? <AssessmentsTab risk={risk} matrix={matrix} /> : null}
        </Tabs.Panel>
        <Tabs.Panel value="treatments">
          <TreatmentsTab risk={risk} />
        </Tabs.Panel>
        <Tabs.Panel value="quantification">
          <QuantificationTab risk={risk} />
        </Tabs.Panel>
      </Tabs>
      {editing ? <RiskDrawer risk={risk} onClose={() => setEditing(false)} /> : null}
    </>
  );
}
