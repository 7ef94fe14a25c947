import { Alert, Button, FileInput, Group, List, Modal, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../app/api.js';
import { notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { riskKey } from './queries.js';
import { importErrors, importRegister } from './transfer.js';

/** Upload of a register file: all rows are imported, or none and every bad row is listed. */
export function ImportModal({ onClose }: { onClose: () => void }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: (chosen: File) => importRegister(chosen, me.csrfToken),
    onSuccess: async (result) => {
      notifySuccess(`Imported: ${result.created} created, ${result.updated} updated.`);
      await queryClient.invalidateQueries({ queryKey: riskKey });
      onClose();
    },
  });
  const rows = upload.error instanceof ApiError ? importErrors(upload.error) : [];

  return (
    <Modal opened onClose={onClose} title="Import the register" size="lg">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          A CSV or XLSX file in the register's export format. Rows with a known id update that risk; other
          rows are added. If any row is wrong, nothing is imported and each problem is listed below.
        </Text>
        <List size="sm" c="dimmed" spacing={2}>
          <List.Item>Start from an export to get the columns right.</List.Item>
          <List.Item>Sites, assets and tags hold one item per line inside their cell.</List.Item>
        </List>
        <FileInput
          label="Register file"
          placeholder="Choose a .csv or .xlsx file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          leftSection={<IconFileSpreadsheet size={16} />}
          value={file}
          onChange={(chosen) => {
            upload.reset();
            setFile(chosen);
          }}
          clearable
        />
        {upload.isError ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            role="alert"
            title="Nothing was imported"
          >
            <Text size="sm">{errorMessage(upload.error)}</Text>
          </Alert>
        ) : null}
        {rows.length > 0 ? (
          <ScrollArea.Autosize mah={260}>
            <Table withTableBorder fz="sm" data-testid="import-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>Row</Table.Th>
                  <Table.Th w={160}>Column</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{row.row ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {row.field || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{row.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            leftSection={<IconUpload size={16} />}
            disabled={!file}
            loading={upload.isPending}
            onClick={() => {
              if (file) upload.mutate(file);
            }}
          >
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
