import type { AppContext } from '../../platform/context.js';
import { dc09KeyRows } from './devices.repository.js';
import { keyBytes, openDeviceKey } from './keys.js';

/*
 * The DC-09 receiver decrypts every `*` frame with its account's key and must not wait on the
 * database for it: it reads this in-memory copy of the registry's keys. The copy is loaded at
 * start, reloaded when a device changes (on this node directly, on the others through the bus)
 * and every minute as a safety net.
 */

const DEVICES_CHANGED = 'monitoring.devices';
const REFRESH_MS = 60_000;

export interface Dc09KeyStore {
  /** The raw AES key of an account, or undefined (unknown account, no key, key not openable). */
  get(account: string): Uint8Array | undefined;
  /** Every account's key (the receiver thread holds its own copy). */
  entries(): [string, Uint8Array][];
  /** Called after each reload that changed the keys; answers the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Reloads the keys from the database. */
  refresh(): Promise<void>;
  close(): void;
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);

const stores = new WeakMap<AppContext, Dc09KeyStore>();

/** The key store of a running server (created on first use). */
export function dc09Keys(ctx: AppContext): Dc09KeyStore {
  const existing = stores.get(ctx);
  if (existing) return existing;
  let keys = new Map<string, Uint8Array>();
  const listeners = new Set<() => void>();
  let loading: Promise<void> | null = null;
  const refresh = () => {
    loading ??= (async () => {
      try {
        const next = new Map<string, Uint8Array>();
        for (const row of await dc09KeyRows(ctx.database.db)) {
          if (row.dc09_account === null || row.dc09_key === null) continue;
          const secret = openDeviceKey(ctx.config.dataDir, row.id, row.dc09_key);
          if (secret === null) {
            ctx.logger.error(
              { deviceId: row.id },
              'cannot open the stored DC-09 key: is keys/device-keys.key the same on every node?',
            );
            continue;
          }
          next.set(row.dc09_account, keyBytes(secret, row.dc09_key_encoding === 'ascii' ? 'ascii' : 'hex'));
        }
        const changed =
          next.size !== keys.size || [...next].some(([account, key]) => !sameBytes(keys.get(account), key));
        keys = next;
        if (changed) for (const listener of listeners) listener();
      } finally {
        loading = null;
      }
    })();
    return loading;
  };
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not reload DC-09 keys'));
  }, REFRESH_MS);
  timer.unref();
  const unsubscribe = ctx.bus?.subscribe(DEVICES_CHANGED, () => {
    refresh().catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not reload DC-09 keys'));
  });
  const store: Dc09KeyStore = {
    get: (account) => keys.get(account),
    entries: () => [...keys],
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    close: () => {
      clearInterval(timer);
      unsubscribe?.();
      listeners.clear();
      stores.delete(ctx);
    },
  };
  stores.set(ctx, store);
  return store;
}

/** Tells every node's key store that the device registry changed. */
export function devicesChanged(ctx: AppContext): void {
  if (ctx.bus) ctx.bus.publish(DEVICES_CHANGED, { at: new Date().toISOString() });
  else
    stores
      .get(ctx)
      ?.refresh()
      .catch(() => undefined);
}

/** Closes the key store of a server that stops. */
export function closeDc09Keys(ctx: AppContext): void {
  stores.get(ctx)?.close();
}
