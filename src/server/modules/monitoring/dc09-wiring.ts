import type { EventType, IngestEventInput } from '../../../contracts/monitoring.js';
import type { AppContext } from '../../platform/context.js';
import { dc09Keys } from './dc09-keys.js';
import type { Dc09EventType } from './dc09/events.js';
import type { Dc09PipelineEvent } from './dc09/pipeline-adapter.js';
import { startDc09ReceiverThread, type ThreadedDc09Receiver } from './dc09/receiver-thread.js';
import { ingestEvents } from './ingest.js';

/** The normalized type of a DC-09 event, refined by its trouble or environmental condition. */
function typeOf(type: Dc09EventType, condition: unknown): EventType {
  switch (type) {
    case 'trouble':
      if (condition === 'ac_loss') return 'ac_loss';
      if (condition === 'low_battery') return 'battery_low';
      if (condition === 'communication') return 'communication_lost';
      return 'trouble';
    case 'environmental':
      if (condition === 'gas') return 'gas';
      if (condition === 'water') return 'water';
      return 'other';
    case 'bypass':
    case 'cancel':
      return 'other';
    default:
      return type;
  }
}

/**
 * Maps the receiver's events onto the monitoring pipeline's input. Receiver, prefix and user go
 * into `details`; a restore names what it restores (refined like the original trouble was).
 */
export function toIngestEvent(event: Dc09PipelineEvent): IngestEventInput {
  const details: Record<string, unknown> = { ...(event.details ?? {}) };
  if (event.receiver !== undefined) details.receiver = event.receiver;
  if (event.prefix !== undefined) details.prefix = event.prefix;
  if (event.user !== undefined) details.user = event.user;
  const condition = details.condition;
  const dc09Type = event.type as Dc09EventType;
  const linkTest = event.rawCode === 'NULL';
  const restores = typeof details.restores === 'string' ? (details.restores as Dc09EventType) : undefined;
  return {
    source: 'dc09',
    sourceEventId: event.sourceEventId,
    account: event.account,
    occurredAt: event.occurredAt,
    receivedAt: event.receivedAt,
    type: linkTest ? 'test' : typeOf(dc09Type, condition),
    restoreOf: restores === undefined ? null : typeOf(restores, condition),
    rawCode: event.rawCode,
    zone: event.zone ?? null,
    details,
  };
}

/**
 * Starts the SIA DC-09 receiver when VIGIL_DC09_PORT is set, on a thread of its own: keys from the
 * device registry (held in memory, handed to the thread again on change), and each batch committed
 * through the ingestion pipeline on the main thread before the receiver acknowledges any frame of it.
 */
export async function startDc09(ctx: AppContext): Promise<ThreadedDc09Receiver | undefined> {
  const port = ctx.config.VIGIL_DC09_PORT;
  if (port === undefined) return undefined;
  const keys = dc09Keys(ctx);
  return startDc09ReceiverThread({
    port,
    host: ctx.config.HOST,
    keys: () => keys.entries(),
    onKeysChanged: (listener) => keys.onChange(listener),
    commit: async (events) => {
      await ingestEvents(ctx, events.map(toIngestEvent));
    },
    logger: ctx.logger.child({ component: 'dc09' }),
    limits: { maxConnectionsPerAddress: ctx.config.VIGIL_DC09_MAX_CONNECTIONS_PER_ADDRESS },
  });
}
