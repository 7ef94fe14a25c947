import {
  defaultAlarmPriorities,
  defaultFoldSeconds,
  type AlarmType,
  type EventType,
  type Priority,
  type Schedule,
} from '../../../contracts/monitoring.js';

/*
 * Which events become alarms, with which priority. Rules are chosen most specific first (device,
 * then site, then organization-wide); among rules of the same scope a scheduled rule is tried before
 * an unscheduled one, so "person detected → alarm at night" can sit beside "person detected → log".
 * Without a matching rule the type's default applies (`defaultAlarmPriorities` in the contract):
 * life-safety and intrusion types are alarms by default, so nothing is silently ignored until
 * someone decides it should be.
 */

export const priorityRank: Record<Priority, number> = { critical: 1, high: 2, medium: 3, low: 4 };
export const rankPriority: Record<number, Priority> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };

/** Default flood window: repeats of the same device, zone and type within it fold into one alarm. */
export const DEFAULT_FOLD_SECONDS = defaultFoldSeconds;

export interface Policy {
  action: 'alarm' | 'log';
  /** 1 critical … 4 low. */
  priority: number;
  foldSeconds: number;
  ruleId: string | null;
}

/** The built-in policy of a type when no rule matches. */
export function defaultPolicy(type: AlarmType): Policy {
  const priority = defaultAlarmPriorities[type];
  return priority
    ? { action: 'alarm', priority: priorityRank[priority], foldSeconds: DEFAULT_FOLD_SECONDS, ruleId: null }
    : { action: 'log', priority: 4, foldSeconds: DEFAULT_FOLD_SECONDS, ruleId: null };
}

/** A rule as the evaluator needs it (parsed from its row once per batch). */
export interface RuleSpec {
  id: string;
  eventType: EventType;
  siteId: string | null;
  deviceId: string | null;
  action: 'alarm' | 'log';
  priority: number | null;
  schedule: Schedule | null;
  foldSeconds: number;
}

/** Site-local day of week (0 Sunday) and minute of day. */
export interface LocalClock {
  day: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const clockCache = new Map<string, LocalClock>();
const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The local clock of a time zone at an instant (cached per zone and minute: batches share minutes). */
export function localClock(timeZone: string, epochMs: number): LocalClock {
  const minute = Math.floor(epochMs / 60_000);
  const key = `${timeZone}|${minute}`;
  const cached = clockCache.get(key);
  if (cached) return cached;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  let day = 0;
  let hour = 0;
  let min = 0;
  for (const part of formatter.formatToParts(new Date(minute * 60_000))) {
    if (part.type === 'weekday') day = weekdays[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') min = Number(part.value);
  }
  const clock = { day, minutes: hour * 60 + min };
  if (clockCache.size > 10_000) clockCache.clear();
  clockCache.set(key, clock);
  return clock;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when the local clock falls in one of the schedule's windows. */
export function scheduleMatches(schedule: Schedule, clock: LocalClock): boolean {
  return schedule.windows.some((window) => {
    const from = minutesOf(window.from);
    const to = minutesOf(window.to);
    if (from < to) return window.days.includes(clock.day) && clock.minutes >= from && clock.minutes < to;
    // Spans midnight (or the whole day when from = to): the evening of a listed day, or the
    // early hours of the day after one.
    const yesterday = (clock.day + 6) % 7;
    return (
      (window.days.includes(clock.day) && clock.minutes >= from) ||
      (window.days.includes(yesterday) && clock.minutes < to)
    );
  });
}

/**
 * The policy for an event of a registered device: the most specific enabled rule whose schedule
 * (in the site's time zone) covers the moment the event occurred, else the type's default.
 */
export function choosePolicy(
  rules: readonly RuleSpec[],
  event: { type: EventType; occurredMs: number },
  device: { id: string; siteId: string; timezone: string },
): Policy {
  let best: RuleSpec | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    if (rule.eventType !== event.type) continue;
    if (rule.deviceId !== null && rule.deviceId !== device.id) continue;
    if (rule.siteId !== null && rule.siteId !== device.siteId) continue;
    const score = (rule.deviceId !== null ? 4 : rule.siteId !== null ? 2 : 0) + (rule.schedule ? 1 : 0);
    if (score <= bestScore) continue;
    if (rule.schedule && !scheduleMatches(rule.schedule, localClock(device.timezone, event.occurredMs)))
      continue;
    best = rule;
    bestScore = score;
  }
  if (!best) return defaultPolicy(event.type);
  return {
    action: best.action,
    priority: best.priority ?? defaultPolicy(event.type).priority,
    foldSeconds: best.foldSeconds,
    ruleId: best.id,
  };
}
