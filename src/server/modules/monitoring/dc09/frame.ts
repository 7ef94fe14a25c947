import { crc16Arc, crcHex } from './crc.js';
import { decryptBlocks, encryptBlocks, keyCandidates, padFor, type Dc09Key } from './cipher.js';
import { DC09_TIMESTAMP_LENGTH, formatDc09Timestamp, parseDc09Timestamp } from './timestamp.js';

// ANSI/SIA DC-09 (2013/2021) message frames:
//   LF crc(4 hex) 0LLL "ID" seq(4 digits) [Rrcvr] Lpref #acct [data][xdata]… _HH:MM:SS,MM-DD-YYYY CR
// The CRC and the length both cover the body: from the first quote through the timestamp.

/** Message IDs a receiver accepts from a panel (each also in its encrypted "*" form). */
export const DC09_MESSAGE_IDS = ['SIA-DCS', 'ADM-CID', 'NULL'] as const;
export type Dc09MessageId = (typeof DC09_MESSAGE_IDS)[number];

/** Why a frame was refused; crc/length/format/timestamp earn a NAK, the others a DUH. */
export type Dc09ParseError =
  'format' | 'length' | 'crc' | 'unsupported' | 'unknown-key' | 'decrypt' | 'timestamp' | 'unencrypted';

/** The clear-text routing fields of a frame, known as soon as the CRC checks out. */
export interface Dc09Header {
  /** The ID token without quotes, e.g. `*SIA-DCS`. */
  token: string;
  encrypted: boolean;
  /** Four decimal digits, echoed in the acknowledgement. */
  sequence: string;
  /** Receiver number (hex digits after `R`), when the panel sent one. */
  receiver?: string;
  /** Account prefix (hex digits after `L`), when the panel sent one. */
  prefix?: string;
  /** Account (hex digits after `#`), from the header or, unencrypted, from the data. */
  account?: string;
}

/** One `[Xvalue]` extended-data element (X location, M MAC, V verification, H event time…). */
export interface Dc09XData {
  id: string;
  value: string;
}

/** A frame that passed every check, decrypted when it was encrypted. */
export interface Dc09Frame extends Dc09Header {
  messageId: Dc09MessageId;
  account: string;
  /** The data element between its brackets (pad removed), e.g. `#1234|Nri1/BA01`. */
  data: string;
  xdata: Dc09XData[];
  /** The panel's transmission time (UTC); required on encrypted frames, optional otherwise. */
  timestamp?: Date;
  /** The timestamp as sent, without the underscore; part of the idempotency key. */
  timestampText?: string;
  /** The AES key that decrypted the frame; the `*ACK` must be encrypted with it. */
  key?: Buffer;
  /** Deviations from the standard that were tolerated, e.g. `decimal-length`. */
  quirks: string[];
}

export type Dc09ParseResult =
  | { ok: true; frame: Dc09Frame }
  | { ok: false; reason: Dc09ParseError; message: string; header?: Dc09Header };

/** Seconds an encrypted frame's timestamp may lag (past) or lead (future) the receiver's clock. */
export interface Dc09TimeWindow {
  pastSeconds: number;
  futureSeconds: number;
}

/** DC-09 §5.5.1.8: an encrypted message is refused outside −40 s / +20 s of the receiver's clock. */
export const DEFAULT_TIME_WINDOW: Dc09TimeWindow = { pastSeconds: 40, futureSeconds: 20 };

export interface Dc09ParseOptions {
  /**
   * The key for an account, or undefined when none is configured. A clear-text frame for an
   * account that has a key is refused (`unencrypted`).
   */
  keys?: (account: string) => Dc09Key | Uint8Array | undefined;
  /** The receiver's clock for the timestamp window (defaults to now). */
  now?: Date;
  /** Timestamp window for encrypted frames; `false` skips the check (replaying stored vectors). */
  window?: Dc09TimeWindow | false;
  /**
   * Some panels write the length field in decimal ("0047" for 47 bytes). The CRC still guards
   * the frame, so such a frame is accepted with the quirk `decimal-length` unless this is false.
   */
  tolerateDecimalLength?: boolean;
}

