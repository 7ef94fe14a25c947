import { List, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconCircleDashed } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** One step of a procedure as the alarm desk shows it. */
export interface ProcedureStep {
  text: string;
  done: boolean;
  /** Who completed it, when and with which note. */
  detail?: ReactNode;
}

/**
 * The numbered steps of an alarm's procedure: done steps ticked, the next one to do in bold. The
 * alarm desk and the procedure editor's preview share it, so the preview is what operators see.
 */
export function ProcedureSteps({ steps }: { steps: readonly ProcedureStep[] }) {
  const next = steps.findIndex((step) => !step.done);
  return (
    <List spacing="xs" size="sm" center>
      {steps.map((step, index) => (
        <List.Item
          key={index}
          icon={
            <ThemeIcon color={step.done ? 'green' : 'gray'} size={20} radius="xl" variant="light">
              {step.done ? <IconCheck size={13} /> : <IconCircleDashed size={13} />}
            </ThemeIcon>
          }
        >
          <Text size="sm" fw={index === next ? 600 : 400}>
            {index + 1}. {step.text}
          </Text>
          {step.detail ? (
            <Text size="xs" c="dimmed">
              {step.detail}
            </Text>
          ) : null}
        </List.Item>
      ))}
    </List>
  );
}
