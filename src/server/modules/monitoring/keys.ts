import type { KeyEncoding } from '../../../contracts/monitoring.js';
import { openSecret, sealSecret, type SealScope } from '../../platform/secrets/sealed.js';

/*
 * DC-09 panel keys are secrets of record: a leaked database dump must not let anyone forge or read
 * a panel's encrypted messages. They are stored sealed (platform/secrets/sealed.ts) under the
 * key-encryption key `keys/device-keys.key` in the data directory, bound to their device.
 */

const scopeOf = (dataDir: string, deviceId: string): SealScope => ({
  dataDir,
  keyFile: 'device-keys.key',
  boundTo: `dc09:${deviceId}`,
});

/** Encrypts a device key for storage; the device id is bound in as associated data. */
export function sealDeviceKey(dataDir: string, deviceId: string, secret: string): string {
  return sealSecret(scopeOf(dataDir, deviceId), secret);
}

/** Decrypts a stored device key; null when it cannot be opened (another node's key file, tampering). */
export function openDeviceKey(dataDir: string, deviceId: string, stored: string): string | null {
  return openSecret(scopeOf(dataDir, deviceId), stored);
}

/** The raw AES key bytes of a DC-09 key written in the panel's convention (hex digits or ASCII). */
export function keyBytes(secret: string, encoding: KeyEncoding): Buffer {
  return encoding === 'hex' ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'latin1');
}
