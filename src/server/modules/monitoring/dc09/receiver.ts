import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../../platform/logger.js';
import type { Dc09Key } from './cipher.js';
import {
  buildAck,
  buildDuh,
  buildNak,
  DEFAULT_TIME_WINDOW,
  parseFrame,
  type Dc09ParseError,
  type Dc09TimeWindow,
} from './frame.js';
import { GroupCommitter, RecentKeys } from './group-commit.js';
import {
  retransmissionKey,
  toPipelineEvents,
  unreadableFrameEvent,
  type Dc09PipelineEvent,
} from './pipeline-adapter.js';

/** Resource limits; every one of them protects the receiver from a faulty or hostile peer. */
export interface Dc09Limits {
  /** A frame (or the unterminated tail of the stream) longer than this cuts the connection. */
  maxFrameBytes: number;
  /** A TCP connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** A frame must be complete this long after its first byte (trickling senders are cut). */
  partialFrameTimeoutMs: number;
  /** Concurrent TCP connections from one address; panels behind one carrier NAT share one. */
  maxConnectionsPerAddress: number;
  maxConnections: number;
  /** Frames of one connection awaiting their answer; beyond it the socket is not read. */
  maxPendingPerConnection: number;
  /** Datagrams of one UDP address awaiting their answer; beyond it datagrams are dropped. */
  maxPendingPerUdpAddress: number;
  /** Group commit: how long the first frame of a batch waits for others. */
  groupCommitDelayMs: number;
  /** Group commit: a batch this large is committed at once. */
  groupCommitMaxEvents: number;
  /** Committed frames remembered to acknowledge retransmissions without storing them again. */
  recentFrames: number;
  /** How long a committed frame is remembered as such (retransmissions come within seconds). */
  recentFramesTtlMs: number;
  /** At most one "unreadable frame" trouble event per account and reason in this interval. */
  unreadableEventIntervalMs: number;
  /**
   * And at most this many of them per minute in all: accounts are free text to a peer that can
   * compute a CRC, so per-account throttling alone would let it fill the database.
   */
  unreadableEventsPerMinute: number;
}

export const DEFAULT_DC09_LIMITS: Dc09Limits = {
  maxFrameBytes: 4200, // the length field tops out at 0FFF; 4 KiB plus the envelope
  idleTimeoutMs: 120_000,
  partialFrameTimeoutMs: 10_000,
  maxConnectionsPerAddress: 100,
  maxConnections: 20_000,
  maxPendingPerConnection: 16,
  maxPendingPerUdpAddress: 256,
  groupCommitDelayMs: 2,
  groupCommitMaxEvents: 2000,
  recentFrames: 100_000,
  recentFramesTtlMs: 120_000,
  unreadableEventIntervalMs: 60_000,
  unreadableEventsPerMinute: 120,
};

export interface Dc09ReceiverOptions {
  port: number;
  host?: string;
  /** The AES key configured for an account, if any (looked up on every encrypted frame). */
  keys: (account: string) => Dc09Key | Uint8Array | undefined;
  /** Durably stores a batch; the frames in it are acknowledged only after this resolves. */
  commit: (events: Dc09PipelineEvent[]) => Promise<void>;
  logger: Logger;
  limits?: Partial<Dc09Limits>;
  window?: Dc09TimeWindow;
  /** Listen on UDP too (default true). */
  udp?: boolean;
  /**
   * What a panel hears when its frame could not be committed. `silence` (default): no answer,
   * so the panel's own retry timer resends it and, after its retry budget, fails over to its
   * backup path — the event stays the panel's responsibility until a receiver has stored it.
   * `duh` answers "unable to process", which some panels treat as final and drop the event.
   */
  onCommitFailure?: 'silence' | 'duh';
  /** The receiver's clock (tests move it). */
  clock?: () => Date;
}

export interface Dc09ReceiverStats {
  frames: number;
  acks: number;
  naks: number;
  duhs: number;
  unanswered: number;
  duplicates: number;
  refused: Partial<Record<Dc09ParseError, number>>;
  commits: number;
  committedEvents: number;
  failedCommits: number;
  largestBatch: number;
  connections: number;
  rejectedConnections: number;
  idleTimeouts: number;
  oversize: number;
  droppedDatagrams: number;
}

export interface Dc09Receiver {
  /** The TCP port (also the UDP port when UDP is on). */
  port: number;
  host: string;
  stats(): Dc09ReceiverStats;
  /**
   * Stops listening, lets frames already received be committed and answered (for at most
   * `graceMs`, default 10 s: a hung commit must not hold shutdown), then closes every connection.
   * Frames cut off by the grace period get no answer, so their panels retransmit them.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

interface Connection {
  socket: net.Socket;
  buffer: Buffer;
  partialSince: number | undefined;
  pending: number;
  writeBlocked: boolean;
  /** Set once the connection is being cut: nothing more is read from it. */
  closing: boolean;
  answers: Promise<void>;
}

