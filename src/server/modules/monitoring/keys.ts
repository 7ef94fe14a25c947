import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { KeyEncoding } from '../../../contracts/monitoring.js';

/*
 * DC-09 panel keys are secrets of record: a leaked database dump must not let anyone forge or read
 * a panel's encrypted messages. They are stored encrypted (AES-256-GCM) under a key-encryption key
 * kept in the data directory (`keys/device-keys.key`, created on first use with mode 0600), never
 * in the database. Several app nodes on one PostgreSQL database must share that file.
 */

const VERSION = 'v1';
const cache = new Map<string, Buffer>();

function keyEncryptionKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'keys', 'device-keys.key');
  const cached = cache.get(file);
  if (cached) return cached;
  let key: Buffer;
  try {
    key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    key = randomBytes(32);
    try {
      // 'wx': when two processes race to create it, the loser reads the winner's key.
      fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch {
      key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
  cache.set(file, key);
  return key;
}

/** Encrypts a device key for storage; the device id is bound in as associated data. */
export function sealDeviceKey(dataDir: string, deviceId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey(dataDir), iv);
  cipher.setAAD(Buffer.from(`dc09:${deviceId}`));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    sealed.toString('base64url'),
  ].join('.');
}

/** Decrypts a stored device key; null when it cannot be opened (another node's key file, tampering). */
export function openDeviceKey(dataDir: string, deviceId: string, stored: string): string | null {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== VERSION || !iv || !tag || sealed === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey(dataDir), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`dc09:${deviceId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

/** The raw AES key bytes of a DC-09 key written in the panel's convention (hex digits or ASCII). */
export function keyBytes(secret: string, encoding: KeyEncoding): Buffer {
  return encoding === 'hex' ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'latin1');
}
