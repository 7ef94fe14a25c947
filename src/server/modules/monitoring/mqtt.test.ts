import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../contracts/sites.js';
import { dialects, makeSite, startTestServer, type TestEnv } from '../../test/harness.js';
import { eventually, makeDevice, tag } from '../../test/monitoring.js';
import { mqttIngestOf } from './index.js';

/** Against the real Mosquitto broker (127.0.0.1:1883), with topic prefixes unique to this run. */
describe.each(dialects)('MQTT ingestion (%s)', (dialect) => {
  let t: TestEnv;
  let site: Site;
  let publisher: MqttClient;
  const prefix = `vigil-test-${tag()}`;
  const topics = { frigate: `${prefix}/frigate`, z2m: `${prefix}/z2m`, events: `${prefix}/vigil/events` };
  const db = () => t.server.ctx.database.db;
  const publish = (topic: string, payload: unknown, qos: 0 | 1 = 1) =>
    publisher.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos });
  const alarmOf = (deviceId: string, type: string) =>
    eventually(() =>
      db()
        .selectFrom('monitoring_alarms')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('type', '=', type)
        .executeTakeFirst(),
    );
  const statusOf = async (deviceId: string) =>
    (
      await db()
        .selectFrom('monitoring_devices')
        .select('status')
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow()
    ).status;

  beforeAll(async () => {
    t = await startTestServer(dialect, {
      VIGIL_MQTT_URL: 'mqtt://127.0.0.1:1883',
      VIGIL_MQTT_FRIGATE_TOPIC: topics.frigate,
      VIGIL_MQTT_Z2M_TOPIC: topics.z2m,
      VIGIL_MQTT_EVENTS_TOPIC: topics.events,
    });
    site = await makeSite(t);
    await mqttIngestOf(t.server.ctx)?.ready;
    publisher = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `vigil-test-pub-${tag()}` });
  });
  afterAll(async () => {
    await publisher.endAsync();
    await t.close();
  });

  it('Frigate: a person detection raises an alarm on the mapped camera, its end restores it', async () => {
    const camera = await makeDevice(t, site, { kind: 'camera', frigate: { camera: `yard-${tag()}` } });
    const object = {
      id: `${Date.now() / 1000}-${tag()}`,
      camera: camera.frigate?.camera,
      label: 'person',
      score: 0.81,
      top_score: 0.9,
      false_positive: false,
      start_time: Date.now() / 1000,
      end_time: null,
      current_zones: ['driveway'],
      entered_zones: ['driveway'],
    };
    await publish(`${topics.frigate}/events`, { type: 'new', before: object, after: object });
    const alarm = await alarmOf(camera.id, 'person_detected');
    expect(alarm).toMatchObject({ zone: 'driveway', code: 'person', count: 1, priority: 3 });
    // A redelivered message is a duplicate, not a second detection.
    await publish(`${topics.frigate}/events`, { type: 'new', before: object, after: object });
    await publish(`${topics.frigate}/events`, {
      type: 'end',
      before: object,
      after: { ...object, end_time: Date.now() / 1000 },
    });
    const restored = await eventually(async () => {
      const row = await alarmOf(camera.id, 'person_detected');
      return row.restored_at === null ? undefined : row;
    });
    expect(restored.count).toBe(1);
    expect(await statusOf(camera.id)).toBe('online');
  });

  it('Frigate: frigate/available offline takes its cameras offline, online brings them back', async () => {
    const camera = await makeDevice(t, site, { kind: 'camera', frigate: { camera: `gate-${tag()}` } });
    await publish(`${topics.frigate}/available`, 'offline');
    await eventually(async () => ((await statusOf(camera.id)) === 'offline' ? true : undefined));
    await alarmOf(camera.id, 'communication_lost');
    await publish(`${topics.frigate}/available`, 'online');
    await eventually(async () => ((await statusOf(camera.id)) === 'online' ? true : undefined));
  });

  it('Zigbee2MQTT: contact, tamper and availability of a named sensor (QoS 0 as Zigbee2MQTT sends)', async () => {
    const name = `back door ${tag()}`;
    const sensor = await makeDevice(t, site, { kind: 'door', zigbee2mqtt: { name } });
    await publish(
      `${topics.z2m}/${name}`,
      { contact: false, tamper: false, battery: 80, linkquality: 90 },
      0,
    );
    await alarmOf(sensor.id, 'intrusion');
    await publish(`${topics.z2m}/${name}`, { contact: true, tamper: true, battery: 80 }, 0);
    await eventually(async () => ((await statusOf(sensor.id)) === 'trouble' ? true : undefined));
    await alarmOf(sensor.id, 'tamper');
    await publish(`${topics.z2m}/${name}/availability`, { state: 'offline' }, 0);
    await eventually(async () => ((await statusOf(sensor.id)) === 'offline' ? true : undefined));
    await publish(`${topics.z2m}/${name}/availability`, { state: 'online' }, 0);
    // Back, but the tamper condition still stands.
    await eventually(async () => ((await statusOf(sensor.id)) === 'trouble' ? true : undefined));
  });

  it("Vigil's own topic: one JSON event per message, and unknown senders raise an unregistered alarm", async () => {
    const gate = await makeDevice(t, site, { kind: 'access_controller' });
    await publish(`${topics.events}/${gate.externalId}`, { id: 'held-1', type: 'door_held', zone: 'G1' });
    const alarm = await alarmOf(gate.id, 'door_held');
    expect(alarm).toMatchObject({ zone: 'G1', priority: 3 });
    const stranger = `stranger-${tag()}`;
    await publish(`${topics.events}/${stranger}`, { id: 'x', type: 'intrusion' });
    await eventually(() =>
      db().selectFrom('monitoring_alarms').select('id').where('code', '=', stranger).executeTakeFirst(),
    );
    // Malformed messages are dropped without harm.
    await publish(`${topics.events}/${gate.externalId}`, 'not json');
    await publish(`${topics.events}/${gate.externalId}`, { id: 'held-2', type: 'door_held', zone: 'G2' });
    await eventually(() =>
      db()
        .selectFrom('monitoring_alarms')
        .select('id')
        .where('device_id', '=', gate.id)
        .where('zone', '=', 'G2')
        .executeTakeFirst(),
    );
  });
});
