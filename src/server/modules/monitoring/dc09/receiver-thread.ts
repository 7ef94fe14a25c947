import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../../platform/logger.js';
import { startModuleWorker } from '../../../platform/worker.js';
import type { Dc09PipelineEvent } from './pipeline-adapter.js';
import type { Dc09Limits, Dc09Receiver, Dc09ReceiverStats } from './receiver.js';

/*
 * The DC-09 receiver on a thread of its own (receiver-worker.ts), seen from the main thread.
 *
 * Why a thread: SQLite commits are synchronous, and a durable commit waits for the disk. On the
 * main thread, every commit stopped the receiver from reading frames and writing ACKs; with a
 * thousand panels the sockets then sat idle for a large share of the time. Here the thread keeps
 * taking frames in while the main thread commits the previous batch, and group commit turns what
 * arrived meanwhile into the next batch. The guarantee does not change: a frame is acknowledged
 * only after the main thread answers that its batch is durably committed.
 */

export interface ReceiverThreadData {
  port: number;
  host: string;
  limits: Partial<Dc09Limits>;
  keys: [string, Uint8Array][];
  logLevel: string;
}

export type ToReceiverThread =
  | { t: 'committed'; id: number }
  | { t: 'failed'; id: number; message: string }
  | { t: 'keys'; keys: [string, Uint8Array][] }
  | { t: 'close'; graceMs: number };

export type FromReceiverThread =
  | { t: 'ready'; port: number; host: string }
  | { t: 'start-failed'; message: string }
  | { t: 'commit'; id: number; events: Dc09PipelineEvent[] }
  | { t: 'stats'; stats: Dc09ReceiverStats }
  | { t: 'log'; line: string }
  | { t: 'closed'; stats: Dc09ReceiverStats | null };

export interface ReceiverThreadOptions {
  port: number;
  host: string;
  limits?: Partial<Dc09Limits>;
  /** Every account's raw AES key now; `onKeysChanged` hands over later versions. */
  keys: () => [string, Uint8Array][];
  onKeysChanged: (listener: () => void) => () => void;
  /** Durably stores a batch; its frames are acknowledged only after this resolves. */
  commit: (events: Dc09PipelineEvent[]) => Promise<void>;
  logger: Logger;
}

const emptyStats = (): Dc09ReceiverStats => ({
  frames: 0,
  acks: 0,
  naks: 0,
  duhs: 0,
  unanswered: 0,
  duplicates: 0,
  refused: {},
  commits: 0,
  committedEvents: 0,
  failedCommits: 0,
  largestBatch: 0,
  connections: 0,
  rejectedConnections: 0,
  idleTimeouts: 0,
  oversize: 0,
  droppedDatagrams: 0,
});

// pino's numeric levels; the worker logs through the main thread's logger at the same level.
const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function relayLog(logger: Logger, line: string): void {
  try {
    const {
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _hostname,
      ...fields
    } = JSON.parse(line) as {
      level: number;
      msg?: string;
    } & Record<string, unknown>;
    logger[LEVELS[level] ?? 'info'](fields, msg ?? '');
  } catch {
    logger.warn('dc09: unreadable log line from the receiver thread');
  }
}

/** The threaded receiver: a Dc09Receiver that also says how often its thread was restarted. */
export interface ThreadedDc09Receiver extends Dc09Receiver {
  /** Times the thread died and was started again. */
  restarts(): number;
  /** The current thread (tests stop it to prove the restart). */
  thread(): Worker;
}

/** How long to wait before starting a thread that died again (it keeps the port meanwhile unused). */
const RESTART_DELAY_MS = 1000;

interface Running {
  worker: Worker;
  port: number;
  host: string;
  /** Resolves when the thread has exited (for whatever reason). */
  exited: Promise<void>;
}

/**
 * Starts the receiver thread; resolves once it listens (rejects if it cannot, e.g. port taken).
 * A thread that dies later is started again on the same port: frames it held were never
 * acknowledged, so their panels retransmit them to the new one.
 */
