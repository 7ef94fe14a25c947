// CRC-16/ARC (poly 0x8005 reflected = 0xA001, init 0, no final xor): the check value DC-09 puts in
// front of every frame. A 256-entry table keeps the per-byte cost to one lookup on the hot path.
const table = new Uint16Array(256);
for (let n = 0; n < 256; n += 1) {
  let c = n;
  for (let bit = 0; bit < 8; bit += 1) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  table[n] = c;
}

/** CRC-16/ARC of bytes, or of a string taken one byte per char (latin1). */
export function crc16Arc(input: Uint8Array | string): number {
  let crc = 0;
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i += 1) {
      crc = (crc >>> 8) ^ (table[(crc ^ input.charCodeAt(i)) & 0xff] ?? 0);
    }
  } else {
    for (const byte of input) crc = (crc >>> 8) ^ (table[(crc ^ byte) & 0xff] ?? 0);
  }
  return crc;
}

/** Formats a CRC as the 4 upper-case hex digits of a DC-09 header. */
export function crcHex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
