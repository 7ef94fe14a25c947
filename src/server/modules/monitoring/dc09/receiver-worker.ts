import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../../platform/logger.js';
import { startDc09Receiver, type Dc09Receiver } from './receiver.js';
import type { Dc09PipelineEvent } from './pipeline-adapter.js';
import type { FromReceiverThread, ReceiverThreadData, ToReceiverThread } from './receiver-thread.js';

/*
 * The DC-09 receiver's own thread: sockets, framing, CRC, decryption and ACK/NAK/DUH happen here,
 * so panels keep being read and answered while the main thread commits (and waits on the disk).
 * Each group-committed batch goes to the main thread, which runs it through the ingestion pipeline
 * and answers once it is durably committed; only then are its frames acknowledged.
 */

const channel = parentPort;
if (!channel) throw new Error('the DC-09 receiver worker started outside a worker thread');
const port = channel;
const data = workerData as ReceiverThreadData;
const send = (message: FromReceiverThread): void => port.postMessage(message);

// Log lines go to the main thread's logger (one destination, one set of redactions).
const logger = createLogger(data.logLevel, {
  write: (line: string) => {
    send({ t: 'log', line });
    return true;
  },
} as unknown as NodeJS.WritableStream);

let keys = new Map<string, Uint8Array>(data.keys);
let nextCommit = 0;
const commits = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

function commit(events: Dc09PipelineEvent[]): Promise<void> {
  const id = (nextCommit += 1);
  return new Promise<void>((resolve, reject) => {
    commits.set(id, { resolve, reject });
    send({ t: 'commit', id, events });
  });
}

let receiver: Dc09Receiver | undefined;
const statsTimer = setInterval(() => {
  if (receiver) send({ t: 'stats', stats: receiver.stats() });
}, 1000);
statsTimer.unref();

port.on('message', (message: ToReceiverThread) => {
  switch (message.t) {
    case 'committed':
    case 'failed': {
      const waiting = commits.get(message.id);
      commits.delete(message.id);
      if (message.t === 'committed') waiting?.resolve();
      else waiting?.reject(new Error(message.message));
      return;
    }
    case 'keys':
      keys = new Map(message.keys);
      return;
    case 'close':
      void (async () => {
        clearInterval(statsTimer);
        await receiver?.close({ graceMs: message.graceMs });
        send({ t: 'closed', stats: receiver?.stats() ?? null });
        port.close();
      })();
      return;
  }
});

startDc09Receiver({
  port: data.port,
  host: data.host,
  limits: data.limits,
  keys: (account) => keys.get(account),
  commit,
  logger,
}).then(
  (started) => {
    receiver = started;
    send({ t: 'ready', port: started.port, host: started.host });
  },
  (error: unknown) => {
    send({ t: 'start-failed', message: error instanceof Error ? error.message : String(error) });
    port.close();
  },
);
