import type {
  Alarm,
  DeviceStatus,
  EventOutcome,
  EventSource,
  Priority,
} from '../../../contracts/monitoring.js';

export { humanize, optionsOf } from '../../app/labels.js';

export const alarmsKey = ['alarms'] as const;
export const devicesKey = ['devices'] as const;

const priorityRank: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export const priorityColors: Record<Priority, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'gray',
};

export const deviceStatusColors: Record<DeviceStatus, string> = {
  online: 'green',
  offline: 'red',
  trouble: 'orange',
  unknown: 'gray',
};

/** The desk's order, the same as the server's: highest priority first, then the oldest. */
export function compareAlarms(a: Alarm, b: Alarm): number {
  return priorityRank[a.priority] - priorityRank[b.priority] || a.firstAt.localeCompare(b.firstAt);
}

export const rulesKey = ['alarm-rules'] as const;
export const sopsKey = ['alarm-sops'] as const;
export const eventsKey = ['monitoring-events'] as const;

/** Event sources as their makers write them. */
export const sourceLabels: Record<EventSource, string> = {
  dc09: 'DC-09',
  http: 'HTTP',
  mqtt: 'MQTT',
  frigate: 'Frigate',
  zigbee2mqtt: 'Zigbee2MQTT',
  system: 'Vigil',
};

/** What the rules made of an event. */
export const outcomeLabels: Record<EventOutcome, { label: string; color: string }> = {
  alarm: { label: 'Alarm', color: 'red' },
  log: { label: 'Logged', color: 'gray' },
  restore: { label: 'Restore', color: 'green' },
  heartbeat: { label: 'Heartbeat', color: 'blue' },
  unregistered: { label: 'Unregistered device', color: 'orange' },
};

/** "30 s", "5 min", "1 h 30 min", "No folding" for 0: a fold window as people read it. */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return 'No folding';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return [hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', rest ? `${rest} s` : '']
    .filter(Boolean)
    .join(' ');
}
