import { createCipheriv, createDecipheriv, randomBytes, type Cipher, type Decipher } from 'node:crypto';

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
const PRINTABLE_ASCII = /^[ -~]+$/;
const HEX_KEY = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/;

/** The AES key bytes a configured key may stand for, most likely first; empty when unusable. */
export function keyCandidates(key: Dc09Key | Uint8Array): Buffer[] {
  if (key instanceof Uint8Array) return [16, 24, 32].includes(key.length) ? [Buffer.from(key)] : [];
  // The key registry hands out the same object for an account every time: decode it once.
  const cached = decodedKeys.get(key);
  if (cached && cached.source === key.key && cached.encoding === key.encoding) return cached.candidates;
  const candidates = decodeKey(key);
  decodedKeys.set(key, { source: key.key, encoding: key.encoding, candidates });
  return candidates;
}

const decodedKeys = new WeakMap<
  Dc09Key,
  { source: string; encoding: Dc09Key['encoding']; candidates: Buffer[] }
>();

function decodeKey(key: Dc09Key): Buffer[] {
  const out: Buffer[] = [];
  if (key.encoding !== 'ascii' && HEX_KEY.test(key.key)) out.push(Buffer.from(key.key, 'hex'));
  if (key.encoding !== 'hex' && PRINTABLE_ASCII.test(key.key) && [16, 24, 32].includes(key.key.length)) {
    out.push(Buffer.from(key.key, 'ascii'));
  }
  return out;
}

function algorithm(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  return `aes-${key.length * 8}-${mode}`;
}

// Creating an OpenSSL cipher context costs more than decrypting a whole frame, so each key keeps
// one long-lived ECB context per direction and the CBC chaining (zero IV) is done here. ECB with
// padding off keeps no state between update() calls on whole blocks, so a context is reusable.
interface Contexts {
  encrypt: Cipher;
  decrypt: Decipher;
}
const contexts = new Map<string, Contexts>();
const MAX_CONTEXTS = 4096;

const contextsByKeyObject = new WeakMap<Uint8Array, Contexts>();

function contextsFor(key: Uint8Array): Contexts {
  const known = contextsByKeyObject.get(key);
  if (known) return known;
  const id = Buffer.from(key).toString('hex');
  let found = contexts.get(id);
  if (!found) {
    if (contexts.size >= MAX_CONTEXTS) contexts.clear();
    found = {
      encrypt: createCipheriv(algorithm(key, 'ecb'), key, null).setAutoPadding(false),
      decrypt: createDecipheriv(algorithm(key, 'ecb'), key, null).setAutoPadding(false),
    };
    contexts.set(id, found);
  }
  contextsByKeyObject.set(key, found);
  return found;
}

function xorInto(target: Buffer, at: number, mask: Uint8Array, maskAt: number): void {
  for (let i = 0; i < 16; i += 1) target[at + i] = (target[at + i] ?? 0) ^ (mask[maskAt + i] ?? 0);
}

/** AES-CBC with the all-zero IV DC-09 prescribes; input must already be a multiple of 16 bytes. */
export function encryptBlocks(key: Uint8Array, plain: Uint8Array): Buffer {
  if (plain.length % 16 !== 0) throw new RangeError('AES-CBC input must be whole 16-byte blocks');
  const { encrypt } = contextsFor(key);
  const out = Buffer.alloc(plain.length);
  const block = Buffer.alloc(16);
  for (let at = 0; at < plain.length; at += 16) {
    block.set(plain.subarray(at, at + 16));
    if (at > 0) xorInto(block, 0, out, at - 16);
    const encrypted = encrypt.update(block);
    if (encrypted.length !== 16) return encryptBlocksSlow(key, plain);
    encrypted.copy(out, at);
  }
  return out;
}

/** Inverse of encryptBlocks; input must be a non-empty multiple of 16 bytes. */
export function decryptBlocks(key: Uint8Array, encrypted: Uint8Array): Buffer {
  if (encrypted.length % 16 !== 0) throw new RangeError('AES-CBC input must be whole 16-byte blocks');
  const plain = contextsFor(key).decrypt.update(encrypted);
  if (plain.length !== encrypted.length) return decryptBlocksSlow(key, encrypted);
  for (let at = plain.length - 16; at >= 16; at -= 16) xorInto(plain, at, encrypted, at - 16);
  return plain;
}

// The plain OpenSSL CBC path, used should a context ever return a short block.
function encryptBlocksSlow(key: Uint8Array, plain: Uint8Array): Buffer {
  const cipher = createCipheriv(algorithm(key, 'cbc'), key, ZERO_IV).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

function decryptBlocksSlow(key: Uint8Array, encrypted: Uint8Array): Buffer {
  const decipher = createDecipheriv(algorithm(key, 'cbc'), key, ZERO_IV).setAutoPadding(false);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

const PAD_FORBIDDEN = new Set([0x7c, 0x5b, 0x5d]); // '|', '[', ']'

// Pad bytes stand in for the IV that DC-09 fixes at zero, so they come from the CSPRNG; a pool
// keeps that to one system call per few hundred frames.
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomPadByte(): number {
  for (;;) {
    if (poolAt >= pool.length) {
      pool = randomBytes(4096);
      poolAt = 0;
    }
    const byte = pool[poolAt] ?? 0x30;
    poolAt += 1;
    if (!PAD_FORBIDDEN.has(byte)) return byte;
  }
}

/**
 * Pseudo-random pad bytes (DC-09 §5.4.4): any byte except '|', '[' and ']', as many as bring the
 * encrypted region to a multiple of 16 — 16 when it already is one.
 */
export function padFor(regionLength: number): Buffer {
  const pad = Buffer.alloc(16 - (regionLength % 16));
  for (let i = 0; i < pad.length; i += 1) pad[i] = randomPadByte();
  return pad;
}
