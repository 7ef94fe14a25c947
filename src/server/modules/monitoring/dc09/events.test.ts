import { describe, expect, it } from 'vitest';
import { decodeContactId, decodeSiaDcs, DC09_EVENT_TYPES } from './events.js';
import { buildFrame, parseFrame, type Dc09Frame } from './frame.js';
import {
  frameKey,
  retransmissionKey,
  toPipelineEvents,
  UNTIMESTAMPED_BUCKET_MS,
  unreadableFrameEvent,
} from './pipeline-adapter.js';

describe('SIA DCS codes', () => {
  it.each([
    ['#1234|Nri1/BA01', { type: 'intrusion', rawCode: 'BA', zone: '01', area: '1' }],
    ['#1234|Nri1/BR01', { type: 'restore', rawCode: 'BR', zone: '01', restores: 'intrusion' }],
    ['#1234|NBH005', { type: 'restore', rawCode: 'BH', zone: '005', restores: 'intrusion' }],
    ['#1234|NFA12', { type: 'fire', rawCode: 'FA', zone: '12' }],
    ['#1234|NPA3', { type: 'panic', rawCode: 'PA', zone: '3' }],
    ['#1234|NHA1', { type: 'duress', rawCode: 'HA' }],
    ['#1234|NMA2', { type: 'medical', rawCode: 'MA' }],
    ['#1234|NTA7', { type: 'tamper', rawCode: 'TA', zone: '7' }],
    ['#1234|NTR7', { type: 'restore', rawCode: 'TR', restores: 'tamper' }],
    ['#1234|NAT0', { type: 'trouble', rawCode: 'AT', condition: 'ac_loss' }],
    ['#1234|NAR0', { type: 'restore', rawCode: 'AR', restores: 'trouble', condition: 'ac_loss' }],
    ['#1234|NYT0', { type: 'trouble', rawCode: 'YT', condition: 'low_battery' }],
    ['#1234|NYR0', { type: 'restore', rawCode: 'YR', condition: 'low_battery' }],
    ['#1234|Nri2/OP005', { type: 'opening', rawCode: 'OP', user: '005', area: '2' }],
    ['#1234|Nri2/CL005', { type: 'closing', rawCode: 'CL', user: '005' }],
    ['#1234|NRP0', { type: 'test', rawCode: 'RP' }],
    ['#1234|NTX1', { type: 'test', rawCode: 'TX' }],
    ['#1234|NDF4', { type: 'door_forced', rawCode: 'DF', zone: '4' }],
    ['#1234|NYC0', { type: 'trouble', rawCode: 'YC', condition: 'communication' }],
  ])('%s', (data, expected) => {
    const [event] = decodeSiaDcs(data);
    expect(event).toMatchObject(expected);
  });

  it('keeps modifiers, names and several events of one data element', () => {
    const events = decodeSiaDcs('#1234|Nid12/ri3/BA001^Front door^/BA002^Hall^');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ zone: '001', user: '12', area: '3', details: { text: 'Front door' } });
    expect(events[1]).toMatchObject({ zone: '002', area: '3', details: { text: 'Hall' } });
  });

  it('reads the layouts real panels send', () => {
    // Seen in the wild: modifiers glued to the code, names between carets, no account prefix.
    expect(decodeSiaDcs('#123456|Nri1CL0^VX FRONTE ^')[0]).toMatchObject({
      type: 'closing',
      user: '0',
      area: '1',
      details: { text: 'VX FRONTE' },
    });
    expect(decodeSiaDcs('#123456|Nri0KR1^TAST. 001 ^')[0]).toMatchObject({
      type: 'restore',
      restores: 'fire',
    });
    expect(decodeSiaDcs('|Nri1/CL501')[0]).toMatchObject({ type: 'closing', user: '501' });
    expect(decodeSiaDcs('Nri1/WA000')[0]).toMatchObject({ type: 'environmental', condition: 'water' });
    expect(decodeSiaDcs('#006969|Nri04/OP001NM')[0]).toMatchObject({ type: 'opening', user: '001' });
    expect(decodeSiaDcs('#1234|NL1')[0]).toMatchObject({ rawCode: 'NL', type: 'closing' });
  });

  it('infers unlisted codes from the DC-03 letter pattern and marks them inferred', () => {
    expect(decodeSiaDcs('#1234|NGB3')[0]).toMatchObject({ type: 'bypass', details: { inferred: true } });
    expect(decodeSiaDcs('#1234|NWX3')[0]).toMatchObject({ type: 'test', details: { inferred: true } });
    expect(decodeSiaDcs('#1234|NQQ3')[0]).toMatchObject({ type: 'other', rawCode: 'QQ' });
  });

  it('returns nothing for data without an event code', () => {
    expect(decodeSiaDcs('')).toEqual([]);
    expect(decodeSiaDcs('#1234|')).toEqual([]);
    expect(decodeSiaDcs('hello world')).toEqual([]);
  });
});

