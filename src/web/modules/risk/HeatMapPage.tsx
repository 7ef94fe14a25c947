import {
  Badge,
  Box,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconGridDots } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { heatmapSchema } from '../../../contracts/risk.js';
import { apiGet } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { useSiteDirectory } from '../sites/directory.js';
import { searchOf } from './filters.js';
import { textOn } from './format.js';
import { HeatMapGrid } from './HeatMapGrid.js';
import { RiskSectionTabs } from './parts.js';
import { riskKey, useMatrices } from './queries.js';

/** The heat map: open risks per likelihood × impact cell; a cell opens the register filtered to it. */
export default function HeatMapPage() {
  const navigate = useNavigate();
  const directory = useSiteDirectory();
  const matrices = useMatrices();
  const [rating, setRating] = useState<'residual' | 'inherent'>('residual');
  const [siteId, setSiteId] = useState<string | null>(null);
  const [matrixId, setMatrixId] = useState<string | null>(null);
  const heatmap = useQuery({
    queryKey: [...riskKey, 'heatmap', { rating, siteId, matrixId }],
    queryFn: () =>
      apiGet('/api/v1/risk/heatmap', heatmapSchema, {
        rating,
        siteId: siteId ?? undefined,
        matrixId: matrixId ?? undefined,
      }),
  });
  const data = heatmap.data;
  const total = data ? data.cells.flat().reduce((sum, cell) => sum + cell.count, 0) : 0;

  return (
    <>
      <PageHeader
        title="Heat map"
        description="Open risks by likelihood and impact. Click a cell to see its risks in the register."
      />
      <RiskSectionTabs />
      <Paper p="md" radius="md">
        <Group mb="lg" gap="sm" wrap="wrap">
          <SegmentedControl
            value={rating}
            onChange={(value) => setRating(value === 'inherent' ? 'inherent' : 'residual')}
            data={[
              { value: 'residual', label: 'Residual' },
              { value: 'inherent', label: 'Inherent' },
            ]}
            aria-label="Rating shown"
          />
          <Select
            placeholder="All sites"
            data={directory.options.map((option) => ({ ...option, disabled: false }))}
            value={siteId}
            onChange={setSiteId}
            clearable
            searchable
            aria-label="Filter by site"
            w={220}
          />
          {matrices.matrices.length > 1 ? (
            <Select
              data={matrices.matrices.map((matrix) => ({
                value: matrix.id,
                label: `${matrix.name}${matrix.isDefault ? ' (default)' : ''}`,
              }))}
              value={matrixId ?? matrices.defaultMatrix?.id ?? null}
              onChange={setMatrixId}
              allowDeselect={false}
              aria-label="Matrix"
              w={220}
            />
          ) : null}
        </Group>
        {heatmap.isError ? (
          <LoadError error={heatmap.error} onRetry={() => void heatmap.refetch()} />
        ) : !data ? (
          <PageLoader />
        ) : total === 0 && data.unrated === 0 ? (
          <EmptyList
            icon={<IconGridDots size={28} />}
            title="Nothing to map yet"
            description="Open risks appear here once they are in the register. Assess them to place them on the matrix."
          />
        ) : (
          <SimpleGrid cols={{ base: 1, lg: 4 }} spacing="xl">
            <Box style={{ gridColumn: 'span 3' }}>
              <Group align="stretch" gap="xs" wrap="nowrap">
                <Box style={{ writingMode: 'vertical-rl', transform: 'rotate(180deg)', textAlign: 'center' }}>
                  <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                    Likelihood →
                  </Text>
                </Box>
                <Box style={{ flex: 1 }}>
                  <HeatMapGrid
                    matrix={data.matrix}
                    cells={data.cells}
                    onOpen={(cell) =>
                      void navigate(
                        `/risk${searchOf({
                          likelihood: String(cell.likelihood),
                          impact: String(cell.impact),
                          rating,
                          ...(siteId ? { siteId } : {}),
                        })}`,
                      )
                    }
                  />
                  <Text size="xs" fw={700} tt="uppercase" c="dimmed" ta="center" mt="xs">
                    Impact →
                  </Text>
                </Box>
              </Group>
            </Box>
            <Stack gap="md">
              <div>
                <Title order={5} mb={6}>
                  {data.matrix.name}
                </Title>
                <Text size="sm" c="dimmed">
                  {total} {rating} {total === 1 ? 'rating' : 'ratings'} on the map
                  {data.unrated > 0
                    ? `; ${data.unrated} open ${data.unrated === 1 ? 'risk has' : 'risks have'} no ${rating} rating yet`
                    : ''}
                  .
                </Text>
              </div>
              <div>
                <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={6}>
                  Levels
                </Text>
                <Stack gap={6}>
                  {data.matrix.levels.map((level, index) => {
                    const next = data.matrix.levels[index + 1];
                    return (
                      <Group key={level.name} gap="xs">
                        <Badge
                          radius="sm"
                          tt="none"
                          w={92}
                          styles={{ root: { background: level.colour, color: textOn(level.colour) } }}
                        >
                          {level.name}
                        </Badge>
                        <Text size="sm" c="dimmed">
                          score {level.minScore}
                          {next ? `–${next.minScore - 1}` : '+'}
                        </Text>
                      </Group>
                    );
                  })}
                </Stack>
              </div>
              <div>
                <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={6}>
                  Thresholds
                </Text>
                <Text size="sm">
                  Appetite: score ≤ {data.matrix.appetiteScore}
                  <br />
                  Tolerance: score ≤ {data.matrix.toleranceScore}
                </Text>
                <Text size="xs" c="dimmed" mt={4}>
                  Risks above the appetite need treatment; above the tolerance they are unacceptable.
                </Text>
              </div>
            </Stack>
          </SimpleGrid>
        )}
      </Paper>
    </>
  );
}
