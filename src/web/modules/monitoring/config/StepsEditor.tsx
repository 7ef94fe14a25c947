import { ActionIcon, Button, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { insertAfter, moveItem, newStep, removeItem, type StepDraft } from './steps.js';

export const MAX_STEPS = 30;

/**
 * The ordered steps of a procedure: add, remove, and move up or down with buttons that stay
 * reachable by keyboard (the focus follows the step it moved).
 */
export function StepsEditor({
  steps,
  onChange,
  errors,
}: {
  steps: StepDraft[];
  onChange: (steps: StepDraft[]) => void;
  /** An error per step index (from the contract's check or the server). */
  errors: Record<number, string>;
}) {
  const list = useRef<HTMLDivElement>(null);
  // What to focus once the list has re-rendered: "<key>:text", "<key>:up", "<key>:down" or "add".
  const [focus, setFocus] = useState<string | null>(null);
  useEffect(() => {
    if (!focus) return;
    list.current?.querySelector<HTMLElement>(`[data-focus="${focus}"]`)?.focus();
    setFocus(null);
  }, [focus, steps]);

  const move = (index: number, offset: -1 | 1) => {
    const step = steps[index];
    if (!step) return;
    const target = index + offset;
    onChange(moveItem(steps, index, offset));
    // Landing at the top or bottom disables the pressed button: hand the focus to its twin.
    const landedAtEnd = offset === -1 ? target === 0 : target === steps.length - 1;
    const pressed = offset === -1 ? 'up' : 'down';
    const twin = offset === -1 ? 'down' : 'up';
    setFocus(`${step.key}:${landedAtEnd ? twin : pressed}`);
  };
  const remove = (index: number) => {
    const neighbour = steps[index + 1] ?? steps[index - 1];
    onChange(removeItem(steps, index));
    setFocus(neighbour ? `${neighbour.key}:text` : 'add');
  };
  const add = (after: number) => {
    const step = newStep();
    onChange(insertAfter(steps, after, step));
    setFocus(`${step.key}:text`);
  };

  return (
    <Stack gap="xs" ref={list}>
      {steps.map((step, index) => (
        <Group key={step.key} gap="xs" align="flex-start" wrap="nowrap" data-testid="step-row">
          <Text size="sm" fw={600} c="dimmed" w={22} ta="right" mt={8} aria-hidden>
            {index + 1}.
          </Text>
          <TextInput
            aria-label={`Step ${index + 1}`}
            placeholder={index === 0 ? 'e.g. Check the cameras of the zone' : 'What the operator does next'}
            value={step.text}
            maxLength={1000}
            error={errors[index]}
            data-focus={`${step.key}:text`}
            onChange={(event) => {
              const text = event.currentTarget.value;
              onChange(steps.map((draft) => (draft.key === step.key ? { ...draft, text } : draft)));
            }}
            style={{ flex: 1 }}
          />
          <Group gap={2} wrap="nowrap" mt={4}>
            <Tooltip label="Move up">
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Move step ${index + 1} up`}
                data-focus={`${step.key}:up`}
                disabled={index === 0}
                onClick={() => move(index, -1)}
              >
                <IconArrowUp size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Move down">
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Move step ${index + 1} down`}
                data-focus={`${step.key}:down`}
                disabled={index === steps.length - 1}
                onClick={() => move(index, 1)}
              >
                <IconArrowDown size={16} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={steps.length === 1 ? 'A procedure needs at least one step' : 'Remove'}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove step ${index + 1}`}
                disabled={steps.length === 1}
                onClick={() => remove(index)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      ))}
      <Group justify="space-between" pl={30}>
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          data-focus="add"
          disabled={steps.length >= MAX_STEPS}
          onClick={() => add(steps.length - 1)}
        >
          Add step
        </Button>
        <Text size="xs" c="dimmed">
          {steps.length} of at most {MAX_STEPS} steps
        </Text>
      </Group>
    </Stack>
  );
}