describe('Contact ID codes', () => {
  it.each([
    ['#1234|1130 01 015', { type: 'intrusion', rawCode: 'E130', zone: '015', area: '01' }],
    ['#1234|3130 01 015', { type: 'restore', rawCode: 'R130', restores: 'intrusion', zone: '015' }],
    ['#1234|1110 00 003', { type: 'fire', rawCode: 'E110', zone: '003' }],
    ['#1234|1120 01 001', { type: 'panic', rawCode: 'E120' }],
    ['#1234|1121 01 007', { type: 'duress', rawCode: 'E121', user: '007' }],
    ['#1234|1100 01 002', { type: 'medical', rawCode: 'E100' }],
    ['#1234|1137 01 004', { type: 'tamper', rawCode: 'E137' }],
    ['#1234|1383 01 004', { type: 'tamper', rawCode: 'E383' }],
    ['#1234|1301 00 000', { type: 'trouble', rawCode: 'E301', condition: 'ac_loss' }],
    ['#1234|3301 00 000', { type: 'restore', rawCode: 'R301', restores: 'trouble', condition: 'ac_loss' }],
    ['#1234|1302 00 000', { type: 'trouble', rawCode: 'E302', condition: 'low_battery' }],
    ['#1234|1401 02 012', { type: 'opening', rawCode: 'E401', user: '012', area: '02' }],
    ['#1234|3401 02 012', { type: 'closing', rawCode: 'R401', user: '012' }],
    ['#1234|1602 00 000', { type: 'test', rawCode: 'E602' }],
    ['#1234|1423 01 009', { type: 'door_forced', rawCode: 'E423', zone: '009' }],
    ['#1234|1570 01 009', { type: 'bypass', rawCode: 'E570' }],
    ['#1234|3570 01 009', { type: 'restore', restores: 'bypass' }],
    ['#1234|6302 00 000', { type: 'trouble', rawCode: 'P302', details: { previouslyReported: true } }],
    ['#1234|E130 01 015', { type: 'intrusion', rawCode: 'E130' }],
    ['#1234|R130 01 015', { type: 'restore', rawCode: 'R130' }],
    ['1130 01 015', { type: 'intrusion', zone: '015' }],
  ])('%s', (data, expected) => {
    const [event] = decodeContactId(data);
    expect(event).toMatchObject(expected);
  });

  it('places unlisted codes in their DC-05 group', () => {
    expect(decodeContactId('#123|1199 01 001')[0]).toMatchObject({
      type: 'intrusion',
      details: { inferred: true },
    });
    expect(decodeContactId('#123|1399 01 001')[0]).toMatchObject({ type: 'trouble' });
  });

  it('returns nothing for data that is not Contact ID', () => {
    expect(decodeContactId('#1234|Nri1/BA01')).toEqual([]);
    expect(decodeContactId('#1234|9130 01 015')).toEqual([]);
  });

  it('produces only types of the normalized vocabulary', () => {
    for (let code = 100; code < 1000; code += 1) {
      for (const q of ['1', '3', '6']) {
        const events = decodeContactId(`#123|${q}${code} 01 001`);
        expect(events).toHaveLength(1);
        for (const event of events) {
          expect(DC09_EVENT_TYPES).toContain(event.type);
          if (event.restores) expect(DC09_EVENT_TYPES).toContain(event.restores);
        }
      }
    }
  });
});

