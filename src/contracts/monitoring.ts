import { z } from 'zod';
import { idSchema, isoTimeSchema, listQuery, longText, shortText } from './common.js';

/*
 * Monitoring: device registry and health, event ingestion (DC-09, MQTT, HTTP) and the alarm desk.
 * The ingestion input type (`IngestEventInput`) is the contract between the protocol adapters
 * (the DC-09 receiver, MQTT, HTTP) and the one pipeline `ingestEvents(ctx, events)` exported by
 * `src/server/modules/monitoring/index.ts`.
 */

/** The normalized event vocabulary every source maps into (the raw code is kept beside it). */
export const eventTypes = [
  'intrusion',
  'fire',
  'panic',
  'duress',
  'medical',
  'gas',
  'water',
  'tamper',
  'door_forced',
  'door_held',
  'access_denied',
  'access_granted',
  'person_detected',
  'vehicle_detected',
  'motion',
  'trouble',
  'ac_loss',
  'battery_low',
  'communication_lost',
  'restore',
  'opening',
  'closing',
  'test',
  'supervision',
  'other',
] as const;
export const eventTypeSchema = z.enum(eventTypes);
export type EventType = z.infer<typeof eventTypeSchema>;

/** Alarm types: every event type, plus the alarms Vigil raises itself. */
export const alarmTypes = [...eventTypes, 'unregistered_device'] as const;
export const alarmTypeSchema = z.enum(alarmTypes);
export type AlarmType = z.infer<typeof alarmTypeSchema>;

/** Conditions that put a device in `trouble` until a restore of the same condition (and zone). */
export const troubleTypes = [
  'tamper',
  'trouble',
  'ac_loss',
  'battery_low',
] as const satisfies readonly EventType[];

/** Where an event came from; (source, sourceEventId) is the idempotency key. */
export const eventSources = ['dc09', 'http', 'mqtt', 'frigate', 'zigbee2mqtt', 'system'] as const;
export const eventSourceSchema = z.enum(eventSources);
export type EventSource = z.infer<typeof eventSourceSchema>;

/**
 * One normalized event handed to the ingestion pipeline by a protocol adapter.
 *
 * - `sourceEventId` must be stable across retransmissions of the same event (for DC-09 e.g.
 *   receiver, account, sequence and timestamp): a second event with the same (source,
 *   sourceEventId) is a duplicate, acknowledged and not stored again.
 * - The device is found by `deviceId`, else `account` (DC-09 account), `externalId`, `frigateCamera`
 *   or `zigbeeName`. An event whose device is unknown is stored and raises an `unregistered_device`
 *   alarm.
 * - A restore is `type: 'restore'` with `restoreOf` naming what is restored (SIA `BR` →
 *   `restoreOf: 'intrusion'`; Contact ID qualifier 3 of E130 likewise). It marks the matching
 *   active alarm (same device, zone and type) restored; without `restoreOf` it restores every
 *   active alarm of the device and zone.
 * - A link test (DC-09 `NULL`) is `type: 'test'`: it brings a supervised device back online.
 * - `occurredAt` is the device's time when it has one; `receivedAt` defaults to now.
 */
export interface IngestEventInput {
  source: EventSource;
  sourceEventId: string;
  deviceId?: string | null;
  account?: string | null;
  externalId?: string | null;
  frigateCamera?: string | null;
  zigbeeName?: string | null;
  occurredAt?: string | null;
  receivedAt?: string | null;
  type: EventType;
  restoreOf?: EventType | null;
  /** The raw code of the source, e.g. SIA `BA`, Contact ID `E130`, a Frigate label. */
  rawCode?: string | null;
  zone?: string | null;
  details?: Record<string, unknown> | null;
}

/** What the pipeline answers once the batch is durably committed (one outcome per input, in order). */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  outcomes: ('accepted' | 'duplicate')[];
}

// ---------------------------------------------------------------- devices

export const deviceKinds = [
  'intrusion_panel',
  'camera',
  'nvr',
  'access_controller',
  'door',
  'sensor',
  'duress_button',
  'fire_panel',
  'intercom',
  'other',
] as const;
export const deviceKindSchema = z.enum(deviceKinds);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

