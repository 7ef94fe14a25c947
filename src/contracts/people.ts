import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery, longText, shortText } from './common.js';

export const personKind = z.enum(['employee', 'contractor', 'visitor', 'vendor', 'other']);
export const personStatus = z.enum(['active', 'inactive']);

export const personSchema = z
  .object({
    id: idSchema,
    siteId: idSchema,
    kind: personKind,
    firstName: z.string(),
    lastName: z.string(),
    /** Personal data: null unless the caller holds people:pii. */
    email: z.string().nullable(),
    phone: z.string().nullable(),
    employeeNumber: z.string().nullable(),
    department: z.string().nullable(),
    title: z.string().nullable(),
    status: personStatus,
    managerId: idSchema.nullable(),
    userId: idSchema.nullable(),
    notes: z.string().nullable(),
    piiRedacted: z.boolean(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Person' });
export type Person = z.infer<typeof personSchema>;

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const createPersonBody = z.object({
  siteId: idSchema,
  kind: personKind.default('employee'),
  firstName: shortText(100),
  lastName: shortText(100),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()).nullable().optional(),
  phone: optionalText(40),
  employeeNumber: optionalText(50),
  department: optionalText(100),
  title: optionalText(100),
  status: personStatus.default('active'),
  managerId: idSchema.nullable().optional(),
  userId: idSchema.nullable().optional(),
  notes: longText(5000).nullable().optional(),
});
export type CreatePerson = z.infer<typeof createPersonBody>;

export const updatePersonBody = createPersonBody
  .partial()
  .extend({ kind: personKind.optional(), status: personStatus.optional() })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdatePerson = z.infer<typeof updatePersonBody>;

export const personListQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  siteId: idSchema.optional(),
  kind: personKind.optional(),
  status: personStatus.optional(),
});
export type PersonListQuery = z.infer<typeof personListQuery>;
