import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery, longText, shortText } from './common.js';

/** IANA time zone names, e.g. Europe/Paris; validated against the runtime's zone database. */
export const timezoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');

export const siteCodeSchema = z
  .string()
  .trim()
  .min(2)
  .max(20)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
  .transform((code) => code.toUpperCase());

export const siteStatus = z.enum(['active', 'archived']);
export const siteSchema = z
  .object({
    id: idSchema,
    code: z.string(),
    name: z.string(),
    timezone: z.string(),
    address: z.string().nullable(),
    status: siteStatus,
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Site' });
export type Site = z.infer<typeof siteSchema>;

export const createSiteBody = z.object({
  name: shortText(),
  code: siteCodeSchema,
  timezone: timezoneSchema,
  address: longText(1000).optional(),
});
export type CreateSite = z.infer<typeof createSiteBody>;

export const updateSiteBody = z
  .object({
    name: shortText().optional(),
    timezone: timezoneSchema.optional(),
    address: longText(1000).nullable().optional(),
    status: siteStatus.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateSite = z.infer<typeof updateSiteBody>;

export const siteListQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  status: siteStatus.optional(),
});
