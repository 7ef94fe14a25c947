import { z } from 'zod';

/** An app-generated id (UUIDv7). */
export const idSchema = z.uuid().max(36);
/** An ISO-8601 UTC timestamp. */
export const isoTimeSchema = z.iso.datetime({ offset: true });
export const idParams = z.object({ id: idSchema });

/** Short single-line text (names, titles). */
export const shortText = (max = 200) => z.string().trim().min(1).max(max);
/** Optional longer text (descriptions, notes, addresses). */
export const longText = (max = 10_000) => z.string().max(max);

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

/** The list envelope every collection answers with. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export const okSchema = z.object({ ok: z.literal(true) });

/**
 * A user's saved view of a list: a name and the list's filters (as the list's page address holds
 * them). Each list passes the schema of its own filters, so a view with unknown filters is refused.
 */
export function savedViewSchemas<F extends z.ZodType>(filters: F) {
  return {
    view: z.object({ id: idSchema, name: z.string(), filters, createdAt: isoTimeSchema }),
    create: z.object({ name: shortText(100), filters }),
  };
}