const CR = 0x0d;
const LF = 0x0a;

/** The next CR-terminated frame in a buffer, from its last LF (junk before it is skipped). */
function takeFrame(buffer: Buffer): { frame: Buffer; rest: Buffer } | undefined {
  const end = buffer.indexOf(CR);
  if (end < 0) return undefined;
  const chunk = buffer.subarray(0, end + 1);
  const start = chunk.lastIndexOf(LF);
  return { frame: start >= 0 ? chunk.subarray(start) : chunk, rest: buffer.subarray(end + 1) };
}

const emptyRefusals = (): Partial<Record<Dc09ParseError, number>> => ({});

/** Turns frames into answers: parse, group commit, dedupe, ACK/NAK/DUH. Transport-agnostic. */
class Dc09Service {
  readonly committer: GroupCommitter<Dc09PipelineEvent>;
  private readonly recent: RecentKeys;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly unreadableAt = new Map<string, number>();
  private unreadableWindow = { startedAt: 0, count: 0 };
  private readonly refusalLoggedAt = new Map<string, number>();
  private readonly clock: () => Date;
  readonly counters = {
    frames: 0,
    acks: 0,
    naks: 0,
    duhs: 0,
    unanswered: 0,
    duplicates: 0,
    refused: emptyRefusals(),
  };

  constructor(
    private readonly options: Dc09ReceiverOptions,
    private readonly limits: Dc09Limits,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.recent = new RecentKeys(limits.recentFrames, limits.recentFramesTtlMs);
    this.committer = new GroupCommitter(options.commit, {
      maxDelayMs: limits.groupCommitDelayMs,
      maxItems: limits.groupCommitMaxEvents,
    });
  }

  private keyFor = (account: string): Dc09Key | Uint8Array | undefined => {
    try {
      return this.options.keys(account);
    } catch (error) {
      this.options.logger.error({ err: error, account }, 'dc09: key lookup failed');
      return undefined;
    }
  };

  /** The answer to one frame, or undefined for no answer; never rejects. */
  async answer(bytes: Buffer, peer: string): Promise<Buffer | undefined> {
    try {
      const response = await this.process(bytes, peer);
      if (!response) this.counters.unanswered += 1;
      return response;
    } catch (error) {
      this.options.logger.error({ err: error, peer }, 'dc09: frame handling failed');
      this.counters.unanswered += 1;
      return undefined;
    }
  }

  private async process(bytes: Buffer, peer: string): Promise<Buffer | undefined> {
    this.counters.frames += 1;
    const receivedAt = this.clock();
    const parsed = parseFrame(bytes, {
      keys: this.keyFor,
      now: receivedAt,
      window: this.options.window ?? DEFAULT_TIME_WINDOW,
    });
    if (!parsed.ok) {
      this.counters.refused[parsed.reason] = (this.counters.refused[parsed.reason] ?? 0) + 1;
      this.logRefusal(peer, parsed.reason, parsed.message, parsed.header?.account);
      if (['crc', 'length', 'format', 'timestamp'].includes(parsed.reason) || !parsed.header) {
        this.counters.naks += 1;
        return buildNak(this.clock());
      }
      const { header } = parsed;
      if (header.account !== undefined) {
        await this.recordUnreadable({ ...header, account: header.account }, parsed.reason, receivedAt);
      }
      this.counters.duhs += 1;
      return buildDuh(header);
    }
    const { frame } = parsed;
    const key = retransmissionKey(frame);
    const { events, decodable } = toPipelineEvents(frame, receivedAt, key);
    if (this.recent.has(key, receivedAt.getTime())) {
      this.counters.duplicates += 1;
    } else {
      let committed = this.inFlight.get(key);
      if (committed) {
        // A retransmission overtook the commit of its original: wait for that one commit.
        this.counters.duplicates += 1;
      } else {
        committed = this.committer.submit(events);
        this.inFlight.set(key, committed);
        committed.then(
          () => {
            this.recent.add(key, this.clock().getTime());
            this.inFlight.delete(key);
          },
          () => this.inFlight.delete(key),
        );
      }
      try {
        await committed;
      } catch (error) {
        this.options.logger.error({ err: error, peer, account: frame.account }, 'dc09: commit failed');
        if (this.options.onCommitFailure === 'duh') {
          this.counters.duhs += 1;
          return buildDuh(frame);
        }
        return undefined;
      }
    }
    if (!decodable) {
      this.counters.duhs += 1;
      return buildDuh(frame);
    }
    this.counters.acks += 1;
    return buildAck(frame, this.clock());
  }

