import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mapFrigateEvent,
  mapMqttMessage,
  mapVigilEvent,
  ZigbeeTracker,
  type MqttTopics,
} from './mqtt-mapping.js';

const now = '2025-01-15T10:00:00.000Z';
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const topics: MqttTopics = { frigate: 'frigate', zigbee2mqtt: 'zigbee2mqtt', events: 'vigil/events' };

const frigateObject = {
  id: '1736935200.123-abc',
  camera: 'yard',
  label: 'person',
  score: 0.8,
  top_score: 0.86,
  false_positive: false,
  start_time: 1736935200.123,
  end_time: null,
  current_zones: ['fence'],
  entered_zones: ['fence'],
};

describe('Frigate events', () => {
  it('maps new detections, newly entered zones and ends', () => {
    const created = mapFrigateEvent(json({ type: 'new', before: frigateObject, after: frigateObject }), now);
    expect(created).toEqual({
      kind: 'events',
      events: [
        expect.objectContaining({
          source: 'frigate',
          sourceEventId: '1736935200.123-abc:new',
          frigateCamera: 'yard',
          type: 'person_detected',
          zone: 'fence',
          rawCode: 'person',
          occurredAt: '2025-01-15T10:00:00.123Z',
        }),
      ],
    });
    const moved = mapFrigateEvent(
      json({
        type: 'update',
        before: frigateObject,
        after: { ...frigateObject, entered_zones: ['fence', 'door'] },
      }),
      now,
    );
    expect(moved.kind === 'events' && moved.events.map((e) => [e.sourceEventId, e.zone])).toEqual([
      ['1736935200.123-abc:zone:door', 'door'],
    ]);
    expect(
      mapFrigateEvent(json({ type: 'update', before: frigateObject, after: frigateObject }), now).kind,
    ).toBe('ignored');
    const ended = mapFrigateEvent(
      json({ type: 'end', before: frigateObject, after: { ...frigateObject, label: 'car' } }),
      now,
    );
    expect(ended.kind === 'events' && ended.events[0]).toMatchObject({
      type: 'restore',
      restoreOf: 'vehicle_detected',
    });
    expect(
      mapFrigateEvent(json({ type: 'new', after: { ...frigateObject, false_positive: true } }), now).kind,
    ).toBe('ignored');
  });

  it('routes frigate/available', () => {
    const tracker = new ZigbeeTracker();
    expect(mapMqttMessage(topics, tracker, 'frigate/available', Buffer.from('offline'), now)).toEqual({
      kind: 'frigate-availability',
      online: false,
    });
  });
});

describe('Zigbee2MQTT', () => {
  it('turns state flips into events and restores, and ignores repeats', () => {
    const tracker = new ZigbeeTracker();
    const map = (state: unknown) =>
      mapMqttMessage(topics, tracker, 'zigbee2mqtt/back door', json(state), now);
    const first = map({ contact: false, tamper: false, battery: 90, linkquality: 100 });
    expect(first.kind === 'events' && first.events.map((e) => [e.type, e.restoreOf, e.zigbeeName])).toEqual([
      ['intrusion', null, 'back door'],
      ['restore', 'tamper', 'back door'],
    ]);
    expect(map({ contact: false, tamper: false, battery: 89 }).kind).toBe('ignored');
    const closed = map({ contact: true, tamper: true });
    expect(closed.kind === 'events' && closed.events.map((e) => [e.type, e.restoreOf])).toEqual([
      ['restore', 'intrusion'],
      ['tamper', null],
    ]);
    const occupancy = mapMqttMessage(
      topics,
      tracker,
      'zigbee2mqtt/hall/pir',
      json({ occupancy: true, battery_low: true }),
      now,
    );
    expect(occupancy.kind === 'events' && occupancy.events.map((e) => [e.type, e.zigbeeName])).toEqual([
      ['motion', 'hall/pir'],
      ['battery_low', 'hall/pir'],
    ]);
  });

  it('maps availability (JSON or plain) and ignores bridge and command topics', () => {
    const tracker = new ZigbeeTracker();
    const offline = tracker.map(
      'zigbee2mqtt',
      'zigbee2mqtt/gate/availability',
      json({ state: 'offline' }),
      now,
    );
    expect(offline.kind === 'events' && offline.events[0]).toMatchObject({
      type: 'communication_lost',
      zigbeeName: 'gate',
    });
    const online = tracker.map('zigbee2mqtt', 'zigbee2mqtt/gate/availability', Buffer.from('online'), now);
    expect(online.kind === 'events' && online.events[0]).toMatchObject({
      type: 'restore',
      restoreOf: 'communication_lost',
    });
    expect(tracker.map('zigbee2mqtt', 'zigbee2mqtt/bridge/state', json({ state: 'online' }), now).kind).toBe(
      'ignored',
    );
    expect(tracker.map('zigbee2mqtt', 'zigbee2mqtt/gate/set', json({ state: 'ON' }), now).kind).toBe(
      'ignored',
    );
  });
});

describe("Vigil's own topic", () => {
  it('maps one JSON event per message, addressed by the topic', () => {
    const mapped = mapVigilEvent(
      'vigil/events',
      'vigil/events/gate-7',
      json({ id: 'e1', type: 'door_held', zone: 'G' }),
      now,
    );
    expect(mapped.kind === 'events' && mapped.events[0]).toMatchObject({
      source: 'mqtt',
      sourceEventId: 'e1@gate-7',
      externalId: 'gate-7',
      type: 'door_held',
      zone: 'G',
      occurredAt: now,
    });
    expect(
      mapVigilEvent('vigil/events', 'vigil/events/gate-7', json({ id: 'e1', type: 'boom' }), now).kind,
    ).toBe('ignored');
  });

  it('never throws on arbitrary topics and payloads', () => {
    const tracker = new ZigbeeTracker();
    fc.assert(
      fc.property(
        fc.constantFrom(
          'frigate/events',
          'frigate/available',
          'zigbee2mqtt/x',
          'zigbee2mqtt/x/availability',
          'vigil/events/x',
          'other',
        ),
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        (topic, payload) => {
          const mapped = mapMqttMessage(topics, tracker, topic, Buffer.from(payload), now);
          expect(['events', 'ignored', 'frigate-availability']).toContain(mapped.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
