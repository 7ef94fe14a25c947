import { decodeContactId, decodeSiaDcs, type DecodedEvent } from './events.js';
import type { Dc09Frame, Dc09Header, Dc09ParseError } from './frame.js';

// The one place where DC-09 meets the monitoring pipeline. The event shape below is ASSUMED
// (the ingestion contract lives in src/contracts/monitoring.ts, written in parallel); aligning
// the two at merge time should only touch this file.

/** One event handed to the monitoring pipeline's commit. */
export interface Dc09PipelineEvent {
  source: 'dc09';
  /** Stable across a panel's retransmissions of the same frame: the pipeline dedupes on it. */
  sourceEventId: string;
  account: string;
  receiver?: string;
  prefix?: string;
  /** When the receiver read the frame (ISO-8601 UTC). */
  receivedAt: string;
  /** The panel's timestamp when it sent one, else receivedAt (ISO-8601 UTC). */
  occurredAt: string;
  /** Normalized type (see DC09_EVENT_TYPES). */
  type: string;
  /** `BA`, `E130`, `NULL`… exactly as the panel reported it. */
  rawCode: string;
  zone?: string;
  user?: string;
  details?: Record<string, unknown>;
}

/**
 * How long an untimestamped frame keeps one identity. DC-09 makes the timestamp optional on
 * clear-text frames and some panels also never advance the sequence number, so the same daily
 * test report would otherwise get the same key every day and be deduplicated away for good.
 * Retransmissions come within seconds; one crossing a bucket boundary is stored twice, which is
 * visible, where a lost report would not be.
 */
export const UNTIMESTAMPED_BUCKET_MS = 10 * 60_000;

/**
 * The retransmission identity of a frame: panel timestamp, account, receiver, prefix and
 * sequence, plus a digest of the decrypted content. The time comes first, as YYYYMMDDHHMMSS:
 * the idempotency index then grows at its end like a log instead of taking inserts all over a
 * thousand accounts' ranges, which halved the bytes each ingestion commit writes and syncs. The digest keeps two different events apart
 * when a panel reuses a sequence number within the same second (some send 0000 every time); a
 * retransmission repeats the content, so the key does not change. The random pad of an encrypted
 * frame is not part of it. The receiver remembers these keys to answer retransmissions.
 */
export function retransmissionKey(frame: Dc09Frame): string {
  let content = `${frame.messageId}\u0000${frame.data}`;
  for (const x of frame.xdata) content += `\u0000${x.id}${x.value}`;
  return `dc09:${sortableTime(frame.timestampText)}:${frame.account}:${frame.receiver ?? ''}:${frame.prefix ?? ''}:${frame.sequence}:${contentDigest(content)}`;
}

/** `HH:MM:SS,MM-DD-YYYY` as `YYYYMMDDHHMMSS`, so keys sort (and index) in time order; `-` without one. */
function sortableTime(text: string | undefined): string {
  if (text === undefined || text.length !== 19) return text === undefined ? '-' : text;
  return `${text.slice(15, 19)}${text.slice(9, 11)}${text.slice(12, 14)}${text.slice(0, 2)}${text.slice(3, 5)}${text.slice(6, 8)}`;
}

/**
 * The durable idempotency key of a frame (its events add `:index`): the retransmission key, with
 * the receive time bucket in the place of the timestamp a panel did not send (`dc09:-:` becomes
 * `dc09:r<bucket>:`).
 */
export function frameKey(frame: Dc09Frame, receivedAt: Date, key = retransmissionKey(frame)): string {
  if (frame.timestampText !== undefined) return key;
  return `dc09:r${Math.floor(receivedAt.getTime() / UNTIMESTAMPED_BUCKET_MS)}${key.slice(UNTIMESTAMPED_PREFIX.length - 1)}`;
}

const UNTIMESTAMPED_PREFIX = 'dc09:-:';

// Two FNV-1a passes with different offsets: 64 bits against accidental collisions between
// frames that already share account, sequence and timestamp. Not a security boundary, and a
// fraction of the cost of a cryptographic hash on the ingestion hot path.
function contentDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function decode(frame: Dc09Frame): DecodedEvent[] {
  switch (frame.messageId) {
    case 'NULL':
      return [
        { type: 'supervision', rawCode: 'NULL', description: 'Link test', details: { linkTest: true } },
      ];
    case 'SIA-DCS':
      return decodeSiaDcs(frame.data);
    case 'ADM-CID':
      return decodeContactId(frame.data);
  }
}

function routing(header: Dc09Header): Pick<Dc09PipelineEvent, 'receiver' | 'prefix'> {
  const out: Pick<Dc09PipelineEvent, 'receiver' | 'prefix'> = {};
  if (header.receiver !== undefined) out.receiver = header.receiver;
  if (header.prefix !== undefined) out.prefix = header.prefix;
  return out;
}

