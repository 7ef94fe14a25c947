import { Alert, Button, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { appetiteSchema, type Appetite } from '../../../contracts/risk.js';
import { apiSend, errorMessage, isStale } from '../../app/api.js';
import { notifySuccess } from '../../app/notify.js';
import { formatMoney } from './format.js';
import { riskKey } from './queries.js';

const currencies = [
  'USD',
  'EUR',
  'GBP',
  'CHF',
  'CAD',
  'AUD',
  'JPY',
  'SEK',
  'NOK',
  'DKK',
  'SGD',
  'INR',
  'BRL',
  'ZAR',
];

/** Sets the organization's annual loss appetite and the currency amounts are shown in (risk:configure). */
export function AppetiteForm({
  appetite,
  etag,
  onDone,
}: {
  appetite: Appetite;
  etag: string;
  onDone?: () => void;
}) {
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState<number | string>(appetite.annualLossAppetite ?? '');
  const [currency, setCurrency] = useState(appetite.currency);
  const save = useMutation({
    mutationFn: () =>
      apiSend(
        'PUT',
        '/api/v1/risk/appetite',
        appetiteSchema,
        { annualLossAppetite: typeof amount === 'number' && amount > 0 ? amount : null, currency },
        { ifMatch: etag },
      ),
    onSuccess: async (saved) => {
      notifySuccess(
        saved.annualLossAppetite === null
          ? 'The loss appetite is cleared.'
          : `The loss appetite is ${formatMoney(saved.annualLossAppetite, saved.currency)} a year.`,
      );
      await queryClient.invalidateQueries({ queryKey: riskKey });
      onDone?.();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <NumberInput
            label="Annual loss appetite"
            description="The yearly loss the organization accepts; blank for none"
            value={amount}
            onChange={setAmount}
            min={0}
            thousandSeparator=","
            hideControls
            w={260}
            data-testid="appetite-amount"
          />
          <Select
            label="Currency"
            data={currencies.includes(currency) ? currencies : [currency, ...currencies]}
            value={currency}
            onChange={(value) => setCurrency(value ?? currency)}
            allowDeselect={false}
            searchable
            w={110}
          />
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
        {save.isError ? (
          <Alert
            color={isStale(save.error) ? 'orange' : 'red'}
            variant="light"
            icon={<IconAlertTriangle size={18} />}
          >
            {isStale(save.error)
              ? 'Someone changed the appetite meanwhile; reload the page.'
              : errorMessage(save.error)}
          </Alert>
        ) : null}
        <Text size="xs" c="dimmed">
          Amounts of every quantification are shown in this currency; changing it does not convert them.
        </Text>
      </Stack>
    </form>
  );
}
