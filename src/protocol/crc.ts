// CRC-16 (poly 0xF94F) and CRC-32 (poly 0xFA567D89) as the firmware computes them (common/omv_crc.c):
// MSB-first, no reflection, init all-ones, no final xor. update() continues over chunks.
// Slicing-by-8: eight tables let the loop fold 8 input bytes per step (≈3× the byte-wise table loop),
// which is what keeps the parser well above 200 MB/s on 4 KB payloads.

export const CRC16_INIT = 0xffff;
export const CRC32_INIT = 0xffffffff;

/** T[k][i] = CRC register contribution of byte i followed by k zero bytes (T[0] is the classic table). */
function makeTables(width: 16 | 32, poly: number): Uint32Array[] {
  const top = width === 32 ? 0x80000000 : 0x8000;
  const mask = width === 32 ? 0xffffffff : 0xffff;
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = (i << (width - 8)) >>> 0;
    for (let b = 0; b < 8; b++) c = (c & top ? (c << 1) ^ poly : c << 1) & mask;
    t0[i] = c >>> 0;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const t = new Uint32Array(256);
    for (let i = 0; i < 256; i++) t[i] = (((prev[i]! << 8) & mask) ^ t0[prev[i]! >>> (width - 8)]!) >>> 0;
    tables.push(t);
  }
  return tables;
}

type Tables8 = [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];
const [A0, A1, A2, A3, A4, A5, A6, A7] = makeTables(16, 0xf94f) as Tables8;
const [B0, B1, B2, B3, B4, B5, B6, B7] = makeTables(32, 0xfa567d89) as Tables8;

/** Continue a CRC-16 over data[start, end). */
export function crc16Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = crc & 0xffff;
  let i = start;
  for (const last = end - 7; i < last; i += 8) {
    c =
      A7[(c >>> 8) ^ data[i]!]! ^
      A6[(c & 0xff) ^ data[i + 1]!]! ^
      A5[data[i + 2]!]! ^
      A4[data[i + 3]!]! ^
      A3[data[i + 4]!]! ^
      A2[data[i + 5]!]! ^
      A1[data[i + 6]!]! ^
      A0[data[i + 7]!]!;
  }
  for (; i < end; i++) c = ((c << 8) & 0xffff) ^ A0[(c >>> 8) ^ data[i]!]!;
  return c;
}

/** Continue a CRC-32 over data[start, end). */
export function crc32Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = crc | 0;
  let i = start;
  for (const last = end - 7; i < last; i += 8) {
    const a = c ^ ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!);
    c =
      B7[a >>> 24]! ^
      B6[(a >>> 16) & 0xff]! ^
      B5[(a >>> 8) & 0xff]! ^
      B4[a & 0xff]! ^
      B3[data[i + 4]!]! ^
      B2[data[i + 5]!]! ^
      B1[data[i + 6]!]! ^
      B0[data[i + 7]!]!;
  }
  for (; i < end; i++) c = (c << 8) ^ B0[(c >>> 24) ^ data[i]!]!;
  return c >>> 0;
}

export function crc16(data: Uint8Array, start = 0, end = data.length): number {
  return crc16Update(CRC16_INIT, data, start, end);
}

export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  return crc32Update(CRC32_INIT, data, start, end);
}