export async function startDc09ReceiverThread(options: ReceiverThreadOptions): Promise<ThreadedDc09Receiver> {
  let stats = emptyStats();
  let closing = false;
  let restarts = 0;
  let closed: (() => void) | undefined;
  // The newest thread, from the moment it is created: a key change while it starts reaches it too.
  let newest: Worker | undefined;
  const unsubscribe = options.onKeysChanged(() =>
    newest?.postMessage({ t: 'keys', keys: options.keys() } satisfies ToReceiverThread),
  );

  const spawn = (port: number): Promise<Running> => {
    const data: ReceiverThreadData = {
      port,
      host: options.host,
      limits: options.limits ?? {},
      keys: options.keys(),
      logLevel: options.logger.level,
    };
    const worker = startModuleWorker(import.meta.url, './receiver-worker.js', { workerData: data });
    newest = worker;
    const exited = new Promise<void>((settle) => worker.once('exit', () => settle()));
    const post = (message: ToReceiverThread): void => worker.postMessage(message);
    return new Promise<Running>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromReceiverThread) => {
        switch (message.t) {
          case 'commit':
            options.commit(message.events).then(
              () => post({ t: 'committed', id: message.id }),
              (error: unknown) =>
                post({
                  t: 'failed',
                  id: message.id,
                  message: error instanceof Error ? error.message : String(error),
                }),
            );
            return;
          case 'log':
            relayLog(options.logger, message.line);
            return;
          case 'stats':
            stats = message.stats;
            return;
          case 'start-failed':
            reject(new Error(`the DC-09 receiver could not start: ${message.message}`));
            return;
          case 'closed':
            if (message.stats) stats = message.stats;
            closed?.();
            return;
          case 'ready':
            started = true;
            resolve({ worker, port: message.port, host: message.host, exited });
            return;
        }
      });
      worker.on('error', (error) => {
        // A bug, not bad input (frames are parsed without throwing). Frames the thread held were
        // not acknowledged, so their panels retransmit them; the exit handler starts a new thread.
        options.logger.error({ err: error }, 'dc09: the receiver thread failed');
        if (!started) reject(error);
      });
      worker.on('exit', (code) => {
        if (!started)
          reject(new Error(`the DC-09 receiver thread exited with code ${code} before listening`));
        else if (!closing && current?.worker === worker) void restart(code);
      });
    });
  };

  const restart = async (code: number): Promise<void> => {
    const port = current?.port ?? options.port;
    options.logger.error({ code }, 'dc09: the receiver thread stopped; starting it again');
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      if (closing) return;
      try {
        const next = await spawn(port);
        current = next;
        if (closing) {
          // close() ran while this thread was starting: it has nothing to finish.
          await next.worker.terminate();
          return;
        }
        restarts += 1;
        options.logger.warn({ port: current.port, restarts }, 'dc09: receiver thread started again');
        return;
      } catch (error) {
        options.logger.error({ err: error }, 'dc09: could not start the receiver thread again; retrying');
      }
    }
  };

  let current: Running | undefined;
  let first: Running;
  try {
    first = await spawn(options.port);
    current = first;
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return {
    port: first.port,
    host: first.host,
    stats: () => ({ ...stats, refused: { ...stats.refused } }),
    restarts: () => restarts,
    thread: () => (current ?? first).worker,
    close: async ({ graceMs = 10_000 } = {}) => {
      if (closing) return;
      closing = true;
      unsubscribe();
      // The current thread finishes what it holds (a thread that died, and one restarting, have
      // nothing to finish: the restart loop stops itself).
      const { worker, exited } = current ?? first;
      const done = new Promise<void>((settle) => {
        closed = settle;
        void exited.then(settle);
      });
      worker.postMessage({ t: 'close', graceMs } satisfies ToReceiverThread);
      await done;
      await worker.terminate();
    },
  };
}
