import {
  Anchor,
  Button,
  Group,
  Modal,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconChartAreaLine, IconPencil } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { portfolioSchema, type Portfolio } from '../../../contracts/risk.js';
import { EmptyList, LoadError, PageHeader } from '../../app/components.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory } from '../sites/directory.js';
import { AppetiteForm } from './AppetiteForm.js';
import { EChart } from './charts/EChart.js';
import { chartColours, exceedanceOption } from './charts/options.js';
import { formatMoney, formatPercent } from './format.js';
import { RiskSectionTabs } from './parts.js';
import { riskKey, useAppetite } from './queries.js';
import { callWithProgress } from './stream.js';

function Stat({
  label,
  value,
  detail,
  colour,
}: {
  label: string;
  value: string;
  detail?: ReactNode;
  colour?: string;
}) {
  return (
    <Paper p="md" radius="md">
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={26} fw={700} lh={1.25} c={colour}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {detail ?? '\u00a0'}
      </Text>
    </Paper>
  );
}

function PortfolioView({ portfolio }: { portfolio: Portfolio }) {
  const result = portfolio.result;
  const currency = portfolio.appetite.currency;
  const appetite = portfolio.appetite.annualLossAppetite;
  const option = useMemo(
    () =>
      exceedanceOption(
        [{ name: 'Portfolio', colour: chartColours.current, curve: result?.lossExceedance ?? [] }],
        currency,
        appetite,
      ),
    [result, currency, appetite],
  );
  if (!result) return null;
  const loss = result.annualLoss;
  const ranked = [...portfolio.risks].sort((a, b) => b.annualLoss.mean - a.annualLoss.mean);
  const above = portfolio.probabilityAboveAppetite;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <Stat
          label="Expected annual loss"
          value={formatMoney(loss.mean, currency)}
          detail={`${portfolio.risks.length} quantified ${portfolio.risks.length === 1 ? 'risk' : 'risks'}`}
        />
        <Stat label="1-in-20 year loss" value={formatMoney(loss.p95, currency)} detail="95th percentile" />
        <Stat label="1-in-100 year loss" value={formatMoney(loss.p99, currency)} detail="99th percentile" />
        <Stat
          label="Chance above appetite"
          value={above === null ? '—' : formatPercent(above)}
          detail={
            appetite === null ? 'No appetite set' : `appetite ${formatMoney(appetite, currency)} a year`
          }
          colour={above === null ? undefined : above > 0.1 ? 'red.8' : above > 0.05 ? 'orange.8' : 'teal.8'}
        />
      </SimpleGrid>
      <Paper p="md" radius="md">
        <Group justify="space-between" mb={4}>
          <Title order={5}>Loss exceedance curve</Title>
          <Text size="xs" c="dimmed">
            {portfolio.iterations.toLocaleString()} simulated years · seed {portfolio.seed}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" mb="xs">
          Chance that the register's total loss in a year exceeds the amount
          {appetite !== null ? ', against the appetite (dashed)' : ''}.
        </Text>
        <EChart
          option={option}
          height={340}
          label="Loss exceedance curve of the portfolio against the appetite"
        />
      </Paper>
      <Paper p="md" radius="md">
        <Title order={5} mb="xs">
          Contributions
        </Title>
        <Table.ScrollContainer minWidth={680}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Ref.</Table.Th>
                <Table.Th>Risk</Table.Th>
                <Table.Th ta="right">Expected loss</Table.Th>
                <Table.Th ta="right">95th pct.</Table.Th>
                <Table.Th w={200}>Share of expected loss</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ranked.map((risk) => {
                const share = loss.mean > 0 ? risk.annualLoss.mean / loss.mean : 0;
                return (
                  <Table.Tr key={risk.riskId}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/risk/${risk.riskId}?tab=quantification`}
                        size="sm"
                        ff="monospace"
                      >
                        {risk.reference}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {risk.title}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" ff="monospace">
                        {formatMoney(risk.annualLoss.mean, currency)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" ff="monospace">
                        {formatMoney(risk.annualLoss.p95, currency)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Progress
                          value={share * 100}
                          size="sm"
                          style={{ flex: 1 }}
                          aria-label={`${risk.reference} share`}
                        />
                        <Text size="xs" w={44} ta="right">
                          {formatPercent(share, 0)}
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {portfolio.unquantified > 0 ? (
          <Text size="xs" c="dimmed" mt="xs">
            {portfolio.unquantified} open {portfolio.unquantified === 1 ? 'risk is' : 'risks are'} not
            quantified and not in the total.
          </Text>
        ) : null}
      </Paper>
    </Stack>
  );
}

/** The register's portfolio: every quantified risk simulated together, against the loss appetite. */
export default function PortfolioPage() {
  const { can } = useSession();
  const directory = useSiteDirectory();
  const appetite = useAppetite();
  const [siteId, setSiteId] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);
  const [editing, setEditing] = useState(false);
  const portfolio = useQuery({
    queryKey: [...riskKey, 'portfolio', siteId],
    queryFn: ({ signal }) => {
      setProgress(0);
      return callWithProgress(
        'GET',
        `/api/v1/risk/portfolio${siteId ? `?siteId=${encodeURIComponent(siteId)}` : ''}`,
        portfolioSchema,
        { onProgress: setProgress, signal },
      );
    },
    staleTime: 30_000,
  });

  return (
    <>
      <PageHeader
        title="Portfolio"
        description="All quantified risks of the register simulated together: what the organization may lose in a year."
        actions={
          can('risk:configure') && appetite.data ? (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
              Loss appetite
            </Button>
          ) : null
        }
      />
      <RiskSectionTabs />
      <Group mb="md">
        <Select
          placeholder="All sites"
          data={directory.options.map((option) => ({ ...option, disabled: false }))}
          value={siteId}
          onChange={setSiteId}
          clearable
          searchable
          aria-label="Filter by site"
          w={240}
        />
      </Group>
      {portfolio.isError ? (
        <LoadError error={portfolio.error} onRetry={() => void portfolio.refetch()} />
      ) : !portfolio.data ? (
        <Paper p="lg" radius="md">
          <Stack gap={6}>
            <Text size="sm">Simulating the portfolio… {Math.round(progress * 100)}%</Text>
            <Progress value={progress * 100} size="lg" striped animated aria-label="Simulation progress" />
          </Stack>
        </Paper>
      ) : portfolio.data.result === null ? (
        <Paper p="md" radius="md">
          <EmptyList
            icon={<IconChartAreaLine size={28} />}
            title="No quantified risk yet"
            description={
              portfolio.data.unquantified > 0
                ? `${portfolio.data.unquantified} open ${portfolio.data.unquantified === 1 ? 'risk waits' : 'risks wait'} to be quantified. Open a risk, go to its Quantification tab and estimate its current state; it then counts here.`
                : 'Add risks to the register and quantify their current state; the portfolio adds them up.'
            }
            action={
              <Button component={Link} to="/risk" variant="light">
                Open the register
              </Button>
            }
          />
        </Paper>
      ) : (
        <PortfolioView portfolio={portfolio.data} />
      )}
      {editing && appetite.data ? (
        <Modal opened onClose={() => setEditing(false)} title="Loss appetite" size="lg">
          <AppetiteForm
            appetite={appetite.data.data}
            etag={appetite.data.etag}
            onDone={() => setEditing(false)}
          />
        </Modal>
      ) : null}
    </>
  );
}
