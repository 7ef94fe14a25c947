import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A per-account AES key as installers type it. Panels differ: some take the key as hex digits
 * (32/48/64 of them for AES-128/192/256), others as the ASCII characters themselves (16/24/32).
 * `encoding` is what the device record says; when absent both readings are tried and the one
 * that decrypts to a well-formed message wins.
 */
export interface Dc09Key {
  key: string;
  encoding?: 'hex' | 'ascii' | undefined;
}

const ZERO_IV = Buffer.alloc(16);
const HEX_KEY = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/;

/** The AES key bytes a configured key may stand for, most likely first; empty when unusable. */
export function keyCandidates(key: Dc09Key | Uint8Array): Buffer[] {
  if (key instanceof Uint8Array) return [16, 24, 32].includes(key.length) ? [Buffer.from(key)] : [];
  const out: Buffer[] = [];
  if (key.encoding !== 'ascii' && HEX_KEY.test(key.key)) out.push(Buffer.from(key.key, 'hex'));
  const ascii = Buffer.from(key.key, 'latin1');
  if (key.encoding !== 'hex' && [16, 24, 32].includes(ascii.length) && ascii.toString('latin1') === key.key) {
    out.push(ascii);
  }
  return out;
}

function algorithm(key: Uint8Array): string {
  return `aes-${key.length * 8}-cbc`;
}

/** AES-CBC with the all-zero IV DC-09 prescribes; input must already be a multiple of 16 bytes. */
export function encryptBlocks(key: Uint8Array, plain: Uint8Array): Buffer {
  const cipher = createCipheriv(algorithm(key), key, ZERO_IV).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

/** Inverse of encryptBlocks; input must be a non-empty multiple of 16 bytes. */
export function decryptBlocks(key: Uint8Array, encrypted: Uint8Array): Buffer {
  const decipher = createDecipheriv(algorithm(key), key, ZERO_IV).setAutoPadding(false);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

const PAD_FORBIDDEN = new Set([0x7c, 0x5b, 0x5d]); // '|', '[', ']'

/**
 * Pseudo-random pad bytes (DC-09 §5.4.4): any byte except '|', '[' and ']', as many as bring the
 * encrypted region to a multiple of 16 — 16 when it already is one.
 */
export function padFor(regionLength: number): Buffer {
  const count = 16 - (regionLength % 16);
  const pad = randomBytes(count);
  for (let i = 0; i < pad.length; i += 1) {
    while (PAD_FORBIDDEN.has(pad[i] ?? 0)) pad[i] = randomBytes(1)[0] ?? 0x30;
  }
  return pad;
}