const ENVELOPE = /^([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})/;
// The prefix is matched lazily so that a NAK's "L0A0[" reads as prefix 0 and the "A0" account.
const HEADER =
  /^"(\*?)([^"[\]]{1,16})"(\d{4})(?:R([0-9A-Fa-f]{1,6}))?(?:L([0-9A-Fa-f]{1,6}?))?(?:#([0-9A-Fa-f]{3,16})|A0)?\[/;
const HEX_BLOCKS = /^(?:[0-9A-Fa-f]{32})+$/;
const DATA_ACCOUNT = /^#([0-9A-Fa-f]{3,16})\|/;
const isMessageId = (id: string): id is Dc09MessageId => DC09_MESSAGE_IDS.some((known) => known === id);

interface Envelope {
  body: string;
  header: Dc09Header;
  content: string;
  quirks: string[];
}

type Failure = { ok: false; reason: Dc09ParseError; message: string; header?: Dc09Header };

function failure(reason: Dc09ParseError, message: string, header?: Dc09Header): Failure {
  return header ? { ok: false, reason, message, header } : { ok: false, reason, message };
}

/** Bytes (or a string of UTF-8 text) to one char per byte, LF/CR delimiters removed. */
function toByteString(input: Uint8Array | string): string {
  const bytes =
    typeof input === 'string'
      ? Buffer.from(input, 'utf8')
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength); // a view, not a copy
  let text = bytes.toString('latin1');
  if (text.startsWith('\n')) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return text;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text fields are UTF-8 when they decode as such (panels send local-language zone names), else latin1. */
function decodeText(byteString: string): string {
  if (!/[\u0080-\u00ff]/.test(byteString)) return byteString;
  try {
    return utf8.decode(Buffer.from(byteString, 'latin1'));
  } catch {
    return byteString;
  }
}

function readEnvelope(input: Uint8Array | string, options: Dc09ParseOptions): Envelope | Failure {
  const text = toByteString(input);
  const envelope = ENVELOPE.exec(text);
  if (!envelope) return failure('format', 'frame does not start with a CRC and a length');
  const [, crcText = '', lengthText = ''] = envelope;
  const body = text.slice(8);
  const quirks: string[] = [];
  if (Number.parseInt(lengthText, 16) !== body.length) {
    const decimal = /^\d{4}$/.test(lengthText) && Number.parseInt(lengthText, 10) === body.length;
    if (!decimal || options.tolerateDecimalLength === false) {
      return failure('length', `length field ${lengthText} does not match a body of ${body.length} bytes`);
    }
    quirks.push('decimal-length');
  }
  if (Number.parseInt(crcText, 16) !== crc16Arc(body)) {
    return failure('crc', `CRC ${crcText} does not match ${crcHex(crc16Arc(body))}`);
  }
  const header = HEADER.exec(body);
  if (!header) return failure('format', 'header is not "ID"seq[Rrcvr][Lpref][#acct][');
  const [whole, star = '', id = '', sequence = '', receiver, prefix, account] = header;
  const parsed: Dc09Header = { token: `${star}${id}`, encrypted: star === '*', sequence };
  if (receiver !== undefined) parsed.receiver = receiver;
  if (prefix !== undefined) parsed.prefix = prefix;
  if (account !== undefined) parsed.account = account;
  return { body, header: parsed, content: body.slice(whole.length), quirks };
}

interface Content {
  data: string;
  xdata: Dc09XData[];
  timestampText?: string;
  timestamp?: Date;
}

