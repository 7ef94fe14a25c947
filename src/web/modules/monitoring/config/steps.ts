/*
 * The ordered steps of a procedure while it is being edited. Each step carries a key of its own so
 * that a row keeps its input (and the focus) when it moves, instead of React reusing rows by index.
 */

export interface StepDraft {
  key: string;
  text: string;
}

let lastKey = 0;

/** A new, empty step. */
export function newStep(text = ''): StepDraft {
  lastKey += 1;
  return { key: `step-${lastKey}`, text };
}

/** The drafts of stored steps. */
export function draftsOf(steps: readonly string[]): StepDraft[] {
  return steps.map((text) => newStep(text));
}

/** The steps to save: trimmed, in order. */
export function stepsOf(drafts: readonly StepDraft[]): string[] {
  return drafts.map((draft) => draft.text.trim());
}

/** The list with the item at `index` moved one place up (-1) or down (+1); unchanged at the ends. */
export function moveItem<T>(items: readonly T[], index: number, offset: -1 | 1): T[] {
  const target = index + offset;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const moved = [...items];
  const [item] = moved.splice(index, 1);
  if (item !== undefined) moved.splice(target, 0, item);
  return moved;
}

/** The list without the item at `index`. */
export function removeItem<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, position) => position !== index);
}

/** The list with `item` inserted after `index` (at the end when `index` is the last one or beyond). */
export function insertAfter<T>(items: readonly T[], index: number, item: T): T[] {
  const at = Math.min(Math.max(index + 1, 0), items.length);
  return [...items.slice(0, at), item, ...items.slice(at)];
}
