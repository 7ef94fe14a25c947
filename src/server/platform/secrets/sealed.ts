import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/*
 * Secrets of record that Vigil must use again in clear (DC-09 panel keys, webhook signing
 * secrets), stored so that a leaked database dump does not give them away: AES-256-GCM under a
 * key-encryption key kept in the data directory (`keys/<file>`, created on first use with mode
 * 0600), never in the database. The record's identity is bound in as associated data, so a sealed
 * value copied onto another record does not open. Several app nodes on one PostgreSQL database
 * must share the `keys` directory; backups carry it.
 */

const VERSION = 'v1';
const cache = new Map<string, Buffer>();

function keyEncryptionKey(dataDir: string, keyFile: string): Buffer {
  const file = path.join(dataDir, 'keys', keyFile);
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

/** Where a sealed secret's key lives and what it is bound to. */
export interface SealScope {
  dataDir: string;
  /** The key-encryption key's file name under `keys/`. */
  keyFile: string;
  /** The record the secret belongs to, e.g. `dc09:<deviceId>`. */
  boundTo: string;
}

/** Encrypts a secret for storage: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealSecret(scope: SealScope, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey(scope.dataDir, scope.keyFile), iv);
  cipher.setAAD(Buffer.from(scope.boundTo));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    sealed.toString('base64url'),
  ].join('.');
}

/** Whether a stored value is in the sealed form (older rows may hold a secret in clear). */
export const isSealed = (stored: string): boolean => stored.startsWith(`${VERSION}.`);

/** Decrypts a stored secret; null when it cannot be opened (another node's key file, tampering). */
export function openSecret(scope: SealScope, stored: string): string | null {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== VERSION || !iv || !tag || sealed === undefined) return null;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyEncryptionKey(scope.dataDir, scope.keyFile),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(scope.boundTo));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}