/** Parses `data][x…][x…]_timestamp` (the part after the opening bracket, pad removed). */
function readContent(content: string): Content | string {
  const close = content.indexOf(']');
  if (close < 0) return 'data element has no closing bracket';
  const data = content.slice(0, close);
  if (data.includes('[')) return 'data element contains an opening bracket';
  const xdata: Dc09XData[] = [];
  let at = close + 1;
  while (content[at] === '[') {
    const end = content.indexOf(']', at);
    if (end < 0) return 'extended data element has no closing bracket';
    const inner = content.slice(at + 1, end);
    if (inner.includes('[')) return 'extended data element contains an opening bracket';
    if (inner.length > 0) xdata.push({ id: inner.slice(0, 1), value: decodeText(inner.slice(1)) });
    at = end + 1;
  }
  const tail = content.slice(at);
  const result: Content = { data: decodeText(data), xdata };
  if (tail.length === 0) return result;
  const timestamp = tail.length === DC09_TIMESTAMP_LENGTH ? parseDc09Timestamp(tail) : undefined;
  if (!timestamp) return 'trailing characters are not a timestamp _HH:MM:SS,MM-DD-YYYY';
  result.timestamp = timestamp;
  result.timestampText = tail.slice(1);
  return result;
}

/** Splits decrypted bytes into pad and content; undefined when they are not a DC-09 plaintext. */
function unpad(plain: string, messageId: string): { content: string; quirk?: string } | undefined {
  const bar = plain.indexOf('|');
  const close = plain.indexOf(']');
  if (bar >= 0 && (close < 0 || bar < close)) {
    const pad = plain.slice(0, bar);
    return pad.includes('[') ? undefined : { content: plain.slice(bar + 1) };
  }
  // Some panels pad an encrypted NULL without the "|" terminator; the data is empty anyway.
  if (messageId === 'NULL' && close >= 0 && !plain.slice(0, close).includes('[')) {
    return { content: plain.slice(close), quirk: 'pad-without-separator' };
  }
  return undefined;
}

function decrypt(
  envelope: Envelope,
  messageId: string,
  options: Dc09ParseOptions,
): { content: Content; key: Buffer; quirks: string[] } | Failure {
  const { header, content } = envelope;
  if (!header.account) return failure('format', 'encrypted frame without an account', header);
  if (!HEX_BLOCKS.test(content)) {
    return failure('format', 'encrypted data is not whole 16-byte blocks of hex', header);
  }
  const configured = options.keys?.(header.account);
  if (configured === undefined) return failure('unknown-key', 'no key for this account', header);
  const candidates = keyCandidates(configured);
  if (candidates.length === 0) {
    return failure('unknown-key', 'the configured key is not 128, 192 or 256 bits', header);
  }
  const encrypted = Buffer.from(content, 'hex');
  let best: Failure = failure('decrypt', 'the key does not decrypt the frame', header);
  for (const key of candidates) {
    const plain = decryptBlocks(key, encrypted).toString('latin1');
    const unpadded = unpad(plain, messageId);
    if (!unpadded) continue;
    const parsed = readContent(unpadded.content);
    if (typeof parsed === 'string') continue;
    if (!parsed.timestamp) {
      best = failure('format', 'encrypted frame without a timestamp', header);
      continue;
    }
    return { content: parsed, key, quirks: unpadded.quirk ? [unpadded.quirk] : [] };
  }
  return best;
}

/**
 * Parses one frame. The unchecked variant is exported for the property tests, which prove that
 * no input reaches an exception; production code calls parseFrame.
 */
