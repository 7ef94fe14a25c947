import type { z } from 'zod';
import type { builtinIncidentTypes, concernThreadSchema } from '../../../../contracts/incidents.js';
import { ApiError, errorMessage } from '../../../app/api.js';

type BuiltinType = (typeof builtinIncidentTypes)[number];
type PublicStatus = z.infer<typeof concernThreadSchema>['status'];

/**
 * The types a reporter picks from, in plain words. The full list of types needs a session, so the
 * public form offers these built-in ones; the security team re-types the case when triaging it.
 */
export const concernTypeOptions: readonly { value: BuiltinType; label: string }[] = [
  { value: 'suspicious_activity', label: 'Something or someone suspicious' },
  { value: 'theft', label: 'Theft or missing property' },
  { value: 'vandalism', label: 'Damage or vandalism' },
  { value: 'trespass', label: 'Someone where they should not be' },
  { value: 'threat', label: 'Threats or intimidation' },
  { value: 'workplace_violence', label: 'Violence or aggression at work' },
  { value: 'fraud', label: 'Fraud or dishonesty' },
  { value: 'data_breach', label: 'Information exposed or leaked' },
  { value: 'policy_violation', label: 'Rules or policies not followed' },
  { value: 'injury', label: 'A safety hazard or an injury' },
  { value: 'other', label: 'Something else' },
];

/** How the reporter's view of a case reads: its state and what it means for them. */
export const statusWording: Record<PublicStatus, { label: string; color: string; meaning: string }> = {
  received: {
    label: 'Received',
    color: 'blue',
    meaning: 'The security team has your report and will look at it soon.',
  },
  in_review: {
    label: 'In review',
    color: 'violet',
    meaning: 'The security team is looking into your report. They may ask you questions here.',
  },
  closed: {
    label: 'Closed',
    color: 'gray',
    meaning: 'The security team has finished with this report. You can still send a message.',
  },
};

/** A wait from Retry-After in words a person reads ("about 10 minutes"); null when unknown. */
export function waitInWords(seconds: number | null): string {
  if (seconds === null) return 'a few minutes';
  if (seconds < 60) return 'a minute';
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `about ${hours} hour${hours === 1 ? '' : 's'}`;
}

/** Today in the reporter's calendar ("2026-03-01"), the latest day a concern can have happened. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The message for a failed call of the public concern routes: a rate limit (429) says how long to
 * wait, from Retry-After; anything else says what the server said.
 */
export function reporterProblem(error: unknown, tooMany: string): string {
  if (error instanceof ApiError && error.status === 429)
    return `${tooMany} Please try again in ${waitInWords(error.retryAfterSeconds)}.`;
  return errorMessage(error);
}
