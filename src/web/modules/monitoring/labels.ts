import type { Alarm, DeviceStatus, Priority } from '../../../contracts/monitoring.js';

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
