import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Raised when a stream is longer than the limit it was stored with. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the content is larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export interface StoredBlob {
  sha256: string;
  size: number;
  /** False when identical bytes were already stored (the existing file is kept untouched). */
  created: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Hashes and counts the bytes that pass through, and stops the stream past `maxBytes`. */
class HashingCounter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new BlobTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/**
 * A content-addressed, write-once store of files on the local disk: `sha256/ab/cd/<hash>` under
 * its root. Bytes are streamed to a temporary file while they are hashed (never held in memory),
 * fsynced, then linked into place: `link` fails rather than replace an existing file, so a blob,
 * once written, is never overwritten; the directory is fsynced so the name survives a crash too.
 */
export class BlobStore {
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** Where the bytes of a hash live (whether or not they are stored). */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Streams `source` into the store; rejects with BlobTooLargeError past `maxBytes`. */
  async put(source: Readable, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StoredBlob> {
    await fsp.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const counter = new HashingCounter(maxBytes);
    try {
      // flush: the file is fsynced before the stream closes, so the bytes are on disk before the link.
      await pipeline(
        source,
        counter,
        fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: 1 << 20 }),
      );
      const sha256 = counter.hash.digest('hex');
      const target = this.pathOf(sha256);
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      let created = true;
      try {
        await fsp.link(tmp, target);
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
        created = false;
      }
      if (created) {
        await fsp.chmod(target, 0o400);
        await syncDirectory(path.dirname(target));
      }
      return { sha256, size: counter.size, created };
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  /** A read stream of stored bytes (throws ENOENT through the stream when missing). */
  open(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256), { highWaterMark: 1 << 20 });
  }

  /** True when bytes for the hash are stored. */
  async has(sha256: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  /** Re-reads stored bytes and hashes them; null when the file is missing. */
  async rehash(sha256: string): Promise<{ sha256: string; size: number } | null> {
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of this.open(sha256)) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        hash.update(bytes);
      }
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null;
      throw error;
    }
    return { sha256: hash.digest('hex'), size };
  }

  /** Removes stored bytes: only for a recorded disposal decision, never to make room. */
  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const stores = new Map<string, BlobStore>();

/** The blob store of a data directory's blob folder (one instance per folder per process). */
export function blobStoreFor(config: { blobDir: string }): BlobStore {
  let store = stores.get(config.blobDir);
  if (!store) {
    store = new BlobStore(config.blobDir);
    stores.set(config.blobDir, store);
  }
  return store;
}
