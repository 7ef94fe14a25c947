/**
 * How column values travel in an archive: JSON, with tagged objects for what JSON cannot hold, so
 * that a value read from one dialect is written back unchanged by the other.
 */
export type JsonValue = string | number | boolean | null | { [key: string]: unknown } | unknown[];

/** Turns a value read from the database into its JSON form. */
export function encodeValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : { $bigint: value.toString() };
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  // PostgreSQL json/jsonb columns arrive parsed; Vigil keeps JSON as text, so store it as text.
  return JSON.stringify(value);
}

/** Turns a JSON-form value back into something both drivers bind. */
export function decodeValue(value: unknown, dialect: 'sqlite' | 'postgres'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  // SQLite has no boolean type; Vigil stores booleans as 0/1 everywhere.
  if (typeof value === 'boolean') return dialect === 'sqlite' ? Number(value) : value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    if ('$base64' in value && typeof value.$base64 === 'string') return Buffer.from(value.$base64, 'base64');
    if ('$number' in value && typeof value.$number === 'string') return Number(value.$number);
    if ('$bigint' in value && typeof value.$bigint === 'string') return BigInt(value.$bigint);
  }
  return JSON.stringify(value);
}
