import {
  eventOutcomes,
  eventSources,
  eventTypes,
  type EventOutcome,
  type EventSource,
  type EventType,
} from '../../../../contracts/monitoring.js';

/*
 * The time window of the event log. Presets are relative ("the last hour") and open-ended, so new
 * events keep arriving at the top; a custom window has fixed ends. The window lives in the URL
 * (`window=24h`, or `window=custom&from=…&to=…`) so a view can be bookmarked and shared.
 */

export const windowPresets = [
  { id: '1h', label: 'Last hour', ms: 3600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
] as const;

export type PresetId = (typeof windowPresets)[number]['id'];

export type EventWindow =
  { kind: 'preset'; preset: PresetId } | { kind: 'custom'; from: string; to: string | null };

export const defaultWindow: EventWindow = { kind: 'preset', preset: '24h' };

function isoOrNull(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The window named by the URL; anything unreadable falls back to the last 24 hours. */
export function windowFromParams(params: URLSearchParams): EventWindow {
  const name = params.get('window');
  const preset = windowPresets.find((candidate) => candidate.id === name);
  if (preset) return { kind: 'preset', preset: preset.id };
  if (name === 'custom') {
    const from = isoOrNull(params.get('from'));
    if (from) return { kind: 'custom', from, to: isoOrNull(params.get('to')) };
  }
  return defaultWindow;
}

/** The URL parameters of a window (merged into the page's other filters). */
export function windowParams(window: EventWindow): Record<string, string> {
  if (window.kind === 'preset') return { window: window.preset };
  return { window: 'custom', from: window.from, ...(window.to ? { to: window.to } : {}) };
}

/** The `from` / `to` query of a window; relative presets count back from `anchorMs`. */
export function windowQuery(window: EventWindow, anchorMs: number): { from: string; to?: string } {
  if (window.kind === 'custom')
    return window.to ? { from: window.from, to: window.to } : { from: window.from };
  const preset = windowPresets.find((candidate) => candidate.id === window.preset) ?? windowPresets[1];
  return { from: new Date(anchorMs - preset.ms).toISOString() };
}

/** Whether newer events can still fall into the window (it has no fixed end, or its end is ahead). */
export function windowIsOpen(window: EventWindow, nowMs: number): boolean {
  return window.kind === 'preset' || window.to === null || Date.parse(window.to) > nowMs;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An instant as the value of a `datetime-local` input, in the browser's zone. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The instant of a `datetime-local` value (browser's zone), or null when empty or unreadable. */
export function fromLocalInput(value: string): string | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The instant a UUIDv7 was made (its first 48 bits): event ids are minted on receipt, so the newest
 * shown event's id says from when to look for newer ones.
 */
export function idTime(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/** The filters of the event log besides the window (all applied by the server within the window). */
export interface EventFilters {
  siteId: string | null;
  deviceId: string | null;
  type: EventType | null;
  source: EventSource | null;
  outcome: EventOutcome | null;
}

export const noFilters: EventFilters = {
  siteId: null,
  deviceId: null,
  type: null,
  source: null,
  outcome: null,
};

const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

/** The filters named by the URL (`site`, `device`, `type`, `source`, `outcome`); unknown values are dropped. */
export function filtersFromParams(params: URLSearchParams): EventFilters {
  const id = (name: string) => {
    const value = params.get(name);
    return value && idPattern.test(value) ? value : null;
  };
  return {
    siteId: id('site'),
    deviceId: id('device'),
    type: oneOf(eventTypes, params.get('type')),
    source: oneOf(eventSources, params.get('source')),
    outcome: oneOf(eventOutcomes, params.get('outcome')),
  };
}

/** The URL parameters of the filters that are set. */
export function filterParams(filters: EventFilters): Record<string, string> {
  const entries: [string, string | null][] = [
    ['site', filters.siteId],
    ['device', filters.deviceId],
    ['type', filters.type],
    ['source', filters.source],
    ['outcome', filters.outcome],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== null));
}
