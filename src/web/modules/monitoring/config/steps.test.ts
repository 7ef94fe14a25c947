import { describe, expect, it } from 'vitest';
import { draftsOf, insertAfter, moveItem, newStep, removeItem, stepsOf } from './steps.js';

describe('editing procedure steps', () => {
  const steps = ['Check the cameras', 'Call the keyholder', 'Dispatch a guard'];

  it('moves a step up or down one place, and not past either end', () => {
    expect(moveItem(steps, 1, -1)).toEqual(['Call the keyholder', 'Check the cameras', 'Dispatch a guard']);
    expect(moveItem(steps, 1, 1)).toEqual(['Check the cameras', 'Dispatch a guard', 'Call the keyholder']);
    expect(moveItem(steps, 0, -1)).toEqual(steps);
    expect(moveItem(steps, 2, 1)).toEqual(steps);
    expect(moveItem(steps, 7, -1)).toEqual(steps);
  });

  it('never changes the list it was given', () => {
    const original = [...steps];
    moveItem(steps, 0, 1);
    removeItem(steps, 1);
    insertAfter(steps, 0, 'x');
    expect(steps).toEqual(original);
  });

  it('removes and inserts steps', () => {
    expect(removeItem(steps, 0)).toEqual(['Call the keyholder', 'Dispatch a guard']);
    expect(insertAfter(steps, 0, 'Log the call')).toEqual([
      'Check the cameras',
      'Log the call',
      'Call the keyholder',
      'Dispatch a guard',
    ]);
    expect(insertAfter(steps, 99, 'Last')).toEqual([...steps, 'Last']);
  });

  it('keeps each step’s key as it moves, and saves trimmed text in order', () => {
    const drafts = draftsOf(steps);
    expect(new Set(drafts.map((draft) => draft.key)).size).toBe(3);
    const moved = moveItem(drafts, 2, -1);
    expect(moved[1]?.key).toBe(drafts[2]?.key);
    expect(stepsOf([...moved, newStep('  Close the log  ')])).toEqual([
      'Check the cameras',
      'Dispatch a guard',
      'Call the keyholder',
      'Close the log',
    ]);
  });
});
