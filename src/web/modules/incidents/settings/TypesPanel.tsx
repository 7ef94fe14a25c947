import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createIncidentTypeBody, incidentTypeSchema } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';
import { LoadError, PageLoader } from '../../../app/components.js';
import { showProblemOnForm } from '../../../app/forms.js';
import { notifySuccess } from '../../../app/notify.js';
import { validateWith } from '../../../app/validation.js';
import { incidentsKey } from '../labels.js';
import { useIncidentTypes } from './queries.js';
import { typeKeyOf } from './typeKey.js';

interface TypeValues {
  label: string;
  key: string;
}

const toBody = (values: TypeValues) => ({ label: values.label.trim(), key: values.key.trim() });

function AddTypeForm() {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  // The key follows the label until someone edits it.
  const [keyEdited, setKeyEdited] = useState(false);
  const form = useForm<TypeValues>({
    initialValues: { label: '', key: '' },
    validate: validateWith(createIncidentTypeBody, toBody),
  });
  const add = useMutation({
    mutationFn: (values: TypeValues) =>
      apiSend('POST', '/api/v1/incident-types', incidentTypeSchema, toBody(values)),
    onSuccess: async (type) => {
      notifySuccess(`The type "${type.label}" was added.`);
      form.reset();
      setKeyEdited(false);
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
    onError: (error) => setProblem(showProblemOnForm(form, error, ['label', 'key'])),
  });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        add.mutate(values);
      })}
      noValidate
    >
      <Stack gap="sm">
        <Title order={5}>Add a type</Title>
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <TextInput
          label="Type name"
          placeholder="Tailgating"
          description="As people will see it in lists and forms."
          required
          {...form.getInputProps('label')}
          onChange={(event) => {
            const label = event.currentTarget.value;
            form.setFieldValue('label', label);
            if (!keyEdited) form.setFieldValue('key', typeKeyOf(label));
          }}
        />
        <TextInput
          label="Key"
          placeholder="tailgating"
          description="For exports and the API; permanent."
          required
          ff="monospace"
          {...form.getInputProps('key')}
          onChange={(event) => {
            setKeyEdited(true);
            form.setFieldValue('key', event.currentTarget.value);
          }}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={add.isPending} leftSection={<IconPlus size={16} />}>
            Add type
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The incident types: the built-in ones and those the organization added (incidents:configure). */
export function TypesPanel() {
  const types = useIncidentTypes();
  const custom = types.data?.filter((type) => !type.builtin).length ?? 0;

  return (
    <Grid gap="md" align="flex-start">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper p="md" radius="md">
          <AddTypeForm />
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Paper p="md" radius="md">
          <Group justify="space-between" mb="sm">
            <div>
              <Title order={5}>Incident types</Title>
              <Text size="xs" c="dimmed">
                Types classify cases in lists, metrics and reports. Added types cannot be removed: cases keep
                the type they were filed under.
              </Text>
            </div>
            {types.data ? (
              <Text size="sm" c="dimmed">
                {types.data.length} types, {custom} added by your organization
              </Text>
            ) : null}
          </Group>
          {types.isPending ? (
            <PageLoader />
          ) : types.isError ? (
            <LoadError error={types.error} onRetry={() => void types.refetch()} />
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table aria-label="Incident types">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Origin</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {types.data.map((type) => (
                    <Table.Tr key={type.key} data-testid="incident-type-row">
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {type.label}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {type.key}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {type.builtin ? (
                          <Badge variant="light" color="gray" tt="none">
                            Built-in
                          </Badge>
                        ) : (
                          <Badge variant="light" tt="none">
                            Added
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