export function parseFrameUnchecked(
  input: Uint8Array | string,
  options: Dc09ParseOptions = {},
): Dc09ParseResult {
  const envelope = readEnvelope(input, options);
  if ('ok' in envelope) return envelope;
  const { header } = envelope;
  const messageId = header.encrypted ? header.token.slice(1) : header.token;
  if (!isMessageId(messageId)) {
    return failure('unsupported', `message ID "${header.token}" is not supported`, header);
  }
  let content: Content;
  let key: Buffer | undefined;
  const quirks = envelope.quirks;
  if (header.encrypted) {
    const decrypted = decrypt(envelope, messageId, options);
    if ('ok' in decrypted) return decrypted;
    content = decrypted.content;
    key = decrypted.key;
    quirks.push(...decrypted.quirks);
    const window = options.window ?? DEFAULT_TIME_WINDOW;
    if (window !== false && content.timestamp) {
      const skewSeconds = (content.timestamp.getTime() - (options.now ?? new Date()).getTime()) / 1000;
      if (skewSeconds < -window.pastSeconds || skewSeconds > window.futureSeconds) {
        return failure(
          'timestamp',
          `timestamp is ${Math.round(skewSeconds)} s from the receiver's clock (window −${window.pastSeconds}/+${window.futureSeconds} s)`,
          header,
        );
      }
    }
  } else {
    const parsed = readContent(envelope.content);
    if (typeof parsed === 'string') return failure('format', parsed, header);
    content = parsed;
  }
  const account = header.account ?? DATA_ACCOUNT.exec(content.data)?.[1];
  if (account === undefined) return failure('format', 'no account in the header or the data', header);
  // An account that has a key must not be spoofable in clear text: a forged unencrypted link
  // test could otherwise hide a cut line, a forged closing an intrusion.
  if (!header.encrypted && options.keys?.(account) !== undefined) {
    return failure('unencrypted', 'clear-text frame for an account that has an encryption key', {
      ...header,
      account,
    });
  }
  const frame: Dc09Frame = {
    token: header.token,
    encrypted: header.encrypted,
    sequence: header.sequence,
    account,
    messageId,
    data: content.data,
    xdata: content.xdata,
    quirks,
  };
  if (header.receiver !== undefined) frame.receiver = header.receiver;
  if (header.prefix !== undefined) frame.prefix = header.prefix;
  if (content.timestamp) frame.timestamp = content.timestamp;
  if (content.timestampText) frame.timestampText = content.timestampText;
  if (key) frame.key = key;
  return { ok: true, frame };
}

