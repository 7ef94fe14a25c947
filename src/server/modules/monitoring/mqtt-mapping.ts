import { z } from 'zod';
import type { EventType, IngestEventInput } from '../../../contracts/monitoring.js';
import { eventTypeSchema } from '../../../contracts/monitoring.js';

/*
 * Maps MQTT messages of Frigate NVR, Zigbee2MQTT and Vigil's own topic into normalized events.
 * Pure functions and a small state tracker; the network side is in mqtt.ts.
 */

export interface MqttTopics {
  /** Frigate's `mqtt.topic_prefix` (default `frigate`). */
  frigate: string;
  /** Zigbee2MQTT's `base_topic` (default `zigbee2mqtt`). */
  zigbee2mqtt: string;
  /** Vigil's own events: `<prefix>/<externalId>` carrying one JSON event. */
  events: string;
}

export type MqttMapping =
  | { kind: 'events'; events: IngestEventInput[] }
  | { kind: 'frigate-availability'; online: boolean }
  | { kind: 'ignored'; reason: string };

const ignored = (reason: string): MqttMapping => ({ kind: 'ignored', reason });

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ Frigate

const frigateObject = z.object({
  id: z.string().min(1).max(200),
  camera: z.string().min(1).max(200),
  label: z.string().max(100),
  sub_label: z.unknown().optional(),
  score: z.number().nullish(),
  top_score: z.number().nullish(),
  false_positive: z.boolean().nullish(),
  start_time: z.number().nullish(),
  end_time: z.number().nullish(),
  current_zones: z.array(z.string().max(100)).nullish(),
  entered_zones: z.array(z.string().max(100)).nullish(),
});

const frigateEvent = z.object({
  type: z.enum(['new', 'update', 'end']),
  before: frigateObject.partial().nullish(),
  after: frigateObject,
});

const vehicles = new Set(['car', 'truck', 'bus', 'motorcycle', 'bicycle', 'boat']);

/** The normalized type of a Frigate label. */
export function frigateLabelType(label: string): EventType {
  if (label === 'person' || label === 'face') return 'person_detected';
  if (vehicles.has(label) || label === 'license_plate') return 'vehicle_detected';
  return 'motion';
}

const epochIso = (seconds: number | null | undefined, fallback: string) =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : fallback;

/**
 * A Frigate `events` message: `new` is a detection (in its first zone, if any); `update` adds a
 * detection for each zone the object newly entered; `end` restores the camera's detection alarm.
 * Ids derive from Frigate's event id, so a redelivered message is a duplicate.
 */
export function mapFrigateEvent(payload: Buffer, receivedAt: string): MqttMapping {
  const parsed = frigateEvent.safeParse(parseJson(payload));
  if (!parsed.success) return ignored('not a Frigate event');
  const { type, before, after } = parsed.data;
  if (after.false_positive === true) return ignored('false positive');
  const detected = frigateLabelType(after.label);
  const common = {
    source: 'frigate' as const,
    frigateCamera: after.camera,
    receivedAt,
    rawCode: after.label,
    details: {
      frigateEventId: after.id,
      camera: after.camera,
      label: after.label,
      score: after.top_score ?? after.score ?? null,
      zones: after.entered_zones ?? [],
    },
  };
  if (type === 'new') {
    return {
      kind: 'events',
      events: [
        {
          ...common,
          sourceEventId: `${after.id}:new`,
          type: detected,
          zone: after.current_zones?.[0] ?? null,
          occurredAt: epochIso(after.start_time, receivedAt),
        },
      ],
    };
  }
  if (type === 'update') {
    const seen = new Set(before?.entered_zones ?? []);
    const entered = (after.entered_zones ?? []).filter((zone) => !seen.has(zone));
    if (entered.length === 0) return ignored('no new zone');
    return {
      kind: 'events',
      events: entered.map((zone) => ({
        ...common,
        sourceEventId: `${after.id}:zone:${zone}`,
        type: detected,
        zone,
        occurredAt: receivedAt,
      })),
    };
  }
  return {
    kind: 'events',
    events: [
      {
        ...common,
        sourceEventId: `${after.id}:end`,
        type: 'restore',
        restoreOf: detected,
        occurredAt: epochIso(after.end_time, receivedAt),
      },
    ],
  };
}

// ------------------------------------------------------------------ Zigbee2MQTT

/** Boolean attributes of Zigbee2MQTT devices that are security conditions, and when they are active. */
const zigbeeAttributes: { attribute: string; type: EventType; activeWhen: boolean }[] = [
  // contact: true means closed; an opening on a door or window contact is an intrusion zone.
  { attribute: 'contact', type: 'intrusion', activeWhen: false },
  { attribute: 'occupancy', type: 'motion', activeWhen: true },
  { attribute: 'tamper', type: 'tamper', activeWhen: true },
  { attribute: 'battery_low', type: 'battery_low', activeWhen: true },
  { attribute: 'water_leak', type: 'water', activeWhen: true },
  { attribute: 'smoke', type: 'fire', activeWhen: true },
  { attribute: 'gas', type: 'gas', activeWhen: true },
];

/**
 * Zigbee2MQTT publishes a device's whole state on every change, so conditions are found by
 * comparing with the last state seen: a flip to active is an event, a flip back is its restore.
 * After a restart the first state is taken as news (an inactive condition becomes a restore,
 * which clears a trouble or alarm left open while Vigil was down, and is harmless otherwise).
 */
