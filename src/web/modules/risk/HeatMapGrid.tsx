import { Box, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { RiskMatrix } from '../../../contracts/risk.js';
import { textOn } from './format.js';

export interface HeatCell {
  likelihood: number;
  impact: number;
  score: number;
  level: string;
  colour: string;
  count: number;
}

/** The cells of a matrix without counts (for previews of a matrix being edited). */
export function cellsOf(matrix: Pick<RiskMatrix, 'size' | 'levels'>): HeatCell[][] {
  return Array.from({ length: matrix.size }, (_, l) =>
    Array.from({ length: matrix.size }, (_, i) => {
      const score = (l + 1) * (i + 1);
      let level = matrix.levels[0] ?? { name: '—', colour: '#adb5bd', minScore: 1 };
      for (const candidate of matrix.levels) if (score >= candidate.minScore) level = candidate;
      return { likelihood: l + 1, impact: i + 1, score, level: level.name, colour: level.colour, count: 0 };
    }),
  );
}

/**
 * A likelihood × impact grid, likelihood rising upwards and impact to the right, each cell in its
 * level's colour. With `onOpen`, every cell is a button (keyboard and screen-reader friendly) that
 * opens the risks in it; without, the grid is a preview showing scores.
 */
export function HeatMapGrid({
  matrix,
  cells,
  onOpen,
  compact = false,
  cellHeight: height,
}: {
  matrix: Pick<RiskMatrix, 'size' | 'likelihoodLabels' | 'impactLabels' | 'appetiteScore'>;
  cells: HeatCell[][];
  onOpen?: (cell: HeatCell) => void;
  compact?: boolean;
  /** Height of a cell in pixels (by default, by size). */
  cellHeight?: number;
}) {
  const size = matrix.size;
  const cellHeight = height ?? (compact ? 34 : size === 5 ? 78 : size === 4 ? 92 : 110);
  const rows = Array.from({ length: size }, (_, k) => size - k);
  return (
    <Box
      style={{
        display: 'grid',
        gridTemplateColumns: `${compact ? 24 : 128}px repeat(${size}, minmax(0, 1fr))`,
        gap: compact ? 3 : 6,
        alignItems: 'stretch',
      }}
      role={onOpen ? 'grid' : undefined}
      aria-label={onOpen ? 'Heat map: likelihood by impact' : undefined}
    >
      {rows.map((likelihood) => (
        <Box key={`row-${likelihood}`} style={{ display: 'contents' }} role={onOpen ? 'row' : undefined}>
          <Box style={{ display: 'flex', alignItems: 'center', justifyContent: 'flex-end', paddingRight: 6 }}>
            <Text size="xs" c="dimmed" ta="right" lh={1.2}>
              {compact ? (
                likelihood
              ) : (
                <>
                  <Text span fw={700} size="xs">
                    {likelihood}
                  </Text>{' '}
                  {matrix.likelihoodLabels[likelihood - 1]}
                </>
              )}
            </Text>
          </Box>
          {Array.from({ length: size }, (_, i) => {
            const cell = cells[likelihood - 1]?.[i];
            if (!cell) return <Box key={i} />;
            const empty = onOpen !== undefined && cell.count === 0;
            const label = `Likelihood ${likelihood} ${matrix.likelihoodLabels[likelihood - 1] ?? ''} × impact ${cell.impact} ${matrix.impactLabels[cell.impact - 1] ?? ''}: ${cell.level}, score ${cell.score}${onOpen ? `, ${cell.count} ${cell.count === 1 ? 'risk' : 'risks'}` : ''}`;
            const face = (
              <Box
                h={cellHeight}
                style={{
                  background: cell.colour,
                  opacity: empty ? 0.38 : 1,
                  color: textOn(cell.colour),
                  borderRadius: 6,
                  display: 'flex',
                  flexDirection: 'column',
                  alignItems: 'center',
                  justifyContent: 'center',
                  boxShadow: cell.count > 0 ? 'inset 0 0 0 2px rgba(0,0,0,0.18)' : undefined,
                }}
              >
                {onOpen ? (
                  <>
                    {cell.count > 0 ? (
                      <Text fw={700} fz={compact ? 'sm' : 26} lh={1}>
                        {cell.count}
                      </Text>
                    ) : null}
                    {compact ? null : (
                      <Text fz={10} fw={600} opacity={0.85} mt={4} tt="uppercase">
                        {cell.level} · {cell.score}
                      </Text>
                    )}
                  </>
                ) : (
                  <Text fw={700} fz={compact ? 11 : 'sm'}>
                    {cell.score}
                  </Text>
                )}
              </Box>
            );
            return onOpen ? (
              <Tooltip key={i} label={label} withArrow openDelay={300}>
                <UnstyledButton
                  role="gridcell"
                  aria-label={label}
                  data-testid={`heat-cell-${likelihood}-${cell.impact}`}
                  onClick={() => onOpen(cell)}
                  style={{ borderRadius: 6 }}
                >
                  {face}
                </UnstyledButton>
              </Tooltip>
            ) : (
              <Box key={i} aria-label={label}>
                {face}
              </Box>
            );
          })}
        </Box>
      ))}
      <Box />
      {Array.from({ length: size }, (_, i) => (
        <Text key={`impact-${i}`} size="xs" c="dimmed" ta="center" lh={1.2} mt={2}>
          {compact ? (
            i + 1
          ) : (
            <>
              <Text span fw={700} size="xs">
                {i + 1}
              </Text>{' '}
              {matrix.impactLabels[i]}
            </>
          )}
        </Text>
      ))}
    </Box>
  );
}
