import { Group, NumberInput, SegmentedControl, Stack, Text } from '@mantine/core';
import type { EstimateShape, RangeEstimate } from './estimates.js';

/**
 * A calibrated estimate: minimum, most likely and maximum (PERT), or — for quantities with a long
 * right tail — the 90% confidence interval (lognormal, 5th to 95th percentile).
 */
export function EstimateInput({
  label,
  description,
  unit,
  value,
  onChange,
  error,
  allowLognormal = true,
  hint,
  name,
  max,
}: {
  label: string;
  description?: string;
  unit: string;
  value: RangeEstimate;
  onChange: (next: RangeEstimate) => void;
  error?: string | undefined;
  allowLognormal?: boolean;
  hint?: string | null;
  name: string;
  max?: number;
}) {
  const set = (patch: Partial<RangeEstimate>) => onChange({ ...value, ...patch });
  const interval = value.shape === 'lognormal';
  const number = (field: 'min' | 'mode' | 'max', text: string) => (
    <NumberInput
      label={text}
      aria-label={`${label}: ${text}`}
      value={value[field]}
      onChange={(next) => set({ [field]: next })}
      min={0}
      max={max}
      thousandSeparator=","
      decimalScale={6}
      hideControls
      rightSection={
        <Text size="xs" c="dimmed" pr={6}>
          {unit}
        </Text>
      }
      rightSectionWidth={unit.length > 4 ? 72 : 44}
      error={Boolean(error)}
      data-testid={`${name}-${field}`}
      style={{ flex: 1 }}
    />
  );
  return (
    <Stack gap={6}>
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <div>
          <Text size="sm" fw={600}>
            {label}
          </Text>
          {description ? (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          ) : null}
        </div>
        {allowLognormal ? (
          <SegmentedControl
            size="xs"
            value={value.shape}
            onChange={(shape) =>
              set({ shape: shape === 'lognormal' ? 'lognormal' : ('pert' satisfies EstimateShape) })
            }
            data={[
              { value: 'pert', label: 'Range' },
              { value: 'lognormal', label: '90% interval' },
            ]}
            aria-label={`${label}: kind of estimate`}
          />
        ) : null}
      </Group>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        {interval ? (
          <>
            {number('min', 'Low (5th pct.)')}
            {number('max', 'High (95th pct.)')}
          </>
        ) : (
          <>
            {number('min', 'Minimum')}
            {number('mode', 'Most likely')}
            {number('max', 'Maximum')}
          </>
        )}
      </Group>
      {error ? (
        <Text size="xs" c="red.7" role="alert">
          {error}
        </Text>
      ) : hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Stack>
  );
}
