import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery } from './common.js';

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    id: idSchema,
    at: isoTimeSchema,
    actorType: z.enum(['user', 'token', 'system', 'anonymous']),
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    siteId: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListQuery = listQuery.extend({
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
});
export type AuditListQuery = z.infer<typeof auditListQuery>;

export const auditVerifyResponse = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  badSeq: z.number().int().optional(),
  reason: z.string().optional(),
});
