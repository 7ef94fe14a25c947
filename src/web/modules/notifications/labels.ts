import type { NotificationCategory, NotificationSeverity } from '../../../contracts/notifications.js';

export const categoryLabels: Record<NotificationCategory, string> = {
  system: 'System',
  security: 'Security',
  escalation: 'Escalations',
  sla: 'SLA warnings',
  reminder: 'Reminders',
};

export const severityColors: Record<NotificationSeverity, string> = {
  info: 'blue',
  warning: 'orange',
  critical: 'red',
};