  /** Warns once per peer and reason every 10 s (debug otherwise), so a noisy peer cannot flood logs. */
  private logRefusal(
    peer: string,
    reason: Dc09ParseError,
    detail: string,
    account: string | undefined,
  ): void {
    const key = `${peer}\u0000${reason}`;
    const now = Date.now();
    const last = this.refusalLoggedAt.get(key);
    const level = last === undefined || now - last > 10_000 ? 'warn' : 'debug';
    if (level === 'warn') {
      if (this.refusalLoggedAt.size > 10_000) this.refusalLoggedAt.clear();
      this.refusalLoggedAt.set(key, now);
    }
    this.options.logger[level]({ peer, reason, detail, account }, 'dc09: frame refused');
  }

  /** Stores a trouble event for a frame that could not be read, at most once per interval. */
  private async recordUnreadable(
    header: Parameters<typeof unreadableFrameEvent>[0],
    reason: Dc09ParseError,
    receivedAt: Date,
  ): Promise<void> {
    const throttleKey = `${header.account}\u0000${reason}`;
    const last = this.unreadableAt.get(throttleKey);
    const now = receivedAt.getTime();
    if (last !== undefined && now - last < this.limits.unreadableEventIntervalMs) return;
    if (now - this.unreadableWindow.startedAt >= 60_000) this.unreadableWindow = { startedAt: now, count: 0 };
    if (this.unreadableWindow.count >= this.limits.unreadableEventsPerMinute) return;
    this.unreadableWindow.count += 1;
    if (this.unreadableAt.size > 10_000) this.unreadableAt.clear();
    this.unreadableAt.set(throttleKey, now);
    try {
      await this.committer.submit([unreadableFrameEvent(header, reason, receivedAt)]);
    } catch (error) {
      this.unreadableAt.delete(throttleKey);
      this.options.logger.error({ err: error, account: header.account }, 'dc09: commit failed');
    }
  }
}

