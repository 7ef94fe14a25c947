import { connect, Events, type NatsConnection } from 'nats';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';

const SUBJECT_PREFIX = 'vigil.';

/**
 * The bus over NATS core publish/subscribe. Every node subscribes to the same subjects, and a
 * node receives its own messages through the server too, so local and remote subscribers see one
 * ordered path. NATS reconnects by itself; messages published while disconnected are buffered by
 * the client.
 */
export async function createNatsBus(url: string, logger: Logger): Promise<EventBus> {
  let connection: NatsConnection;
  try {
    connection = await connect({
      servers: url,
      name: 'vigil',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
  } catch (error) {
    throw new Error(`VIGIL_NATS_URL: cannot connect to NATS (${String(error)})`, { cause: error });
  }
  void (async () => {
    for await (const status of connection.status()) {
      if (
        status.type === Events.Disconnect ||
        status.type === Events.Reconnect ||
        status.type === Events.Error
      )
        logger.warn({ nats: status.type }, 'NATS connection status changed');
    }
  })();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    kind: 'nats',
    publish(subject, message) {
      connection.publish(SUBJECT_PREFIX + subject, encoder.encode(JSON.stringify(message)));
    },
    subscribe(subject, handler) {
      const subscription = connection.subscribe(SUBJECT_PREFIX + subject, {
        callback: (error, message) => {
          if (error) {
            logger.warn({ err: error, subject }, 'NATS subscription error');
            return;
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(decoder.decode(message.data));
          } catch {
            logger.warn({ subject }, 'ignored a NATS message that is not JSON');
            return;
          }
          handler(parsed);
        },
      });
      return () => subscription.unsubscribe();
    },
    async close() {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}
