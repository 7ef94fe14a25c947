import {
  IconAlarm,
  IconAlertTriangle,
  IconAdjustmentsAlt,
  IconChecklist,
  IconFileAlert,
  IconList,
  IconMessageReport,
  IconBell,
  IconBuildingSkyscraper,
  IconClockPlay,
  IconDeviceCctv,
  IconHeartbeat,
  IconWebhook,
  IconHome,
  IconListDetails,
  IconUserCircle,
  IconUserShield,
  IconUsersGroup,
  type Icon,
} from '@tabler/icons-react';
import type { Permission } from '../../contracts/access.js';

export interface NavEntry {
  to: string;
  label: string;
  icon: Icon;
  /** The permission the page needs; none means every signed-in user. */
  permission?: Permission;
  description: string;
}

/** The left navigation, in order; each entry is shown only to users holding its permission. */
export const navigation: readonly NavEntry[] = [
  { to: '/', label: 'Overview', icon: IconHome, description: 'Your program at a glance' },
  {
    to: '/risk',
    label: 'Risk',
    icon: IconAlertTriangle,
    permission: 'risk:read',
    description: 'The risk register, heat map and FAIR quantification',
  },
  {
    to: '/incidents',
    label: 'Incidents',
    icon: IconFileAlert,
    permission: 'incidents:read',
    description: 'Cases from first report to closure, with evidence and custody',
  },
  {
    to: '/people',
    label: 'People',
    icon: IconUsersGroup,
    permission: 'people:read',
    description: 'Employees, contractors, visitors and vendors at your sites',
  },
  {
    to: '/sites',
    label: 'Sites',
    icon: IconBuildingSkyscraper,
    permission: 'sites:read',
    description: 'Locations, their codes and time zones',
  },
  {
    to: '/alarms',
    label: 'Alarm desk',
    icon: IconAlarm,
    permission: 'alarms:read',
    description: 'Open alarms, live, with their procedures',
  },
  {
    to: '/devices',
    label: 'Devices',
    icon: IconDeviceCctv,
    permission: 'devices:read',
    description: 'Panels, cameras, doors and sensors, with their health',
  },
  {
    to: '/monitoring/health',
    label: 'Site health',
    icon: IconHeartbeat,
    permission: 'devices:read',
    description: 'Uptime, offline devices and false-alarm rates per site',
  },
  {
    to: '/monitoring/events',
    label: 'Event log',
    icon: IconList,
    permission: 'alarms:read',
    description: 'Every event received from panels, cameras, doors and sensors',
  },
  {
    to: '/monitoring/rules',
    label: 'Alarm rules',
    icon: IconAdjustmentsAlt,
    permission: 'alarms:read',
    description: 'Which events become alarms, with which priority and when',
  },
  {
    to: '/monitoring/procedures',
    label: 'Procedures',
    icon: IconChecklist,
    permission: 'alarms:read',
    description: 'The steps operators complete for each kind of alarm',
  },
  {
    to: '/users',
    label: 'Users',
    icon: IconUserShield,
    permission: 'users:read',
    description: 'Who can sign in, with which role and at which sites',
  },
  {
    to: '/audit',
    label: 'Audit log',
    icon: IconListDetails,
    permission: 'audit:read',
    description: 'The hash-chained record of every change',
  },
  {
    to: '/notifications',
    label: 'Notifications',
    icon: IconBell,
    description: 'Escalations, SLA warnings and reminders addressed to you',
  },
  {
    to: '/admin/jobs',
    label: 'Background jobs',
    icon: IconClockPlay,
    permission: 'jobs:manage',
    description: 'Scheduled and queued work, failures and retries',
  },
  {
    to: '/admin/webhooks',
    label: 'Webhooks',
    icon: IconWebhook,
    permission: 'webhooks:manage',
    description: 'Signed notifications to your other systems',
  },
  {
    to: '/report',
    label: 'Report a concern',
    icon: IconMessageReport,
    description: 'Tell the security team about something, anonymously if you wish',
  },
  {
    to: '/account',
    label: 'My account',
    icon: IconUserCircle,
    description: 'Your password and API tokens',
  },
];
