// CRC-16 (poly 0xF94F) and CRC-32 (poly 0xFA567D89) as the firmware computes them (common/omv_crc.c):
// MSB-first, no reflection, init all-ones, no final xor. Table-driven; update() continues over chunks.

export const CRC16_INIT = 0xffff;
export const CRC32_INIT = 0xffffffff;

function makeTable16(poly: number): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
}

function makeTable32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = (i << 24) >>> 0;
    for (let b = 0; b < 8; b++) c = c & 0x80000000 ? ((c << 1) ^ poly) >>> 0 : (c << 1) >>> 0;
    t[i] = c;
  }
  return t;
}

const T16 = makeTable16(0xf94f);
const T32 = makeTable32(0xfa567d89);

/** Continue a CRC-16 over data[start, end). */
export function crc16Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = crc & 0xffff;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xffff) ^ T16[((c >>> 8) ^ data[i]!) & 0xff]!;
  return c;
}

/** Continue a CRC-32 over data[start, end). */
export function crc32Update(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  let c = crc >>> 0;
  for (let i = start; i < end; i++) c = ((c << 8) ^ T32[((c >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  return c;
}

export function crc16(data: Uint8Array, start = 0, end = data.length): number {
  return crc16Update(CRC16_INIT, data, start, end);
}

export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  return crc32Update(CRC32_INIT, data, start, end);
}
