import {
  createQuantificationBody,
  QUANTIFICATION_DEFAULT_ITERATIONS,
  type CreateQuantification,
  type Quantification,
  type QuantificationLabel,
} from '../../../contracts/risk.js';
import type { Distribution } from '../../../contracts/risk-simulation.js';
import { emptyEstimate, fromDistribution, toDistribution, type RangeEstimate } from './estimates.js';

export interface QuantifyValues {
  label: QuantificationLabel;
  frequency: RangeEstimate;
  magnitude: RangeEstimate;
  withSecondary: boolean;
  /** Percent of loss events that also cause secondary loss. */
  secondaryProbability: RangeEstimate;
  secondaryMagnitude: RangeEstimate;
  iterations: string;
  seed: number | string;
  controlCost: number | string;
  note: string;
}

/** Form fields that errors can sit on. */
export type QuantifyField =
  | 'frequency'
  | 'magnitude'
  | 'secondaryProbability'
  | 'secondaryMagnitude'
  | 'iterations'
  | 'seed'
  | 'controlCost'
  | 'note';

const PERCENT = 0.01;

/** The form's starting point: a stored quantification's inputs (to re-run or adjust), or blanks. */
export function valuesFrom(label: QuantificationLabel, from: Quantification | null): QuantifyValues {
  const scenario = from?.scenario;
  const secondary = scenario?.secondary;
  return {
    label,
    frequency: fromDistribution(scenario?.frequency) ?? emptyEstimate('pert'),
    magnitude: fromDistribution(scenario?.magnitude) ?? emptyEstimate('lognormal'),
    withSecondary: secondary !== undefined,
    secondaryProbability: fromDistribution(secondary?.probability, PERCENT) ?? emptyEstimate('pert'),
    secondaryMagnitude: fromDistribution(secondary?.magnitude) ?? emptyEstimate('lognormal'),
    iterations: String(from?.iterations ?? QUANTIFICATION_DEFAULT_ITERATIONS),
    seed: '',
    controlCost: label === 'proposed' ? (from?.label === 'proposed' ? from.controlCost : '') : '',
    note: '',
  };
}

/** Whether the quantification's inputs can be shown in this form (frequency-based, one of our shapes). */
export function editable(quantification: Quantification): boolean {
  const s = quantification.scenario;
  return (
    s.frequency !== undefined &&
    fromDistribution(s.frequency) !== null &&
    fromDistribution(s.magnitude) !== null &&
    (s.secondary === undefined ||
      (fromDistribution(s.secondary.probability) !== null &&
        fromDistribution(s.secondary.magnitude) !== null))
  );
}

const missing = (estimate: RangeEstimate) =>
  estimate.shape === 'lognormal'
    ? 'Enter the low and high ends of the interval'
    : 'Enter minimum, most likely and maximum';

const plainWords: Record<string, string> = {
  'min must be ≤ mode ≤ max': 'The most likely value must lie between the minimum and the maximum',
  'low must be < high': 'The low end must be below the high end',
  'must lie within [0, 1]': 'Percentages lie between 0 and 100',
};

/** The contract's messages, in words for the people filling in the form. */
export function humanize(message: string): string {
  const known =
    plainWords[message] ??
    (message.startsWith('must lie within [0, 1]') ? plainWords['must lie within [0, 1]'] : undefined);
  const text = known ?? message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The field an error path of the request (client check or server answer) belongs to. */
export function fieldOf(path: readonly (string | number)[]): QuantifyField | 'form' {
  const parts = path.filter((part) => part !== 'body').map(String);
  if (parts[0] === 'scenario') {
    if (parts[1] === 'frequency') return 'frequency';
    if (parts[1] === 'magnitude') return 'magnitude';
    if (parts[1] === 'secondary')
      return parts[2] === 'probability' ? 'secondaryProbability' : 'secondaryMagnitude';
    return 'frequency';
  }
  const first = parts[0];
  if (first === 'iterations' || first === 'seed' || first === 'controlCost' || first === 'note') return first;
  return 'form';
}

/** The request of the form, or the errors that keep it from being sent. */
export function toRequest(
  values: QuantifyValues,
):
  | { body: CreateQuantification; errors: null }
  | { body: null; errors: Partial<Record<QuantifyField | 'form', string>> } {
  const errors: Partial<Record<QuantifyField | 'form', string>> = {};
  const frequency = toDistribution(values.frequency);
  const magnitude = toDistribution(values.magnitude);
  let secondary: { probability: Distribution; magnitude: Distribution } | undefined;
  if (!frequency) errors.frequency = missing(values.frequency);
  if (!magnitude) errors.magnitude = missing(values.magnitude);
  if (values.withSecondary) {
    const probability = toDistribution(values.secondaryProbability, PERCENT);
    const secondaryMagnitude = toDistribution(values.secondaryMagnitude);
    if (!probability) errors.secondaryProbability = missing(values.secondaryProbability);
    if (!secondaryMagnitude) errors.secondaryMagnitude = missing(values.secondaryMagnitude);
    if (probability && secondaryMagnitude) secondary = { probability, magnitude: secondaryMagnitude };
  }
  if (!frequency || !magnitude || Object.keys(errors).length > 0) return { body: null, errors };
  const body: CreateQuantification = {
    label: values.label,
    scenario: { frequency, magnitude, ...(secondary ? { secondary } : {}) },
    iterations: Number(values.iterations),
    ...(typeof values.seed === 'number' ? { seed: values.seed } : {}),
    controlCost:
      values.label === 'proposed' && typeof values.controlCost === 'number' ? values.controlCost : 0,
    note: values.note,
  };
  const checked = createQuantificationBody.safeParse(body);
  if (checked.success) return { body, errors: null };
  for (const issue of checked.error.issues) {
    const field = fieldOf(issue.path.filter((p): p is string | number => typeof p !== 'symbol'));
    errors[field] ??= humanize(issue.message);
  }
  return { body: null, errors };
}