export const deviceStatuses = ['unknown', 'online', 'offline', 'trouble'] as const;
export const deviceStatusSchema = z.enum(deviceStatuses);
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

export const keyEncodingSchema = z.enum(['hex', 'ascii']);
export type KeyEncoding = z.infer<typeof keyEncodingSchema>;

const dateSchema = z.iso.date();
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const identifier = (max = 100) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces only');

/** A DC-09 key is 128, 192 or 256 bits: 32/48/64 hex digits, or 16/24/32 ASCII characters. */
function validKey(key: string, encoding: KeyEncoding): boolean {
  if (encoding === 'hex') return /^[0-9a-fA-F]+$/.test(key) && [32, 48, 64].includes(key.length);
  return /^[\x20-\x7e]+$/.test(key) && [16, 24, 32].includes(key.length);
}

export const dc09SettingsBody = z
  .object({
    account: z
      .string()
      .trim()
      .regex(/^[0-9A-Fa-f]{3,16}$/, '3 to 16 hexadecimal digits'),
    key: z.string().max(64).nullable().optional(),
    keyEncoding: keyEncodingSchema.optional(),
  })
  .superRefine((value, check) => {
    if (value.key && !validKey(value.key, value.keyEncoding ?? 'hex')) {
      check.addIssue({
        code: 'custom',
        path: ['key'],
        message:
          (value.keyEncoding ?? 'hex') === 'hex'
            ? 'must be 32, 48 or 64 hexadecimal digits (AES-128/192/256)'
            : 'must be 16, 24 or 32 printable ASCII characters (AES-128/192/256)',
      });
    }
  });

export const troubleSchema = z.object({
  condition: z.enum(troubleTypes),
  zone: z.string().nullable(),
  since: isoTimeSchema,
});

export const deviceSchema = z
  .object({
    id: idSchema,
    siteId: idSchema,
    name: z.string(),
    kind: deviceKindSchema,
    status: deviceStatusSchema,
    lastSeenAt: isoTimeSchema.nullable(),
    statusChangedAt: isoTimeSchema.nullable(),
    supervisionSeconds: z.number().int().nullable(),
    /** The key itself is never answered; `hasKey` says whether one is set. */
    dc09: z
      .object({ account: z.string(), keyEncoding: keyEncodingSchema.nullable(), hasKey: z.boolean() })
      .nullable(),
    frigate: z.object({ camera: z.string() }).nullable(),
    zigbee2mqtt: z.object({ name: z.string() }).nullable(),
    externalId: z.string().nullable(),
    vendor: z.string().nullable(),
    model: z.string().nullable(),
    firmware: z.string().nullable(),
    serial: z.string().nullable(),
    location: z.string().nullable(),
    zone: z.string().nullable(),
    installedOn: z.string().nullable(),
    lastMaintenanceOn: z.string().nullable(),
    nextMaintenanceOn: z.string().nullable(),
    notes: z.string().nullable(),
    troubles: z.array(troubleSchema),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'Device' });
export type Device = z.infer<typeof deviceSchema>;

export const createDeviceBody = z.object({
  name: shortText(),
  kind: deviceKindSchema,
  siteId: idSchema,
  /** How often the device reports at least once (heartbeat, link test); null: not supervised. */
  supervisionSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .nullable()
    .optional(),
  dc09: dc09SettingsBody.nullable().optional(),
  frigate: z.object({ camera: identifier() }).nullable().optional(),
  zigbee2mqtt: z
    .object({ name: z.string().trim().min(1).max(100) })
    .nullable()
    .optional(),
  externalId: identifier(200).nullable().optional(),
  vendor: optionalText(100),
  model: optionalText(100),
  firmware: optionalText(100),
  serial: optionalText(100),
  location: optionalText(300),
  zone: optionalText(100),
  installedOn: dateSchema.nullable().optional(),
  lastMaintenanceOn: dateSchema.nullable().optional(),
  nextMaintenanceOn: dateSchema.nullable().optional(),
  notes: longText(5000).nullable().optional(),
});
export type CreateDevice = z.infer<typeof createDeviceBody>;

export const updateDeviceBody = createDeviceBody
  .partial()
  .extend({ kind: deviceKindSchema.optional() })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateDevice = z.infer<typeof updateDeviceBody>;

