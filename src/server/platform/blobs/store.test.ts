import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, BlobTooLargeError } from './store.js';

describe('blob store', () => {
  let root: string;
  let store: BlobStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-blobs-'));
    store = new BlobStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const chunks = (bytes: Buffer, size = 7919) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      })(),
    );

  it('stores bytes under their SHA-256, read-only, and hashes them while streaming', async () => {
    const bytes = randomBytes(200_000);
    const stored = await store.put(chunks(bytes));
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect(stored).toEqual({ sha256: hash, size: bytes.length, created: true });
    const file = path.join(root, 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(store.pathOf(hash)).toBe(file);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o400);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(await store.rehash(hash)).toEqual({ sha256: hash, size: bytes.length });
  });

  it('is write-once: the same content again leaves the stored file untouched', async () => {
    const bytes = randomBytes(1000);
    const first = await store.put(chunks(bytes));
    const before = fs.statSync(store.pathOf(first.sha256));
    const second = await store.put(chunks(bytes));
    expect(second).toEqual({ ...first, created: false });
    const after = fs.statSync(store.pathOf(first.sha256));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('stops past the limit and keeps nothing', async () => {
    await expect(store.put(chunks(randomBytes(10_001)), 10_000)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'sha256'))).toBe(false);
    const exact = await store.put(chunks(randomBytes(10_000)), 10_000);
    expect(exact.size).toBe(10_000);
  });

  it('detects a changed or missing file on rehash', async () => {
    const stored = await store.put(chunks(Buffer.from('original evidence')));
    const file = store.pathOf(stored.sha256);
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'original evidencE');
    expect((await store.rehash(stored.sha256))?.sha256).not.toBe(stored.sha256);
    await store.remove(stored.sha256);
    expect(await store.rehash(stored.sha256)).toBeNull();
    expect(await store.has(stored.sha256)).toBe(false);
  });

  it('refuses anything but a hex digest as a name', () => {
    expect(() => store.pathOf('../../etc/passwd')).toThrow();
  });
});
