import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { IngestEventInput } from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { nowIso } from '../../platform/ids.js';
import { frigateDeviceIds } from './devices.repository.js';
import { ingestEvents } from './ingest.js';
import { mapMqttMessage, ZigbeeTracker, type MqttTopics } from './mqtt-mapping.js';

/*
 * MQTT ingestion (VIGIL_MQTT_URL): Frigate NVR, Zigbee2MQTT and Vigil's own event topic.
 *
 * Subscriptions are shared (`$share/vigil/…`): with several app nodes each message is handled by
 * one of them. QoS 1 messages are acknowledged to the broker only after their events are
 * committed, which also means one node handles QoS 1 messages one at a time; QoS 0 messages
 * (Zigbee2MQTT's default) are at most once by definition and go through the pipeline's group
 * commit without holding up the connection. The session is clean: a broker does not keep
 * messages for Vigil while it is down.
 */

export interface MqttIngest {
  client: MqttClient;
  /** Resolves once connected and subscribed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Connects to the broker and feeds its messages into the ingestion pipeline. */
export function startMqttIngest(ctx: AppContext, url: string): MqttIngest {
  const topics: MqttTopics = {
    frigate: ctx.config.VIGIL_MQTT_FRIGATE_TOPIC,
    zigbee2mqtt: ctx.config.VIGIL_MQTT_Z2M_TOPIC,
    events: ctx.config.VIGIL_MQTT_EVENTS_TOPIC,
  };
  const zigbee = new ZigbeeTracker();
  const log = ctx.logger.child({ component: 'mqtt' });

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const receivedAt = nowIso();
    const mapped = mapMqttMessage(topics, zigbee, topic, payload, receivedAt);
    let events: IngestEventInput[];
    if (mapped.kind === 'events') events = mapped.events;
    else if (mapped.kind === 'frigate-availability') {
      // Frigate itself went away or came back: every camera it serves is unreachable or back.
      const ids = await frigateDeviceIds(ctx.database.db);
      events = ids.map((deviceId) => ({
        source: 'frigate',
        sourceEventId: `available:${deviceId}:${mapped.online ? 'online' : 'offline'}:${receivedAt}`,
        deviceId,
        type: mapped.online ? 'restore' : 'communication_lost',
        restoreOf: mapped.online ? 'communication_lost' : null,
        rawCode: `available:${mapped.online ? 'online' : 'offline'}`,
        occurredAt: receivedAt,
        receivedAt,
        details: mapped.online ? null : { reason: 'frigate unavailable' },
      }));
    } else {
      log.debug({ topic, reason: mapped.reason }, 'ignored an MQTT message');
      return;
    }
    await ingestEvents(ctx, events);
  };

  const failed = (topic: string) => (error: unknown) =>
    log.error({ err: error, topic }, 'could not ingest an MQTT message');

  const client = mqtt.connect(url, {
    clientId: `vigil-${randomBytes(6).toString('hex')}`,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  // mqtt.js sends a QoS 1/2 acknowledgement only once handleMessage calls back: call back after
  // the commit. QoS 0 has no acknowledgement to hold, so it goes straight to the group commit.
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const work = handle(packet.topic, payload).catch(failed(packet.topic));
    if (packet.qos === 0) callback();
    else void work.then(() => callback());
  };
  client.on('error', (error) => log.warn({ err: error }, 'MQTT error'));
  client.on('offline', () => log.warn('MQTT broker unreachable; reconnecting'));

  const filters = [
    `${topics.frigate}/events`,
    `${topics.frigate}/available`,
    `${topics.zigbee2mqtt}/#`,
    `${topics.events}/#`,
  ].map((filter) => `$share/vigil/${filter}`);

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`VIGIL_MQTT_URL: cannot connect to ${redact(url)}`)),
      15_000,
    );
    client.on('connect', () => {
      // Subscribing again on every (re)connect: a clean session forgets subscriptions.
      client.subscribe(filters, { qos: 1 }, (error) => {
        if (error) {
          log.error({ err: error }, 'MQTT subscription failed');
          reject(error);
          return;
        }
        clearTimeout(timer);
        log.info({ filters }, 'subscribed to MQTT topics');
        resolve();
      });
    });
  });
  // A rejection nobody awaits must not crash the process; callers that care await `ready`.
  ready.catch(() => undefined);

  return {
    client,
    ready,
    close: () => client.endAsync().then(() => undefined),
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return parsed.toString();
  } catch {
    return 'the broker';
  }
}