/** Parses one frame (LF and CR optional); never throws — every failure is a typed result. */
export function parseFrame(input: Uint8Array | string, options: Dc09ParseOptions = {}): Dc09ParseResult {
  try {
    return parseFrameUnchecked(input, options);
  } catch (error) {
    // Unreachable by the property tests; kept so a future regression answers NAK, not a crash.
    return failure('format', `unparseable frame (${error instanceof Error ? error.name : 'error'})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Building frames (panel side: simulator, tests) and responses (receiver side).

/** What a panel puts in a frame; text is encoded as UTF-8. */
export interface Dc09FrameSpec {
  messageId: Dc09MessageId;
  sequence: number | string;
  receiver?: string | undefined;
  prefix?: string | undefined;
  account: string;
  /** The data element without brackets, e.g. `#1234|Nri1/BA01`; empty for NULL. */
  data?: string;
  xdata?: Dc09XData[];
  /** Transmission time; `null` omits it (unencrypted only). Defaults to now. */
  timestamp?: Date | null;
  /** Encrypts the frame (`*` ID) with this key. */
  key?: Dc09Key | Uint8Array | undefined;
}

const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

function sequenceText(sequence: number | string): string {
  const text = typeof sequence === 'number' ? String(sequence).padStart(4, '0') : sequence;
  if (!/^\d{4}$/.test(text)) throw new RangeError(`sequence must be 0000-9999, got ${text}`);
  return text;
}

function routing(receiver: string | undefined, prefix: string | undefined): string {
  return `${receiver === undefined ? '' : `R${receiver}`}L${prefix ?? '0'}`;
}

function encryptRegion(key: Uint8Array, region: string): string {
  const regionBytes = Buffer.from(region, 'latin1');
  const plain = Buffer.concat([padFor(regionBytes.length), regionBytes]);
  return encryptBlocks(key, plain).toString('hex').toUpperCase();
}

function firstKey(key: Dc09Key | Uint8Array): Buffer {
  const [bytes] = keyCandidates(key);
  if (!bytes) throw new RangeError('key must be 128, 192 or 256 bits (hex or ASCII)');
  return bytes;
}

/** Wraps a body (first quote through timestamp) with LF, CRC, length and CR. */
export function frameBody(body: string): Buffer {
  if (body.length > 0xfff) throw new RangeError(`frame body of ${body.length} bytes exceeds 0FFF`);
  const length = `0${body.length.toString(16).toUpperCase().padStart(3, '0')}`;
  return Buffer.from(`\n${crcHex(crc16Arc(body))}${length}${body}\r`, 'latin1');
}

/** Builds a complete frame, encrypted when a key is given. */
export function buildFrame(spec: Dc09FrameSpec): Buffer {
  const encrypted = spec.key !== undefined;
  const timestamp = spec.timestamp === undefined ? new Date() : spec.timestamp;
  if (encrypted && timestamp === null) throw new RangeError('an encrypted frame needs a timestamp');
  const xdata = (spec.xdata ?? []).map((x) => `[${latin1(x.id)}${latin1(x.value)}]`).join('');
  const region = `${latin1(spec.data ?? '')}]${xdata}${timestamp ? formatDc09Timestamp(timestamp) : ''}`;
  const head =
    `"${encrypted ? '*' : ''}${spec.messageId}"${sequenceText(spec.sequence)}` +
    `${routing(spec.receiver, spec.prefix)}#${spec.account}[`;
  const content = spec.key === undefined ? region : encryptRegion(firstKey(spec.key), `|${region}`);
  return frameBody(head + content);
}

/** The fields an acknowledgement echoes. */
export interface Dc09Echo {
  sequence: string;
  receiver?: string | undefined;
  prefix?: string | undefined;
  account?: string | undefined;
  /** Set for an encrypted frame: the answer is then `*ACK` with an encrypted timestamp. */
  key?: Uint8Array | undefined;
}

/** `"ACK"` (or `"*ACK"` with an encrypted timestamp) echoing sequence, receiver, prefix and account. */
export function buildAck(echo: Dc09Echo, now: Date = new Date()): Buffer {
  const route = `${echo.sequence}${routing(echo.receiver, echo.prefix)}#${echo.account ?? ''}[`;
  if (echo.key === undefined) return frameBody(`"ACK"${route}]`);
  return frameBody(`"*ACK"${route}${encryptRegion(echo.key, `|]${formatDc09Timestamp(now)}`)}`);
}

/** `"NAK"0000R0L0A0[]_timestamp`: never encrypted, carries the receiver's clock so panels can resync. */
export function buildNak(now: Date = new Date()): Buffer {
  return frameBody(`"NAK"0000R0L0A0[]${formatDc09Timestamp(now)}`);
}

/** `"DUH"`: the frame was received correctly but cannot be processed. */
export function buildDuh(echo: Dc09Echo): Buffer {
  const account = echo.account === undefined ? 'A0' : `#${echo.account}`;
  return frameBody(`"DUH"${echo.sequence}${routing(echo.receiver, echo.prefix)}${account}[]`);
}

/** A receiver's answer as a panel reads it. */
export interface Dc09Response {
  kind: 'ACK' | 'NAK' | 'DUH' | 'RSP';
  encrypted: boolean;
  sequence: string;
  receiver?: string;
  prefix?: string;
  account?: string;
  timestamp?: Date;
}

const RESPONSE_KINDS = ['ACK', 'NAK', 'DUH', 'RSP'] as const;
const isResponseKind = (kind: string): kind is Dc09Response['kind'] =>
  RESPONSE_KINDS.some((known) => known === kind);

/** Parses a receiver's answer (panel side); an encrypted `*ACK` needs the account's key. */
export function parseResponse(
  input: Uint8Array | string,
  key?: Dc09Key | Uint8Array,
): { ok: true; response: Dc09Response } | Failure {
  try {
    const envelope = readEnvelope(input, {});
    if ('ok' in envelope) return envelope;
    const { header } = envelope;
    const kind = header.encrypted ? header.token.slice(1) : header.token;
    if (!isResponseKind(kind)) return failure('unsupported', `"${header.token}" is not a response`, header);
    const response: Dc09Response = { ...header, kind };
    if (header.encrypted) {
      const decrypted = decrypt(envelope, kind, { keys: () => key, window: false });
      if ('ok' in decrypted) return decrypted;
      if (decrypted.content.timestamp) response.timestamp = decrypted.content.timestamp;
    } else {
      const parsed = readContent(envelope.content);
      if (typeof parsed === 'string') return failure('format', parsed, header);
      if (parsed.timestamp) response.timestamp = parsed.timestamp;
    }
    return { ok: true, response };
  } catch (error) {
    return failure('format', `unparseable response (${error instanceof Error ? error.name : 'error'})`);
  }
}
