/** Tables of the monitoring module (migration 0030), merged into the database type. */
export interface MonitoringDevicesTable {
  id: string;
  site_id: string;
  name: string;
  kind: string;
  status: string;
  last_seen_at: string | null;
  status_changed_at: string | null;
  supervision_seconds: number | null;
  supervision_due_at: string | null;
  dc09_account: string | null;
  /** Encrypted at rest (see keys.ts); never answered by the API. */
  dc09_key: string | null;
  dc09_key_encoding: string | null;
  frigate_camera: string | null;
  zigbee_name: string | null;
  external_id: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  location: string | null;
  zone: string | null;
  installed_on: string | null;
  last_maintenance_on: string | null;
  next_maintenance_on: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface MonitoringDeviceTroublesTable {
  device_id: string;
  condition: string;
  zone: string;
  since: string;
}

export interface MonitoringDeviceOutagesTable {
  id: string;
  device_id: string;
  site_id: string;
  started_at: string;
  ended_at: string | null;
  cause: string;
}

export interface MonitoringRulesTable {
  id: string;
  name: string;
  event_type: string;
  site_id: string | null;
  device_id: string | null;
  action: string;
  priority: number | null;
  schedule: string | null;
  fold_seconds: number;
  enabled: number;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface MonitoringSopsTable {
  id: string;
  alarm_type: string;
  site_id: string | null;
  scope_key: string;
  title: string;
  steps: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The incident opened from an alarm. */
export interface MonitoringAlarmIncidentsTable {
  alarm_id: string;
  incident_id: string;
  linked_by: string;
  linked_at: string;
}

export interface MonitoringAlarmsTable {
  id: string;
  site_id: string | null;
  device_id: string | null;
  type: string;
  priority: number;
  state: string;
  first_at: string;
  last_at: string;
  count: number;
  restored_at: string | null;
  zone: string | null;
  code: string | null;
  fold_key: string;
  fold_seconds: number;
  rule_id: string | null;
  sop_steps: string;
  claimed_by: string | null;
  claimed_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  disposition: string | null;
  false_alarm_cause: string | null;
  resolution_note: string | null;
  escalation_level: number;
  escalated_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface MonitoringAlarmStepsTable {
  alarm_id: string;
  step_index: number;
  completed_by: string;
  completed_at: string;
  note: string;
}

export interface MonitoringEventsTable {
  id: string;
  source: string;
  source_event_id: string;
  device_id: string | null;
  site_id: string | null;
  device_ref: string | null;
  type: string;
  restore_of: string | null;
  code: string | null;
  zone: string | null;
  occurred_at: string;
  received_at: string;
  outcome: string;
  alarm_id: string | null;
  details: string | null;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    monitoring_devices: MonitoringDevicesTable;
    monitoring_device_troubles: MonitoringDeviceTroublesTable;
    monitoring_device_outages: MonitoringDeviceOutagesTable;
    monitoring_rules: MonitoringRulesTable;
    monitoring_sops: MonitoringSopsTable;
    monitoring_alarms: MonitoringAlarmsTable;
    monitoring_alarm_incidents: MonitoringAlarmIncidentsTable;
    monitoring_alarm_steps: MonitoringAlarmStepsTable;
    monitoring_events: MonitoringEventsTable;
  }
}
