import { AppError } from '../errors.js';

/** Encodes the sort key of the last item of a page into an opaque cursor. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a tampered or foreign cursor is a 400. */
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'The cursor is not valid for this list.', [
    { path: 'cursor', message: 'invalid cursor' },
  ]);
}

/** Cuts one extra fetched row off a page and makes the next cursor from the last kept row. */
export function pageOf<Row, Item>(
  rows: Row[],
  limit: number,
  key: (row: Row) => readonly (string | number)[],
  present: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(present), nextCursor: hasMore && last ? encodeCursor(key(last)) : null };
}
