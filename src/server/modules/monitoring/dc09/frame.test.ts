import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptBlocks, keyCandidates, type Dc09Key } from './cipher.js';
import { crc16Arc } from './crc.js';
import { contactIdData, siaDcsData } from './events.js';
import {
  buildAck,
  buildDuh,
  buildFrame,
  buildNak,
  DC09_MESSAGE_IDS,
  parseFrame,
  parseFrameUnchecked,
  parseResponse,
  type Dc09FrameSpec,
  type Dc09ParseResult,
} from './frame.js';
import { formatDc09Timestamp, parseDc09Timestamp } from './timestamp.js';

/** One character of the given ones (spreading a string trips a lint rule about code points). */
const chars = (text: string) => fc.constantFrom(...Array.from(text));

const REASONS = [
  'format',
  'length',
  'crc',
  'unsupported',
  'unknown-key',
  'decrypt',
  'timestamp',
  'unencrypted',
];

function expectWellFormed(result: Dc09ParseResult): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(REASONS).toContain(result.reason);
    expect(result.message.length).toBeGreaterThan(0);
  }
}

describe('CRC-16/ARC', () => {
  it('matches the catalogue check value for "123456789"', () => {
    expect(crc16Arc('123456789')).toBe(0xbb3d);
    expect(crc16Arc(Buffer.from('123456789'))).toBe(0xbb3d);
    expect(crc16Arc('')).toBe(0);
  });
});

describe('timestamps', () => {
  it('formats and parses _HH:MM:SS,MM-DD-YYYY in UTC', () => {
    const at = new Date('2024-07-26T17:01:14Z');
    expect(formatDc09Timestamp(at)).toBe('_17:01:14,07-26-2024');
    expect(parseDc09Timestamp('_17:01:14,07-26-2024')?.toISOString()).toBe(at.toISOString());
  });

  it('rejects impossible dates instead of rolling them over', () => {
    expect(parseDc09Timestamp('_12:00:00,02-31-2024')).toBeUndefined();
    expect(parseDc09Timestamp('_24:00:00,01-01-2024')).toBeUndefined();
    expect(parseDc09Timestamp('_12:00:00,13-01-2024')).toBeUndefined();
  });
});

// Frames captured from real panels and published in open-source receivers; CRC and length
// below are the ones the panels computed, not ours.
describe('known-answer frames from public implementations', () => {
  it('parses an ADM-CID remote-arm frame with receiver and prefix', () => {
    const result = parseFrame(
      '\nF92F0043"ADM-CID"0020R7896L7896#3456[#3456|1407 00 001]_17:01:14,07-26-2024\r',
    );
    expect(result).toMatchObject({
      ok: true,
      frame: {
        messageId: 'ADM-CID',
        encrypted: false,
        sequence: '0020',
        receiver: '7896',
        prefix: '7896',
        account: '3456',
        data: '#3456|1407 00 001',
        timestampText: '17:01:14,07-26-2024',
      },
    });
    if (result.ok) expect(result.frame.timestamp?.toISOString()).toBe('2024-07-26T17:01:14.000Z');
  });

  it('parses a NULL link test and untimestamped Contact ID frames', () => {
    expect(parseFrame('D730002F"NULL"0000R7896L7896#3456[]_17:01:26,07-26-2024')).toMatchObject({
      ok: true,
      frame: { messageId: 'NULL', account: '3456', data: '' },
    });
    expect(parseFrame('9EC40027"ADM-CID"0001L0#1002[#1002|1602 00 001]')).toMatchObject({
      ok: true,
      frame: { messageId: 'ADM-CID', account: '1002', prefix: '0', data: '#1002|1602 00 001' },
    });
    expect(parseFrame('75140027"ADM-CID"0001L0#1002[#1002|3354 00 004]').ok).toBe(true);
  });

  it('decrypts an encrypted NULL published with its ASCII key', () => {
    const frame =
      '76D80055"*NULL"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9';
    const keys = () => ({ key: 'AAAAAAAAAAAAAAAA' });
    const result = parseFrame(frame, { keys, now: new Date('2020-07-05T18:25:00Z') });
    expect(result).toMatchObject({
      ok: true,
      frame: { messageId: 'NULL', encrypted: true, account: 'AAAB' },
    });
    if (result.ok) expect(result.frame.timestamp?.toISOString()).toBe('2020-07-05T18:24:52.000Z');
    // The same frame read with today's clock is far outside the window.
    expect(parseFrame(frame, { keys })).toMatchObject({ ok: false, reason: 'timestamp' });
    // Read as hex the 16 characters are not a valid key.
    expect(parseFrame(frame, { keys: () => ({ key: 'AAAAAAAAAAAAAAAA', encoding: 'hex' }) })).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });
    expect(parseFrame(frame, { keys: () => ({ key: 'BBBBBBBBBBBBBBBB' }) })).toMatchObject({
      ok: false,
      reason: 'decrypt',
      header: { account: 'AAAB', sequence: '0000' },
    });
    expect(parseFrame(frame)).toMatchObject({ ok: false, reason: 'unknown-key' });
  });

  it('checks the length field against the body', () => {
    // Published with a correct CRC but a length field that does not match the body.
    expect(parseFrame('E5D50078"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019')).toMatchObject({
      ok: false,
      reason: 'length',
    });
  });

  it('tolerates a panel that writes the length in decimal, and says so', () => {
    const frame = '57150047"ADM-CID"0247R4F39L4F39#4F39[#4F39|3401 01 057]';
    expect(parseFrame(frame)).toMatchObject({
      ok: true,
      frame: { quirks: ['decimal-length'], account: '4F39' },
    });
    expect(parseFrame(frame, { tolerateDecimalLength: false })).toMatchObject({
      ok: false,
      reason: 'length',
    });
  });
});