describe('pipeline adapter', () => {
  const at = new Date('2025-05-06T07:08:09Z');
  const key = { key: 'Secret-Key-16ch!' };
  const spec = {
    messageId: 'SIA-DCS' as const,
    sequence: 12,
    receiver: '5',
    prefix: '1',
    account: 'BEEF',
    data: '#BEEF|Nri1/BA01/BA02',
    timestamp: at,
    key,
  };
  const parse = (bytes: Buffer): Dc09Frame => {
    const result = parseFrame(bytes, { keys: () => key, now: at });
    if (!result.ok) throw new Error(result.message);
    return result.frame;
  };

  it('gives each event of a frame its own id, stable across retransmissions with a fresh pad', () => {
    const first = parse(buildFrame(spec));
    const again = parse(buildFrame(spec));
    const events = toPipelineEvents(first, at).events;
    expect(events.map((e) => e.sourceEventId)).toEqual(
      toPipelineEvents(again, at).events.map((e) => e.sourceEventId),
    );
    expect(new Set(events.map((e) => e.sourceEventId)).size).toBe(2);
    expect(events[0]).toMatchObject({
      source: 'dc09',
      account: 'BEEF',
      receiver: '5',
      prefix: '1',
      type: 'intrusion',
      rawCode: 'BA',
      zone: '01',
      occurredAt: at.toISOString(),
      receivedAt: at.toISOString(),
      details: { protocol: 'SIA-DCS', encrypted: true, sequence: '0012', area: '1' },
    });
  });

  it('puts the panel’s time first in the key, so the idempotency index grows in time order', () => {
    // 10:11:12 on 2 March 2025 at the panel.
    const parsed = parseFrame(
      buildFrame({ ...spec, key: undefined, timestamp: new Date(Date.UTC(2025, 2, 2, 10, 11, 12)) }),
      { window: false },
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(retransmissionKey(parsed.frame)).toMatch(/^dc09:20250302101112:BEEF:5:1:0012:[0-9a-f]{16}$/);
  });

  it('tells apart different events that reuse a sequence number and second', () => {
    const a = retransmissionKey(parse(buildFrame(spec)));
    expect(retransmissionKey(parse(buildFrame({ ...spec, data: '#BEEF|Nri1/BA03' })))).not.toBe(a);
    expect(retransmissionKey(parse(buildFrame({ ...spec, sequence: 13 })))).not.toBe(a);
    expect(
      retransmissionKey(parse(buildFrame({ ...spec, timestamp: new Date(at.getTime() + 1000) }))),
    ).not.toBe(a);
  });

  it('gives an untimestamped frame a new identity in each receive-time bucket', () => {
    const parsed = parseFrame(buildFrame({ ...spec, key: undefined, timestamp: null }));
    if (!parsed.ok) throw new Error(parsed.message);
    const frame = parsed.frame;
    const bucketStart = new Date(Math.ceil(at.getTime() / UNTIMESTAMPED_BUCKET_MS) * UNTIMESTAMPED_BUCKET_MS);
    expect(frameKey(frame, bucketStart)).toBe(frameKey(frame, new Date(bucketStart.getTime() + 60_000)));
    expect(frameKey(frame, bucketStart)).not.toBe(frameKey(frame, new Date(bucketStart.getTime() - 1)));
    // The bucket stands where the timestamp would: first, so keys index in time order.
    const bucket = Math.floor(bucketStart.getTime() / UNTIMESTAMPED_BUCKET_MS);
    expect(retransmissionKey(frame).startsWith('dc09:-:BEEF:')).toBe(true);
    expect(frameKey(frame, bucketStart)).toBe(
      `dc09:r${bucket}${retransmissionKey(frame).slice('dc09:-'.length)}`,
    );
    // A timestamped frame keeps its identity whenever it arrives.
    const stamped = parse(buildFrame(spec));
    expect(frameKey(stamped, at)).toBe(frameKey(stamped, new Date(at.getTime() + 86_400_000)));
  });

  it('turns a link test into a supervision event', () => {
    const frame = parse(buildFrame({ ...spec, messageId: 'NULL', data: '' }));
    expect(toPipelineEvents(frame, at)).toMatchObject({
      decodable: true,
      events: [{ type: 'supervision', rawCode: 'NULL' }],
    });
  });

  it('keeps undecodable data as one raw event', () => {
    const frame = parse(buildFrame({ ...spec, messageId: 'ADM-CID', data: 'garbage' }));
    expect(toPipelineEvents(frame, at)).toMatchObject({
      decodable: false,
      events: [{ type: 'other', rawCode: 'UNDECODABLE', details: { data: 'garbage' } }],
    });
  });

  it('describes a frame that could not be decrypted as a key trouble of its account', () => {
    const event = unreadableFrameEvent(
      { token: '*SIA-DCS', encrypted: true, sequence: '0001', account: 'BEEF' },
      'unknown-key',
      at,
    );
    expect(event).toMatchObject({
      type: 'trouble',
      account: 'BEEF',
      details: { condition: 'encryption_key' },
    });
  });
});

describe('hostile data', () => {
  it('decodes pathological data in linear time (10x a maximal frame)', () => {
    const nasty = [
      `#1234|NBA${'1'.repeat(40_000)}\nx`,
      `#1234|N${'ri1'.repeat(13_000)}`,
      `#1234|${'^'.repeat(40_000)}`,
      `#1234|1130 01 015${'\n'.repeat(40_000)}x`,
      '/'.repeat(40_000),
    ];
    const started = performance.now();
    for (const data of nasty) {
      decodeSiaDcs(data);
      decodeContactId(data);
    }
    // Linear work here takes milliseconds; the quadratic backtracking it replaces took seconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
