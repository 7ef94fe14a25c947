/** The fields that differ between two snapshots, as `{ field: [before, after] }`. */
export function changedFields<T extends object>(
  before: T,
  after: Partial<T>,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const previous = (before as Record<string, unknown>)[key];
    if (JSON.stringify(previous) !== JSON.stringify(value)) changes[key] = [previous, value];
  }
  return changes;
}