export const deviceListQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  siteId: idSchema.optional(),
  kind: deviceKindSchema.optional(),
  status: deviceStatusSchema.optional(),
});
export type DeviceListQuery = z.infer<typeof deviceListQuery>;

export const periodQuery = z
  .object({
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
    siteId: idSchema.optional(),
    deviceId: idSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['from'],
  });
export type PeriodQuery = z.infer<typeof periodQuery>;

export const outageSchema = z.object({
  startedAt: isoTimeSchema,
  endedAt: isoTimeSchema.nullable(),
  cause: z.string(),
});

export const deviceUptimeSchema = z
  .object({
    deviceId: idSchema,
    siteId: idSchema,
    name: z.string(),
    status: deviceStatusSchema,
    /** Share of the period the device was not offline, 0..1. */
    uptime: z.number(),
    downtimeSeconds: z.number(),
    outages: z.array(outageSchema),
  })
  .meta({ id: 'DeviceUptime' });

export const uptimeReportSchema = z
  .object({
    from: isoTimeSchema,
    to: isoTimeSchema,
    devices: z.array(deviceUptimeSchema),
    sites: z.array(
      z.object({
        siteId: idSchema,
        devices: z.number().int(),
        uptime: z.number(),
        byStatus: z.record(deviceStatusSchema, z.number().int()),
      }),
    ),
  })
  .meta({ id: 'UptimeReport' });
export type UptimeReport = z.infer<typeof uptimeReportSchema>;

// ---------------------------------------------------------------- ingestion over HTTP

export const httpEventSchema = z
  .object({
    /** The sender's id of the event: retries with the same id are acknowledged, not stored twice. */
    id: z.string().trim().min(1).max(200),
    externalId: z.string().trim().min(1).max(200).optional(),
    deviceId: idSchema.optional(),
    type: eventTypeSchema,
    occurredAt: isoTimeSchema,
    zone: z.string().trim().max(100).optional(),
    code: z.string().trim().max(100).optional(),
    restoreOf: eventTypeSchema.optional(),
    details: z
      .record(z.string(), z.unknown())
      .refine((value) => JSON.stringify(value).length <= 8192, 'at most 8 KiB of details')
      .optional(),
  })
  .refine((event) => (event.externalId === undefined) !== (event.deviceId === undefined), {
    message: 'give exactly one of externalId and deviceId',
    path: ['externalId'],
  });
export type HttpEvent = z.infer<typeof httpEventSchema>;

export const ingestBody = z.object({ events: z.array(httpEventSchema).min(1).max(10_000) });
export const ingestResponse = z.object({ accepted: z.number().int(), duplicates: z.number().int() });

/** What the pipeline made of an event. */
export const eventOutcomes = ['alarm', 'log', 'restore', 'heartbeat', 'unregistered'] as const;
export const eventOutcomeSchema = z.enum(eventOutcomes);
export type EventOutcome = z.infer<typeof eventOutcomeSchema>;

export const eventSchema = z
  .object({
    id: idSchema,
    source: eventSourceSchema,
    sourceEventId: z.string(),
    deviceId: idSchema.nullable(),
    siteId: idSchema.nullable(),
    /** The registered device's name (null for unregistered devices). */
    deviceName: z.string().nullable(),
    /** The account / external id the event was addressed to (kept for unregistered devices). */
    deviceRef: z.string().nullable(),
    type: eventTypeSchema,
    restoreOf: eventTypeSchema.nullable(),
    code: z.string().nullable(),
    zone: z.string().nullable(),
    occurredAt: isoTimeSchema,
    receivedAt: isoTimeSchema,
    /** What the rules made of it: an alarm, a log entry, a restore or a heartbeat. */
    outcome: eventOutcomeSchema,
    alarmId: idSchema.nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'MonitoringEvent' });
export type MonitoringEvent = z.infer<typeof eventSchema>;

export const eventListQuery = listQuery.extend({
  /** The window to read (default: the last 7 days); events are stored in time order. */
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
  siteId: idSchema.optional(),
  deviceId: idSchema.optional(),
  type: eventTypeSchema.optional(),
  source: eventSourceSchema.optional(),
  outcome: eventOutcomeSchema.optional(),
});
export type EventListQuery = z.infer<typeof eventListQuery>;

