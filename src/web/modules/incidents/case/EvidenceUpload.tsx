import { Alert, Button, FileInput, Group, Progress, Stack, Text, TextInput } from '@mantine/core';
import { IconCircleCheck, IconUpload, IconX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { uploadedEvidenceSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiUpload, type UploadProgress } from '../../../app/api.js';
import { notifySuccess } from '../../../app/notify.js';
import { FormProblem, formatBytes, HashText } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * Uploads a file as digital evidence with a live progress bar. The server hashes the bytes as they
 * arrive and records the acquisition in the chain of custody; its SHA-256 is shown when done.
 */
export function EvidenceUpload({ incident }: { incident: Incident }) {
  const changed = useCaseChanged();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const controller = useRef<AbortController | null>(null);
  const upload = useMutation({
    mutationFn: (chosen: File) => {
      const form = new FormData();
      if (description.trim()) form.set('description', description.trim());
      form.set('file', chosen, chosen.name);
      controller.current = new AbortController();
      setProgress({ loaded: 0, total: chosen.size });
      return apiUpload(casePath(incident.id, '/evidence'), form, uploadedEvidenceSchema, {
        onProgress: setProgress,
        signal: controller.current.signal,
      });
    },
    onSuccess: async (uploaded) => {
      notifySuccess(`${uploaded.filename} was added to the evidence.`);
      setFile(null);
      setDescription('');
      await changed();
    },
    onSettled: () => {
      controller.current = null;
      setProgress(null);
    },
  });
  const percent =
    progress && progress.total > 0 ? Math.min(100, (progress.loaded / progress.total) * 100) : 0;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (file) upload.mutate(file);
      }}
    >
      <Stack gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <FileInput
            label="File"
            placeholder="Choose a file (photo, footage, document…)"
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              upload.reset();
            }}
            clearable
            disabled={upload.isPending}
            leftSection={<IconUpload size={16} />}
            style={{ flex: 1, minWidth: 240 }}
          />
          <TextInput
            label="Description"
            placeholder="What it is, where it came from"
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            disabled={upload.isPending}
            style={{ flex: 1, minWidth: 220 }}
          />
          {upload.isPending ? (
            <Button
              variant="default"
              color="red"
              leftSection={<IconX size={16} />}
              onClick={() => controller.current?.abort()}
            >
              Cancel upload
            </Button>
          ) : (
            <Button type="submit" leftSection={<IconUpload size={16} />} disabled={!file}>
              Upload
            </Button>
          )}
        </Group>
        {upload.isPending && progress ? (
          <Stack gap={4} data-testid="upload-progress">
            <Progress
              value={percent}
              size="lg"
              radius="xl"
              striped
              animated
              aria-label={`Upload of ${file?.name ?? 'the file'}`}
            />
            <Text size="xs" c="dimmed">
              {percent >= 100
                ? 'Sent; the server is finishing the hash…'
                : `Uploading ${Math.floor(percent)}% · ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`}
            </Text>
          </Stack>
        ) : null}
        {upload.isSuccess ? (
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="upload-done">
            <Group gap="xs">
              <Text size="sm">
                {upload.data.filename} ({formatBytes(upload.data.size)}) received; SHA-256
              </Text>
              <HashText sha256={upload.data.sha256} />
            </Group>
          </Alert>
        ) : null}
        {upload.isError && !isAbort(upload.error) ? <FormProblem error={upload.error} /> : null}
        {upload.isError && isAbort(upload.error) ? (
          <Text size="sm" c="dimmed">
            Upload cancelled; nothing was recorded.
          </Text>
        ) : null}
      </Stack>
    </form>
  );
}
