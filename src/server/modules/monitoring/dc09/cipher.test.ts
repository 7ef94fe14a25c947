import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptBlocks, encryptBlocks, keyCandidates, padFor } from './cipher.js';

describe('AES-CBC with a zero IV', () => {
  it('matches OpenSSL CBC for every key size, and decrypts back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc
          .integer({ min: 1, max: 12 })
          .chain((blocks) => fc.uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 })),
        (key, plain) => {
          const reference = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16)).setAutoPadding(
            false,
          );
          const expected = Buffer.concat([reference.update(plain), reference.final()]);
          const encrypted = encryptBlocks(key, plain);
          expect(encrypted.equals(expected)).toBe(true);
          expect(decryptBlocks(key, encrypted).equals(Buffer.from(plain))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('pad', () => {
  it('fills the region to a multiple of 16 (16 when already aligned) without | [ ]', () => {
    for (let length = 0; length < 64; length += 1) {
      const pad = padFor(length);
      expect((pad.length + length) % 16).toBe(0);
      expect(pad.length).toBeGreaterThanOrEqual(1);
      expect(pad.length).toBeLessThanOrEqual(16);
      expect([...pad].some((b) => b === 0x7c || b === 0x5b || b === 0x5d)).toBe(false);
    }
    expect(padFor(32)).toHaveLength(16);
  });
});

describe('key conventions', () => {
  it('reads hex and ASCII keys, both when the device does not say which', () => {
    const hex = '000102030405060708090A0B0C0D0E0F';
    expect(keyCandidates({ key: hex, encoding: 'hex' })).toEqual([Buffer.from(hex, 'hex')]);
    // 32 hex digits are also 32 ASCII characters: an AES-256 key under the other convention.
    expect(keyCandidates({ key: hex })).toEqual([Buffer.from(hex, 'hex'), Buffer.from(hex, 'latin1')]);
    expect(keyCandidates({ key: hex, encoding: 'ascii' })).toEqual([Buffer.from(hex, 'latin1')]);
    expect(keyCandidates({ key: 'sixteen-chars-ok' })).toEqual([Buffer.from('sixteen-chars-ok')]);
    expect(keyCandidates({ key: 'sixteen-chars-ok', encoding: 'hex' })).toEqual([]);
    expect(keyCandidates({ key: 'too short' })).toEqual([]);
    expect(keyCandidates({ key: 'sixteen-chårs-ok' })).toEqual([]);
    expect(keyCandidates(new Uint8Array(24))).toHaveLength(1);
  });
});