export class ZigbeeTracker {
  private readonly last = new Map<string, Map<string, boolean>>();
  private sequence = 0;

  /** Maps `<base>/<name>` and `<base>/<name>/availability` messages; other topics are ignored. */
  map(baseTopic: string, topic: string, payload: Buffer, receivedAt: string): MqttMapping {
    const rest = topic.slice(baseTopic.length + 1);
    if (rest === '' || rest.startsWith('bridge/') || rest === 'bridge') return ignored('bridge topic');
    if (/\/(set|get)(\/.*)?$/.test(rest)) return ignored('command topic');
    if (rest.endsWith('/availability'))
      return this.availability(rest.slice(0, -'/availability'.length), payload, receivedAt);
    const state = parseJson(payload);
    if (typeof state !== 'object' || state === null || Array.isArray(state))
      return ignored('not a state object');
    const events: IngestEventInput[] = [];
    for (const { attribute, type, activeWhen } of zigbeeAttributes) {
      const value: unknown = Reflect.get(state, attribute);
      if (typeof value !== 'boolean') continue;
      if (!this.changed(rest, attribute, value)) continue;
      const active = value === activeWhen;
      events.push({
        source: 'zigbee2mqtt',
        sourceEventId: this.nextId(rest, attribute, value, receivedAt),
        zigbeeName: rest,
        type: active ? type : 'restore',
        restoreOf: active ? null : type,
        rawCode: `${attribute}:${String(value)}`,
        occurredAt: receivedAt,
        receivedAt,
      });
    }
    return events.length > 0 ? { kind: 'events', events } : ignored('no change');
  }

  private availability(name: string, payload: Buffer, receivedAt: string): MqttMapping {
    const text = payload.toString('utf8').trim();
    const parsed = parseJson(payload);
    const state: unknown =
      typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'state') : text;
    if (state !== 'online' && state !== 'offline') return ignored('unknown availability');
    const online = state === 'online';
    if (!this.changed(name, '$availability', online)) return ignored('no change');
    return {
      kind: 'events',
      events: [
        {
          source: 'zigbee2mqtt',
          sourceEventId: this.nextId(name, 'availability', online, receivedAt),
          zigbeeName: name,
          type: online ? 'restore' : 'communication_lost',
          restoreOf: online ? 'communication_lost' : null,
          rawCode: `availability:${state}`,
          occurredAt: receivedAt,
          receivedAt,
          details: online ? null : { reason: 'availability' },
        },
      ],
    };
  }

  private changed(name: string, attribute: string, value: boolean): boolean {
    let device = this.last.get(name);
    if (!device) {
      device = new Map();
      this.last.set(name, device);
    }
    if (device.get(attribute) === value) return false;
    device.set(attribute, value);
    return true;
  }

  // Zigbee2MQTT messages carry no id: the id is the state change and when it was received.
  private nextId(name: string, attribute: string, value: boolean, receivedAt: string): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return `${name}:${attribute}:${String(value)}:${receivedAt}:${this.sequence}`;
  }
}

// ------------------------------------------------------------------ Vigil's own topic

const vigilMqttEvent = z.object({
  id: z.string().trim().min(1).max(200),
  type: eventTypeSchema,
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  zone: z.string().trim().max(100).optional(),
  code: z.string().trim().max(100).optional(),
  restoreOf: eventTypeSchema.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** `<prefix>/<externalId>` with one JSON event `{ id, type, occurredAt?, zone?, code?, restoreOf?, details? }`. */
export function mapVigilEvent(
  prefix: string,
  topic: string,
  payload: Buffer,
  receivedAt: string,
): MqttMapping {
  const externalId = topic.slice(prefix.length + 1);
  if (externalId === '' || externalId.length > 200) return ignored('no external id in the topic');
  const parsed = vigilMqttEvent.safeParse(parseJson(payload));
  if (!parsed.success) return ignored('not a Vigil event');
  const event = parsed.data;
  return {
    kind: 'events',
    events: [
      {
        source: 'mqtt',
        // Scoped by device: two senders numbering their events alike cannot collide.
        sourceEventId: `${event.id}@${externalId}`,
        externalId,
        type: event.type,
        restoreOf: event.restoreOf ?? null,
        rawCode: event.code ?? null,
        zone: event.zone ?? null,
        occurredAt: event.occurredAt ?? receivedAt,
        receivedAt,
        details: event.details ?? null,
      },
    ],
  };
}

/** Routes a message to its mapper by topic. */
export function mapMqttMessage(
  topics: MqttTopics,
  zigbee: ZigbeeTracker,
  topic: string,
  payload: Buffer,
  receivedAt: string,
): MqttMapping {
  if (topic === `${topics.frigate}/events`) return mapFrigateEvent(payload, receivedAt);
  if (topic === `${topics.frigate}/available`) {
    const text = payload.toString('utf8').trim();
    return text === 'online' || text === 'offline'
      ? { kind: 'frigate-availability', online: text === 'online' }
      : ignored('unknown availability');
  }
  if (topic.startsWith(`${topics.events}/`)) return mapVigilEvent(topics.events, topic, payload, receivedAt);
  if (topic.startsWith(`${topics.zigbee2mqtt}/`))
    return zigbee.map(topics.zigbee2mqtt, topic, payload, receivedAt);
  return ignored('unknown topic');
}
