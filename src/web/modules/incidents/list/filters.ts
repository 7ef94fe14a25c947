import { incidentViewFilters, type IncidentViewFilters } from '../../../../contracts/incidents.js';

/** The list's filters, in the order they appear in a page address. */
export const filterKeys = [
  'q',
  'status',
  'type',
  'severity',
  'siteId',
  'kind',
  'assignedTo',
  'from',
  'to',
] as const satisfies readonly (keyof IncidentViewFilters)[];
export type FilterKey = (typeof filterKeys)[number];
/** The filters of the incident list: the page address, a saved view and the API query hold the same. */
export type IncidentFilters = IncidentViewFilters;

const isFilterKey = (key: string): key is FilterKey => (filterKeys as readonly string[]).includes(key);

/**
 * The filters of a page address (or a saved view): known keys whose values the API takes. A value
 * the API would refuse (an edited or outdated link) is dropped, so the list still loads.
 */
export function filtersFrom(entries: Iterable<[string, unknown]>): IncidentFilters {
  const accepted: Partial<Record<FilterKey, string>> = {};
  for (const [key, value] of entries) {
    if (!isFilterKey(key) || typeof value !== 'string' || value.trim() === '') continue;
    if (incidentViewFilters.shape[key].safeParse(value).success) accepted[key] = value.trim();
  }
  // Every value passed its own check, so the whole set parses.
  return incidentViewFilters.parse(accepted);
}

/** The filters as a query string in a stable order ("" without filters), so equal filters give equal addresses. */
export function searchOf(filters: IncidentFilters): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The filters with one changed; null or blank removes it. */
export function withFilter(filters: IncidentFilters, key: FilterKey, value: string | null): IncidentFilters {
  return filtersFrom(Object.entries({ ...filters, [key]: value ?? '' }));
}

/** Whether two sets of filters select the same incidents. */
export function sameFilters(a: IncidentFilters, b: IncidentFilters): boolean {
  return searchOf(filtersFrom(Object.entries(a))) === searchOf(filtersFrom(Object.entries(b)));
}

/** Whether any filter is set. */
export function isFiltered(filters: IncidentFilters): boolean {
  return searchOf(filters) !== '';
}
