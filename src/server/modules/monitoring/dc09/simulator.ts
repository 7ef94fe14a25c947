import dgram from 'node:dgram';
import net from 'node:net';
import type { Dc09Key } from './cipher.js';
import { contactIdData, siaDcsData } from './events.js';
import { buildFrame, parseResponse, type Dc09Response, type Dc09XData } from './frame.js';

// A DC-09 alarm panel, as the receiver sees one: it sends a frame, waits for the answer
// (stop-and-wait, like real panels), retransmits the same frame on a timeout, and measures how
// long the acknowledgement took. Used by the receiver tests and by `npm run bench:dc09`.

/** An event to report; `raw` sends bytes as they are (malformed frames in tests). */
export type SimulatedEvent =
  | { protocol: 'SIA-DCS'; code: string; address?: string; area?: string; xdata?: Dc09XData[] }
  | { protocol: 'ADM-CID'; qualifier: '1' | '3' | '6'; code: string; partition?: string; zone?: string }
  | { protocol: 'NULL' }
  | { raw: Uint8Array };

export interface PanelOptions {
  port: number;
  host?: string;
  transport?: 'tcp' | 'udp';
  account: string;
  receiver?: string;
  prefix?: string;
  /** Encrypts every frame (the `*` IDs) with this key. */
  key?: Dc09Key;
  /** How long to wait for an answer before retransmitting (default 5 s). */
  ackTimeoutMs?: number;
  /** Retransmissions after a timeout (default 2). NAK and DUH are final answers. */
  retries?: number;
  /** Shifts the panel's clock (milliseconds) to exercise the receiver's timestamp window. */
  clockOffsetMs?: number;
}

export interface SendOutcome {
  outcome: 'ACK' | 'NAK' | 'DUH' | 'RSP' | 'timeout';
  /** From the first transmission to the final answer, retransmissions included. */
  latencyMs: number;
  attempts: number;
  sequence: string;
  response?: Dc09Response;
  /** The bytes sent (the last transmission). */
  frame: Buffer;
}

type Waiter = { sequence: string; resolve: (response: Dc09Response | undefined) => void };

/** One simulated panel with its own connection (TCP) or socket (UDP). */
export class PanelSimulator {
  private socket: net.Socket | undefined;
  private udp: dgram.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | undefined;
  private sequence = 0;
  readonly options: Required<Pick<PanelOptions, 'host' | 'transport' | 'ackTimeoutMs' | 'retries'>> &
    PanelOptions;

  constructor(options: PanelOptions) {
    this.options = { host: '127.0.0.1', transport: 'tcp', ackTimeoutMs: 5000, retries: 2, ...options };
  }

  /** Opens the TCP connection (or the UDP socket); send() also does it on demand. */
  async connect(): Promise<void> {
    if (this.options.transport === 'udp') {
      if (this.udp) return;
      const udp = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
      udp.on('message', (message) => this.onBytes(message));
      udp.on('error', () => undefined);
      await new Promise<void>((resolve) => udp.bind(0, resolve));
      this.udp = udp;
      return;
    }
    if (this.socket && !this.socket.destroyed) return;
    const socket = net.connect({ port: this.options.port, host: this.options.host, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      for (let end = this.buffer.indexOf(0x0d); end >= 0; end = this.buffer.indexOf(0x0d)) {
        const frame = this.buffer.subarray(0, end + 1);
        this.buffer = this.buffer.subarray(end + 1);
        this.onBytes(frame);
      }
    });
    socket.on('close', () => {
      this.waiter?.resolve(undefined);
      this.waiter = undefined;
    });
    this.socket = socket;
  }

  /** Whether the TCP connection is open (false after the receiver cut it). */
  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed && !this.socket.readableEnded;
  }

  private onBytes(bytes: Buffer): void {
    const parsed = parseResponse(bytes, this.options.key);
    const waiter = this.waiter;
    if (!parsed.ok || !waiter) return;
    // A late answer to an earlier frame is not the answer to this one; NAK carries 0000.
    if (parsed.response.kind !== 'NAK' && parsed.response.sequence !== waiter.sequence) return;
    this.waiter = undefined;
    waiter.resolve(parsed.response);
  }

  private nextSequence(): string {
    this.sequence = (this.sequence % 9999) + 1;
    return String(this.sequence).padStart(4, '0');
  }

  /** Builds the frame a real panel would send for an event. */
  buildFrame(event: Exclude<SimulatedEvent, { raw: Uint8Array }>, sequence: string): Buffer {
    const { account, receiver, prefix, key } = this.options;
    const timestamp = new Date(Date.now() + (this.options.clockOffsetMs ?? 0));
    const base = { sequence, receiver, prefix, account, key, timestamp };
    switch (event.protocol) {
      case 'NULL':
        return buildFrame({ ...base, messageId: 'NULL', data: '' });
      case 'SIA-DCS':
        return buildFrame({
          ...base,
          messageId: 'SIA-DCS',
          data: siaDcsData(account, event.code, event.address ?? '', event.area),
          xdata: event.xdata ?? [],
        });
      case 'ADM-CID':
        return buildFrame({
          ...base,
          messageId: 'ADM-CID',
          data: contactIdData(account, event.qualifier, event.code, event.partition, event.zone),
        });
    }
  }

  private async transmit(frame: Buffer): Promise<void> {
    await this.connect();
    if (this.udp) {
      const udp = this.udp;
      await new Promise<void>((resolve) =>
        udp.send(frame, this.options.port, this.options.host, () => resolve()),
      );
    } else {
      this.socket?.write(frame);
    }
  }

  private awaitAnswer(sequence: string): Promise<Dc09Response | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiter?.sequence === sequence) this.waiter = undefined;
        resolve(undefined);
      }, this.options.ackTimeoutMs);
      this.waiter = {
        sequence,
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
      };
    });
  }

  /** Sends an event and waits for the answer, retransmitting the same frame on timeouts. */
  async send(event: SimulatedEvent): Promise<SendOutcome> {
    const sequence = 'raw' in event ? '0000' : this.nextSequence();
    const frame = 'raw' in event ? Buffer.from(event.raw) : this.buildFrame(event, sequence);
    const started = performance.now();
    let attempts = 0;
    while (attempts <= this.options.retries) {
      attempts += 1;
      const answer = this.awaitAnswer('raw' in event ? (this.waiterSequenceOf(frame) ?? sequence) : sequence);
      try {
        await this.transmit(frame);
      } catch {
        // Receiver down (connection refused): wait out the timeout as a real panel would.
      }
      const response = await answer;
      if (response) {
        return {
          outcome: response.kind,
          latencyMs: performance.now() - started,
          attempts,
          sequence,
          response,
          frame,
        };
      }
    }
    return { outcome: 'timeout', latencyMs: performance.now() - started, attempts, sequence, frame };
  }

  /** The sequence number inside a raw frame, so its ACK is recognised. */
  private waiterSequenceOf(frame: Buffer): string | undefined {
    return /"\*?[^"]{1,16}"(\d{4})/.exec(frame.toString('latin1'))?.[1];
  }

  /** Closes the connection or socket. */
  async close(): Promise<void> {
    this.waiter?.resolve(undefined);
    this.waiter = undefined;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 200).unref();
      });
    }
    if (this.udp) {
      const udp = this.udp;
      this.udp = undefined;
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
  }
}
