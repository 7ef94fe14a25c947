/**
 * Group commit: items submitted from many connections within a short window are handed to ONE
 * commit call, so one durable transaction (one fsync) acknowledges many frames. One commit runs
 * at a time (SQLite has one writer); whatever arrives meanwhile forms the next batch, so the
 * batch grows with load instead of the queue.
 */
export interface GroupCommitOptions {
  /** How long the first item of a batch may wait for company. */
  maxDelayMs: number;
  /** A batch this large is committed without waiting for the delay. */
  maxItems: number;
}

interface Batch<T> {
  items: T[];
  firstAt: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  commits: number;
  committedItems: number;
  failedCommits: number;
  largestBatch: number;
}

export class GroupCommitter<T> {
  private open: Batch<T> | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: GroupCommitStats = { commits: 0, committedItems: 0, failedCommits: 0, largestBatch: 0 };

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Adds items to the open batch; resolves once the batch holding them is durably committed. */
  submit(items: readonly T[]): Promise<void> {
    if (!this.open) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.open = { items: [], firstAt: Date.now(), promise, resolve, reject };
    }
    const batch = this.open;
    batch.items.push(...items);
    if (!this.inFlight) {
      if (batch.items.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
    }
    return batch.promise;
  }

  /** Resolves when everything submitted so far has been committed (or has failed). */
  async drain(): Promise<void> {
    while (this.open || this.inFlight) {
      if (this.open && !this.inFlight) this.flush();
      await this.inFlight;
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.open;
    if (!batch || this.inFlight) return;
    this.open = undefined;
    this.stats.commits += 1;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.items.length);
    this.inFlight = Promise.resolve()
      .then(() => this.commit(batch.items))
      .then(
        () => {
          this.stats.committedItems += batch.items.length;
          batch.resolve();
        },
        (error: unknown) => {
          this.stats.failedCommits += 1;
          batch.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        this.afterCommit();
      });
  }

  private afterCommit(): void {
    const batch = this.open;
    if (!batch) return;
    const age = Date.now() - batch.firstAt;
    if (batch.items.length >= this.options.maxItems || age >= this.options.maxDelayMs) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs - age);
  }
}

/**
 * A bounded set of recently seen keys that forgets each one after a time to live (an
 * insertion-ordered Map: the oldest entry is the first to go when full).
 */
export class RecentKeys {
  private readonly keys = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  has(key: string, now: number): boolean {
    const expires = this.keys.get(key);
    if (expires === undefined) return false;
    if (expires > now) return true;
    this.keys.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    this.keys.delete(key);
    this.keys.set(key, now + this.ttlMs);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
  }

  get size(): number {
    return this.keys.size;
  }
}
