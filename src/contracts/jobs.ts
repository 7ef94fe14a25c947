import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery } from './common.js';

/**
 * The life of a background job: `queued` (waiting for its run time), `running` (claimed by a node),
 * `succeeded`, `failed` (an attempt failed; it runs again after a backoff) and `dead` (out of
 * attempts, or its payload can never be run; an admin may retry it).
 */
export const jobStates = ['queued', 'running', 'succeeded', 'failed', 'dead'] as const;
export const jobStateSchema = z.enum(jobStates);
export type JobState = z.infer<typeof jobStateSchema>;

export const jobKindSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9_.-]*$/, 'lower-case letters, digits, ".", "-" and "_" only');

export const jobSchema = z
  .object({
    id: idSchema,
    kind: z.string(),
    /** The payload as stored; job payloads carry ids, never secrets or personal data. */
    payload: z.unknown(),
    payloadVersion: z.number().int(),
    state: jobStateSchema,
    runAt: isoTimeSchema,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: z.string().nullable(),
    lockedBy: z.string().nullable(),
    lockedUntil: isoTimeSchema.nullable(),
    dedupeKey: z.string().nullable(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    finishedAt: isoTimeSchema.nullable(),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof jobSchema>;

export const jobListQuery = listQuery.extend({
  state: jobStateSchema.optional(),
  kind: jobKindSchema.optional(),
});
export type JobListQuery = z.infer<typeof jobListQuery>;