function bindUdp(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function listenTcp(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Starts the DC-09 receiver on TCP (and UDP) `port`; resolves once listening. */
export async function startDc09Receiver(options: Dc09ReceiverOptions): Promise<Dc09Receiver> {
  const limits: Dc09Limits = { ...DEFAULT_DC09_LIMITS, ...options.limits };
  const host = options.host ?? '0.0.0.0';
  const logger = options.logger;
  const service = new Dc09Service(options, limits);
  const connections = new Set<Connection>();
  const perAddress = new Map<string, number>();
  const udpPending = new Map<string, number>();
  const counters = { rejectedConnections: 0, idleTimeouts: 0, oversize: 0, droppedDatagrams: 0 };

  const pump = (conn: Connection): void => {
    const { socket } = conn;
    while (conn.pending < limits.maxPendingPerConnection) {
      const next = takeFrame(conn.buffer);
      if (!next) break;
      conn.buffer = next.rest;
      if (next.frame.length > limits.maxFrameBytes) return cutOversize(conn);
      if (next.frame.length <= 2) continue; // a bare CR or LF CR: nothing to answer
      dispatch(conn, next.frame);
    }
    const firstEnd = conn.buffer.indexOf(CR);
    if ((firstEnd < 0 ? conn.buffer.length : firstEnd + 1) > limits.maxFrameBytes) return cutOversize(conn);
    if (conn.buffer.length === 0 || firstEnd >= 0) conn.partialSince = undefined;
    else if (conn.partialSince === undefined) conn.partialSince = Date.now();
    else if (Date.now() - conn.partialSince > limits.partialFrameTimeoutMs) {
      logger.info({ peer: socket.remoteAddress }, 'dc09: frame not completed in time; connection closed');
      counters.idleTimeouts += 1;
      conn.closing = true;
      socket.destroy();
      return;
    }
    const wantsData = conn.pending < limits.maxPendingPerConnection && !conn.writeBlocked;
    if (wantsData && socket.isPaused()) socket.resume();
    else if (!wantsData && !socket.isPaused()) socket.pause();
  };

  const cutOversize = (conn: Connection): void => {
    counters.oversize += 1;
    logger.warn({ peer: conn.socket.remoteAddress }, 'dc09: frame over the size limit; connection closed');
    conn.closing = true;
    conn.buffer = Buffer.alloc(0);
    conn.socket.end(buildNak(), () => conn.socket.destroy());
  };

  const dispatch = (conn: Connection, frame: Buffer): void => {
    conn.pending += 1;
    const answer = service.answer(frame, conn.socket.remoteAddress ?? 'unknown');
    // Answers go out in the order their frames came in, whatever order commits finish in.
    conn.answers = conn.answers
      .then(() => answer)
      .then((response) => {
        conn.pending -= 1;
        const { socket } = conn;
        if (response && socket.writable) {
          if (!socket.write(response)) {
            conn.writeBlocked = true;
            socket.once('drain', () => {
              conn.writeBlocked = false;
              pump(conn);
            });
          }
        }
        if (!socket.destroyed && !conn.closing) pump(conn);
      });
  };

  const server = net.createServer({ noDelay: true }, (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const open = perAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerAddress) {
      counters.rejectedConnections += 1;
      logger.warn({ peer: address }, 'dc09: too many connections from one address; refused');
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    const conn: Connection = {
      socket,
      buffer: Buffer.alloc(0),
      partialSince: undefined,
      pending: 0,
      writeBlocked: false,
      closing: false,
      answers: Promise.resolve(),
    };
    connections.add(conn);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => {
      counters.idleTimeouts += 1;
      socket.destroy();
    });
    socket.on('error', (error) => logger.debug({ err: error, peer: address }, 'dc09: connection error'));
    socket.on('close', () => {
      connections.delete(conn);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    socket.on('data', (chunk: Buffer) => {
      if (conn.closing) return;
      conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
      pump(conn);
    });
  });
  server.maxConnections = limits.maxConnections;
  server.on('error', (error) => logger.error({ err: error }, 'dc09: TCP server error'));

  const udpInFlight = new Set<Promise<void>>();
  let closing = false;
  const onDatagram = (socket: dgram.Socket, message: Buffer, remote: dgram.RemoteInfo): void => {
    if (closing) return;
    if (message.length > limits.maxFrameBytes) {
      counters.oversize += 1;
      return;
    }
    let rest: Buffer = message;
    for (let next = takeFrame(rest); next; next = takeFrame(rest)) {
      rest = next.rest;
      const pending = udpPending.get(remote.address) ?? 0;
      if (pending >= limits.maxPendingPerUdpAddress) {
        counters.droppedDatagrams += 1;
        return;
      }
      udpPending.set(remote.address, pending + 1);
      const answered = service.answer(next.frame, remote.address).then((response) => {
        udpInFlight.delete(answered);
        const left = (udpPending.get(remote.address) ?? 1) - 1;
        if (left <= 0) udpPending.delete(remote.address);
        else udpPending.set(remote.address, left);
        if (response) socket.send(response, remote.port, remote.address);
      });
      udpInFlight.add(answered);
    }
  };
  const openUdp = (): dgram.Socket => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    socket.on('message', (message, remote) => onDatagram(socket, message, remote));
    socket.on('error', (error) => logger.error({ err: error }, 'dc09: UDP socket error'));
    return socket;
  };

  // With port 0 the TCP port is chosen first and UDP takes the same number; retry on a clash.
  let port = options.port;
  let udp: dgram.Socket | undefined;
  for (let attempt = 0; ; attempt += 1) {
    port = await listenTcp(server, options.port, host);
    if (options.udp === false) break;
    const socket = openUdp();
    try {
      await bindUdp(socket, port, host);
      udp = socket;
      break;
    } catch (error) {
      try {
        socket.close();
      } catch {
        // A socket whose bind failed may already be closed.
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.port !== 0 || attempt >= 5) throw error;
    }
  }
  logger.info({ port, host, udp: udp !== undefined }, 'dc09: receiver listening');

  return {
    port,
    host,
    stats: () => ({
      ...service.counters,
      refused: { ...service.counters.refused },
      commits: service.committer.stats.commits,
      committedEvents: service.committer.stats.committedItems,
      failedCommits: service.committer.stats.failedCommits,
      largestBatch: service.committer.stats.largestBatch,
      connections: connections.size,
      ...counters,
    }),
    close: async ({ graceMs = 10_000 } = {}) => {
      closing = true;
      server.close();
      for (const conn of connections) {
        conn.closing = true;
        conn.socket.pause();
      }
      const settled = (async () => {
        await service.committer.drain();
        await Promise.all([...connections].map((conn) => conn.answers));
        await Promise.all(udpInFlight);
      })();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>(
        (resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)),
      );
      if ((await Promise.race([settled, expired])) === 'expired') {
        logger.warn(
          { port, graceMs },
          'dc09: closing with commits still pending; their frames stay unanswered',
        );
      }
      clearTimeout(timer);
      udp?.close();
      for (const conn of connections) conn.socket.destroy();
      logger.info({ port }, 'dc09: receiver closed');
    },
  };
}

/** Starts the receiver when `VIGIL_DC09_PORT` is set; undefined (off) otherwise. */
export async function maybeStartDc09Receiver(
  port: number | undefined,
  options: Omit<Dc09ReceiverOptions, 'port'>,
): Promise<Dc09Receiver | undefined> {
  return port === undefined ? undefined : startDc09Receiver({ ...options, port });
}