// ---------------------------------------------------------------- alarms

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export const prioritySchema = z.enum(priorities);
export type Priority = z.infer<typeof prioritySchema>;

/** Repeats of the same device, zone and type within this many seconds fold into one alarm (unless a rule says otherwise). */
export const defaultFoldSeconds = 300;

/**
 * What an event type becomes when no rule matches it: an alarm of this priority, or (types not
 * listed) a log entry only. Life-safety and intrusion types are alarms until someone decides otherwise.
 */
export const defaultAlarmPriorities: Partial<Record<AlarmType, Priority>> = {
  fire: 'critical',
  panic: 'critical',
  duress: 'critical',
  medical: 'critical',
  gas: 'critical',
  intrusion: 'high',
  door_forced: 'high',
  tamper: 'high',
  communication_lost: 'high',
  unregistered_device: 'high',
  water: 'medium',
  door_held: 'medium',
  person_detected: 'medium',
  vehicle_detected: 'low',
  trouble: 'low',
  ac_loss: 'low',
  battery_low: 'low',
};

export const alarmStates = ['active', 'acknowledged', 'resolved'] as const;
export const alarmStateSchema = z.enum(alarmStates);
export type AlarmState = z.infer<typeof alarmStateSchema>;

export const dispositions = ['real', 'false_alarm', 'test'] as const;
export const falseAlarmCauses = [
  'user_error',
  'equipment_fault',
  'environment',
  'animal',
  'installation',
  'unknown',
] as const;

const userRef = z.object({ id: idSchema, name: z.string() });

