/** The register's filters, as they appear in the page address and in saved views. */
export const filterKeys = [
  'q',
  'category',
  'status',
  'siteId',
  'ownerId',
  'tag',
  'overdue',
  'likelihood',
  'impact',
  'rating',
] as const;
export type FilterKey = (typeof filterKeys)[number];
export type RegisterFilters = Partial<Record<FilterKey, string>>;

const isFilterKey = (key: string): key is FilterKey => (filterKeys as readonly string[]).includes(key);

/** The filters of a page address (or a saved view): known keys with non-empty values only. */
export function filtersFrom(entries: Iterable<[string, string | undefined]>): RegisterFilters {
  const filters: RegisterFilters = {};
  for (const [key, value] of entries) {
    const trimmed = (value ?? '').trim();
    if (isFilterKey(key) && trimmed !== '') filters[key] = trimmed;
  }
  // "rating" only qualifies a heat-map cell; alone it filters nothing.
  if (filters.likelihood === undefined && filters.impact === undefined) delete filters.rating;
  return filters;
}

/** The filters as a query string, in a stable order (so equal filters give equal addresses). */
export function searchOf(filters: RegisterFilters): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Whether two sets of filters select the same risks. */
export function sameFilters(a: RegisterFilters, b: RegisterFilters): boolean {
  return searchOf(filtersFrom(Object.entries(a))) === searchOf(filtersFrom(Object.entries(b)));
}
