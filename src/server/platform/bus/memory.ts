import type { EventBus } from './bus.js';

/** The in-process bus: one node, no network. Handlers run after the publisher's stack unwinds. */
export function createMemoryBus(): EventBus {
  const handlers = new Map<string, Set<(message: unknown) => void>>();
  return {
    kind: 'memory',
    publish(subject, message) {
      const subscribers = handlers.get(subject);
      if (!subscribers || subscribers.size === 0) return;
      // A round trip through JSON gives subscribers the same shape NATS would: no shared references.
      const copy: unknown = JSON.parse(JSON.stringify(message));
      for (const handler of subscribers) queueMicrotask(() => handler(copy));
    },
    subscribe(subject, handler) {
      let subscribers = handlers.get(subject);
      if (!subscribers) {
        subscribers = new Set();
        handlers.set(subject, subscribers);
      }
      subscribers.add(handler);
      return () => subscribers.delete(handler);
    },
    close() {
      handlers.clear();
      return Promise.resolve();
    },
  };
}