export const alarmSchema = z
  .object({
    id: idSchema,
    deviceId: idSchema.nullable(),
    deviceName: z.string().nullable(),
    siteId: idSchema.nullable(),
    type: alarmTypeSchema,
    priority: prioritySchema,
    state: alarmStateSchema,
    firstAt: isoTimeSchema,
    lastAt: isoTimeSchema,
    count: z.number().int(),
    restoredAt: isoTimeSchema.nullable(),
    zone: z.string().nullable(),
    code: z.string().nullable(),
    claimedBy: userRef.nullable(),
    claimedAt: isoTimeSchema.nullable(),
    acknowledgedBy: userRef.nullable(),
    acknowledgedAt: isoTimeSchema.nullable(),
    resolvedBy: userRef.nullable(),
    resolvedAt: isoTimeSchema.nullable(),
    disposition: z.enum(dispositions).nullable(),
    falseAlarmCause: z.enum(falseAlarmCauses).nullable(),
    resolutionNote: z.string().nullable(),
    escalationLevel: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Alarm' });
export type Alarm = z.infer<typeof alarmSchema>;

export const alarmStepSchema = z.object({
  index: z.number().int(),
  text: z.string(),
  completedAt: isoTimeSchema.nullable(),
  completedBy: userRef.nullable(),
  note: z.string().nullable(),
});
export type AlarmStep = z.infer<typeof alarmStepSchema>;

export const alarmDetailSchema = alarmSchema
  .extend({ steps: z.array(alarmStepSchema), events: z.array(eventSchema) })
  .meta({ id: 'AlarmDetail' });
export type AlarmDetail = z.infer<typeof alarmDetailSchema>;

export const alarmListQuery = listQuery.extend({
  /** Without a state: the open alarms (active and acknowledged). */
  state: alarmStateSchema.optional(),
  siteId: idSchema.optional(),
  deviceId: idSchema.optional(),
  type: alarmTypeSchema.optional(),
});
export type AlarmListQuery = z.infer<typeof alarmListQuery>;

export const claimBody = z.object({ force: z.boolean().optional() }).nullish();

export const completeStepBody = z.object({ note: z.string().trim().min(1).max(5000) });
export const stepParams = z.object({ id: idSchema, index: z.coerce.number().int().min(0).max(99) });

export const resolveAlarmBody = z
  .object({
    disposition: z.enum(dispositions),
    falseAlarmCause: z.enum(falseAlarmCauses).optional(),
    note: z.string().trim().min(1).max(5000),
  })
  .refine((body) => body.disposition !== 'false_alarm' || body.falseAlarmCause !== undefined, {
    message: 'a false alarm needs its cause',
    path: ['falseAlarmCause'],
  });
export type ResolveAlarm = z.infer<typeof resolveAlarmBody>;

/** A message of the live stream (`GET /api/v1/alarms/stream`, event name `alarm`). */
export const alarmStreamMessageSchema = z.object({
  change: z.enum(['raised', 'updated']),
  alarm: alarmSchema,
});
export type AlarmStreamMessage = z.infer<typeof alarmStreamMessageSchema>;

export const falseAlarmReportSchema = z
  .object({
    from: isoTimeSchema,
    to: isoTimeSchema,
    devices: z.array(
      z.object({
        deviceId: idSchema,
        siteId: idSchema,
        name: z.string(),
        resolved: z.number().int(),
        falseAlarms: z.number().int(),
        rate: z.number(),
      }),
    ),
    sites: z.array(
      z.object({
        siteId: idSchema,
        resolved: z.number().int(),
        falseAlarms: z.number().int(),
        rate: z.number(),
      }),
    ),
  })
  .meta({ id: 'FalseAlarmReport' });
export type FalseAlarmReport = z.infer<typeof falseAlarmReportSchema>;

// ---------------------------------------------------------------- rules and SOPs

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00 to 23:59');

/**
 * When a rule applies, in the site's time zone. A window whose `to` is not after `from` spans
 * midnight (22:00–06:00 on Monday runs into Tuesday morning). Days: 0 Sunday … 6 Saturday.
 */
export const scheduleSchema = z.object({
  windows: z
    .array(
      z.object({
        days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
        from: timeOfDay,
        to: timeOfDay,
      }),
    )
    .min(1)
    .max(20),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const ruleActions = ['alarm', 'log'] as const;

export const ruleSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    eventType: eventTypeSchema,
    siteId: idSchema.nullable(),
    deviceId: idSchema.nullable(),
    action: z.enum(ruleActions),
    priority: prioritySchema.nullable(),
    schedule: scheduleSchema.nullable(),
    /** Same device, zone and type within this many seconds folds into the open alarm. */
    foldSeconds: z.number().int(),
    enabled: z.boolean(),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'AlarmRule' });
export type Rule = z.infer<typeof ruleSchema>;

export const createRuleBody = z
  .object({
    name: shortText(),
    eventType: eventTypeSchema,
    siteId: idSchema.nullable().optional(),
    deviceId: idSchema.nullable().optional(),
    action: z.enum(ruleActions),
    priority: prioritySchema.nullable().optional(),
    schedule: scheduleSchema.nullable().optional(),
    foldSeconds: z.number().int().min(0).max(86_400).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((rule) => rule.action !== 'alarm' || rule.priority, {
    message: 'an alarm rule needs a priority',
    path: ['priority'],
  });
export type CreateRule = z.infer<typeof createRuleBody>;

export const updateRuleBody = z
  .object({
    name: shortText().optional(),
    action: z.enum(ruleActions).optional(),
    priority: prioritySchema.nullable().optional(),
    schedule: scheduleSchema.nullable().optional(),
    foldSeconds: z.number().int().min(0).max(86_400).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateRule = z.infer<typeof updateRuleBody>;

export const ruleListQuery = listQuery.extend({ siteId: idSchema.optional() });

export const sopSchema = z
  .object({
    id: idSchema,
    alarmType: alarmTypeSchema,
    siteId: idSchema.nullable(),
    title: z.string(),
    steps: z.array(z.string()),
    createdAt: isoTimeSchema,
    updatedAt: isoTimeSchema,
    version: z.number().int(),
  })
  .meta({ id: 'AlarmSop' });
export type Sop = z.infer<typeof sopSchema>;

export const createSopBody = z.object({
  alarmType: alarmTypeSchema,
  siteId: idSchema.nullable().optional(),
  title: shortText(),
  steps: z.array(z.string().trim().min(1).max(1000)).min(1).max(30),
});
export type CreateSop = z.infer<typeof createSopBody>;

export const updateSopBody = z
  .object({
    title: shortText().optional(),
    steps: z.array(z.string().trim().min(1).max(1000)).min(1).max(30).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');
export type UpdateSop = z.infer<typeof updateSopBody>;

export const sopListQuery = listQuery.extend({ siteId: idSchema.optional() });
