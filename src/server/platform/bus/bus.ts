/**
 * A publish/subscribe bus for real-time fan-out (live alarm streams). In one process it is an
 * in-memory emitter; with several app nodes it is NATS, so a message published on one node
 * reaches subscribers on every node. Messages are JSON values; subscribers validate what they get.
 * Delivery is best effort (at most once): the bus carries notifications, never records — a client
 * that missed a message reloads the list from the database.
 */
export interface EventBus {
  readonly kind: 'memory' | 'nats';
  /** Publishes a JSON-serialisable message on a subject (dot-separated, e.g. `monitoring.alarms`). */
  publish(subject: string, message: unknown): void;
  /** Subscribes to a subject; returns the function that unsubscribes. */
  subscribe(subject: string, handler: (message: unknown) => void): () => void;
  /** Flushes pending messages and disconnects. */
  close(): Promise<void>;
}