describe('clear text for a keyed account', () => {
  it('is refused as unencrypted, with its header', () => {
    const frame = buildFrame({ messageId: 'NULL', sequence: 1, account: 'C0DE' });
    expect(parseFrame(frame, { keys: () => ({ key: '0123456789abcdef' }) })).toMatchObject({
      ok: false,
      reason: 'unencrypted',
      header: { account: 'C0DE' },
    });
    expect(parseFrame(frame, { keys: () => undefined }).ok).toBe(true);
  });
});

describe('parse failures', () => {
  const valid = buildFrame({
    messageId: 'SIA-DCS',
    sequence: 7,
    receiver: '12',
    prefix: '3',
    account: 'ABC123',
    data: '#ABC123|Nri1/BA01',
    timestamp: new Date('2024-01-02T03:04:05Z'),
  });

  it('reports a bad CRC', () => {
    const text = valid.toString('latin1');
    const broken = text.slice(0, 1) + (text[1] === '0' ? '1' : '0') + text.slice(2);
    expect(parseFrame(broken)).toMatchObject({ ok: false, reason: 'crc' });
  });

  it('reports an unknown message ID with its header so the receiver can answer DUH', () => {
    const body = '"SIA-XYZ"0001L0#1234[]';
    const frame = `${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}00${body.length.toString(16)}${body}`;
    expect(parseFrame(frame)).toMatchObject({
      ok: false,
      reason: 'unsupported',
      header: { token: 'SIA-XYZ', account: '1234' },
    });
  });

  it('reports a malformed header or data as a format error', () => {
    const build = (body: string) =>
      `${crc16Arc(body).toString(16).padStart(4, '0')}0${body.length.toString(16).padStart(3, '0')}${body}`;
    expect(parseFrame(build('"SIA-DCS"12L0#1234[#1234|NBA1]'))).toMatchObject({ reason: 'format' });
    expect(parseFrame(build('"SIA-DCS"0012L0#1234[#1234|NBA1'))).toMatchObject({ reason: 'format' });
    expect(parseFrame(build('"SIA-DCS"0012L0#1234[#1234|NBA1]_99:00:00,01-01-2024'))).toMatchObject({
      reason: 'format',
    });
    expect(parseFrame(build('"SIA-DCS"0012L0[NBA1]'))).toMatchObject({ reason: 'format' });
    expect(parseFrame(build('"*SIA-DCS"0012L0#1234[ZZ]'))).toMatchObject({ reason: 'format' });
    expect(parseFrame('')).toMatchObject({ reason: 'format' });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const hexDigits = (min: number, max: number) =>
  fc.string({ unit: chars('0123456789ABCDEF'), minLength: min, maxLength: max });

const keyArb: fc.Arbitrary<Dc09Key | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(16, 24, 32).chain((bytes) =>
    fc.oneof(
      hexDigits(bytes * 2, bytes * 2).map((key): Dc09Key => ({ key, encoding: 'hex' })),
      fc
        .string({
          unit: chars('abcdefghijklmnopqrstuvwxyzXYZ!@$%0123456789'),
          minLength: bytes,
          maxLength: bytes,
        })
        .map((key): Dc09Key => ({ key, encoding: 'ascii' })),
    ),
  ),
);

const specArb: fc.Arbitrary<Dc09FrameSpec> = fc
  .record({
    messageId: fc.constantFrom(...DC09_MESSAGE_IDS),
    sequence: fc.integer({ min: 0, max: 9999 }),
    receiver: fc.option(hexDigits(1, 6), { nil: undefined }),
    prefix: fc.option(hexDigits(1, 6), { nil: undefined }),
    account: hexDigits(3, 16),
    code: fc.constantFrom('BA', 'BR', 'FA', 'OP', 'CL', 'RP', 'TA'),
    zone: fc.integer({ min: 0, max: 999 }),
    text: fc.option(fc.string({ unit: chars('abc XYZ 12.øé€'), maxLength: 20 }), {
      nil: undefined,
    }),
    xdata: fc.array(
      fc.record({
        id: fc.constantFrom('X', 'Y', 'M', 'V'),
        value: fc.string({ unit: chars('0123456789.ABCDEF:/ '), maxLength: 24 }),
      }),
      { maxLength: 3 },
    ),
    timestamp: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    withTimestamp: fc.boolean(),
    key: keyArb,
  })
  .map((r) => {
    const at = new Date(Math.floor(r.timestamp.getTime() / 1000) * 1000);
    const data =
      r.messageId === 'NULL'
        ? ''
        : r.messageId === 'SIA-DCS'
          ? `${siaDcsData(r.account, r.code, String(r.zone), '1')}${r.text ? `^${r.text}^` : ''}`
          : contactIdData(r.account, '1', '130', '01', String(r.zone).padStart(3, '0'));
    return {
      messageId: r.messageId,
      sequence: r.sequence,
      receiver: r.receiver,
      prefix: r.prefix,
      account: r.account,
      data,
      xdata: r.xdata,
      timestamp: r.key || r.withTimestamp ? at : null,
      key: r.key,
    };
  });

function parseBuilt(spec: Dc09FrameSpec, bytes: Uint8Array): Dc09ParseResult {
  const now = spec.timestamp ?? new Date();
  return parseFrameUnchecked(bytes, { keys: () => spec.key, now });
}

describe('properties', () => {
  it('round-trips every message ID, encrypted or not, with hex and ASCII keys of every size', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const result = parseBuilt(spec, buildFrame(spec));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const { frame } = result;
        expect(frame.messageId).toBe(spec.messageId);
        expect(frame.encrypted).toBe(spec.key !== undefined);
        expect(frame.sequence).toBe(String(spec.sequence).padStart(4, '0'));
        expect(frame.receiver).toBe(spec.receiver);
        expect(frame.prefix).toBe(spec.prefix ?? '0');
        expect(frame.account).toBe(spec.account);
        expect(frame.data).toBe(spec.data);
        expect(frame.xdata).toEqual(spec.xdata?.filter((x) => x.id.length + x.value.length > 0));
        expect(frame.timestamp?.getTime()).toBe(spec.timestamp?.getTime());
        if (spec.key) expect(frame.key).toEqual(keyCandidates(spec.key)[0]);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expectWellFormed(parseFrameUnchecked(bytes, { keys: () => ({ key: '0123456789ABCDEF' }) }));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random text shaped like a frame', () => {
    const alphabet = chars('0123456789ABCDEF"*#[]|_:,-LRNSIA-DCSMUL\n\r^/ ');
    const frameLike = fc
      .tuple(hexDigits(4, 4), hexDigits(4, 4), fc.string({ unit: alphabet, maxLength: 200 }))
      .map(([crc, len, rest]) => `${crc}${len}${rest}`);
    fc.assert(
      fc.property(frameLike, (text) => {
        expectWellFormed(parseFrameUnchecked(text, { keys: () => ({ key: '0123456789ABCDEF' }) }));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid frames (flip, insert, delete, truncate, duplicate)', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(specArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), (spec, mutations) => {
        let bytes = Buffer.from(buildFrame(spec));
        for (const mut of mutations) {
          const at = mut.at % Math.max(bytes.length, 1);
          if (mut.kind === 'flip') bytes[at] = mut.byte;
          else if (mut.kind === 'insert')
            bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([mut.byte]), bytes.subarray(at)]);
          else if (mut.kind === 'delete')
            bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          else if (mut.kind === 'truncate') bytes = bytes.subarray(0, at);
          else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at)]);
        }
        expectWellFormed(parseBuilt(spec, bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses every single-byte corruption of a frame that changes what it says', () => {
    fc.assert(
      fc.property(specArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (spec, position, delta) => {
        const original = buildFrame(spec);
        const corrupted = Buffer.from(original);
        const at = position % corrupted.length;
        corrupted[at] = ((corrupted[at] ?? 0) + delta) % 256;
        const before = parseBuilt(spec, original);
        const after = parseBuilt(spec, corrupted);
        expectWellFormed(after);
        // Only a change of letter case in the hex CRC/length fields can leave the frame valid.
        if (after.ok && before.ok) {
          expect({ ...after.frame, quirks: [] }).toEqual({ ...before.frame, quirks: [] });
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps the public parser total as well', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectWellFormed(parseFrame(bytes));
      }),
    );
  });
});

describe('acknowledgements', () => {
  const echo = { sequence: '0042', receiver: '1A', prefix: '2', account: '123456' };

  it('ACK echoes sequence, receiver, prefix and account', () => {
    const ack = buildAck(echo);
    expect(ack.toString('latin1')).toMatch(/^\n[0-9A-F]{4}0[0-9A-F]{3}"ACK"0042R1AL2#123456\[\]\r$/);
    expect(parseResponse(ack)).toMatchObject({ ok: true, response: { kind: 'ACK', ...echo } });
  });

  it('*ACK carries the receiver timestamp encrypted with the frame key', () => {
    const key = Buffer.from('00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF', 'hex');
    const now = new Date('2025-03-04T05:06:07Z');
    const ack = buildAck({ ...echo, key }, now);
    const text = ack.toString('latin1');
    expect(text).toMatch(/^\n[0-9A-F]{8}"\*ACK"0042R1AL2#123456\[[0-9A-F]+\r$/);
    const hex = text.slice(text.indexOf('[') + 1, -1);
    const plain = decryptBlocks(key, Buffer.from(hex, 'hex')).toString('latin1');
    expect(plain.endsWith('|]_05:06:07,03-04-2025')).toBe(true);
    const parsed = parseResponse(ack, key);
    expect(parsed).toMatchObject({ ok: true, response: { kind: 'ACK', encrypted: true, sequence: '0042' } });
    if (parsed.ok) expect(parsed.response.timestamp?.toISOString()).toBe(now.toISOString());
  });

  it('NAK is "NAK"0000R0L0A0[] with the receiver timestamp', () => {
    const nak = buildNak(new Date('2025-03-04T05:06:07Z'));
    expect(nak.toString('latin1')).toMatch(/^\n[0-9A-F]{4}0025"NAK"0000R0L0A0\[\]_05:06:07,03-04-2025\r$/);
    expect(parseResponse(nak)).toMatchObject({
      ok: true,
      response: { kind: 'NAK', prefix: '0', sequence: '0000' },
    });
  });

  it('DUH echoes the routing fields', () => {
    expect(buildDuh(echo).toString('latin1')).toContain('"DUH"0042R1AL2#123456[]');
    expect(buildDuh({ sequence: '0001' }).toString('latin1')).toContain('"DUH"0001L0A0[]');
  });
});