/**
 * Turns a parsed frame into pipeline events. `decodable` is false when the frame is valid but its
 * data is not SIA DCS / Contact ID: the raw data is still returned as one `other` event so it is
 * stored, and the receiver answers DUH.
 */
export function toPipelineEvents(
  frame: Dc09Frame,
  receivedAt: Date,
  /** The frame's retransmissionKey, when the caller already has it. */
  knownKey?: string,
): { events: Dc09PipelineEvent[]; decodable: boolean } {
  const key = frameKey(frame, receivedAt, knownKey);
  const received = receivedAt.toISOString();
  const occurred = (frame.timestamp ?? receivedAt).toISOString();
  const common = {
    source: 'dc09' as const,
    account: frame.account,
    ...routing(frame),
    receivedAt: received,
    occurredAt: occurred,
  };
  const frameDetails: Record<string, unknown> = {
    protocol: frame.messageId,
    encrypted: frame.encrypted,
    sequence: frame.sequence,
  };
  const extra: Record<string, unknown> = {};
  if (frame.xdata.length > 0) extra.xdata = frame.xdata;
  if (frame.quirks.length > 0) extra.quirks = frame.quirks;
  Object.assign(frameDetails, extra);
  const decoded = decode(frame);
  if (decoded.length === 0) {
    return {
      decodable: false,
      events: [
        {
          ...common,
          sourceEventId: `${key}:0`,
          type: 'other',
          rawCode: 'UNDECODABLE',
          details: { ...frameDetails, description: 'Data the receiver could not decode', data: frame.data },
        },
      ],
    };
  }
  return {
    decodable: true,
    events: decoded.map((event, index) => {
      const details: Record<string, unknown> = Object.assign(
        { protocol: frame.messageId, encrypted: frame.encrypted, sequence: frame.sequence },
        extra,
        event.details,
      );
      details.description = event.description;
      if (event.area !== undefined) details.area = event.area;
      if (event.restores !== undefined) details.restores = event.restores;
      if (event.condition !== undefined) details.condition = event.condition;
      const out: Dc09PipelineEvent = {
        source: 'dc09',
        sourceEventId: `${key}:${index}`,
        account: frame.account,
        receivedAt: received,
        occurredAt: occurred,
        type: event.type,
        rawCode: event.rawCode,
        details,
      };
      if (frame.receiver !== undefined) out.receiver = frame.receiver;
      if (frame.prefix !== undefined) out.prefix = frame.prefix;
      if (event.zone !== undefined) out.zone = event.zone;
      if (event.user !== undefined) out.user = event.user;
      return out;
    }),
  };
}

interface UnreadableMeaning {
  condition: string;
  rawCode: string;
  description: (token: string) => string;
}

const WRONG_KEY: UnreadableMeaning = {
  condition: 'encryption_key',
  rawCode: 'DC09-KEY',
  description: () => 'The panel sent an encrypted message that the configured key does not decrypt',
};

const UNREADABLE: Partial<Record<Dc09ParseError, UnreadableMeaning>> = {
  unsupported: {
    condition: 'unsupported_protocol',
    rawCode: 'DC09-UNSUPPORTED',
    description: (token) => `The panel sent message ID "${token}", which the receiver does not support`,
  },
  'unknown-key': {
    condition: 'encryption_key',
    rawCode: 'DC09-KEY',
    description: () => 'The panel sent an encrypted message but no key is configured for its account',
  },
  decrypt: WRONG_KEY,
  unencrypted: {
    condition: 'encryption_required',
    rawCode: 'DC09-UNENCRYPTED',
    description: () =>
      'A clear-text message arrived for an account that has an encryption key: a misconfigured or spoofed panel',
  },
};

/**
 * A frame from a known account that could not be read (no key, wrong key, unsupported message
 * ID, clear text for an account with a key). It is stored as a trouble event so a misconfigured
 * (or spoofed) panel is never silently ignored; the receiver throttles these, and the minute in
 * the key lets the pipeline fold repeats.
 */
export function unreadableFrameEvent(
  header: Dc09Header & { account: string },
  reason: Dc09ParseError,
  receivedAt: Date,
): Dc09PipelineEvent {
  const minute = receivedAt.toISOString().slice(0, 16);
  const { condition, rawCode, description } = UNREADABLE[reason] ?? WRONG_KEY;
  return {
    source: 'dc09',
    sourceEventId: ['dc09', header.account, header.receiver ?? '', header.prefix ?? '', reason, minute].join(
      ':',
    ),
    account: header.account,
    ...routing(header),
    receivedAt: receivedAt.toISOString(),
    occurredAt: receivedAt.toISOString(),
    type: 'trouble',
    rawCode,
    details: {
      protocol: header.token,
      encrypted: header.encrypted,
      sequence: header.sequence,
      condition,
      reason,
      description: description(header.token),
    },
  };
}
