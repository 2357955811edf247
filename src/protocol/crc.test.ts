// CRC-16/CRC-32 against the reference check values and a bit-at-a-time model of the firmware's
// omv_crc.c, including the slicing-by-8 paths (lengths around multiples of 8, odd start offsets).
import { describe, expect, it } from 'vitest';
import { CRC16_INIT, CRC32_INIT, crc16, crc16Update, crc32, crc32Update } from './crc';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bitwise MSB-first CRC, no reflection, no final xor: the definition, not the tables. */
function bitwise(width: 16 | 32, poly: number, init: number, data: Uint8Array): number {
  const w = BigInt(width);
  const mask = (1n << w) - 1n;
  const top = 1n << (w - 1n);
  let c = BigInt(init);
  for (const byte of data) {
    c ^= BigInt(byte) << (w - 8n);
    for (let b = 0; b < 8; b++) c = c & top ? ((c << 1n) ^ BigInt(poly)) & mask : (c << 1n) & mask;
  }
  return Number(c);
}
const ref16 = (d: Uint8Array): number => bitwise(16, 0xf94f, 0xffff, d);
const ref32 = (d: Uint8Array): number => bitwise(32, 0xfa567d89, 0xffffffff, d);

/** Deterministic test bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('crc', () => {
  it('matches the check values of the protocol reference ("123456789")', () => {
    expect(crc16(ascii('123456789'))).toBe(0xe541);
    expect(crc32(ascii('123456789'))).toBe(0x41b403d3);
  });

  it('returns the init value for empty input', () => {
    expect(crc16(new Uint8Array(0))).toBe(CRC16_INIT);
    expect(crc32(new Uint8Array(0))).toBe(CRC32_INIT);
  });

  it('the bitwise model itself reproduces the check values', () => {
    expect(ref16(ascii('123456789'))).toBe(0xe541);
    expect(ref32(ascii('123456789'))).toBe(0x41b403d3);
  });

  it('agrees with the bitwise model for every length 0..70 (byte loop and 8-byte steps)', () => {
    const data = bytes(70, 7);
    for (let n = 0; n <= 70; n++) {
      const d = data.subarray(0, n);
      expect(crc16(d), `crc16 len ${n}`).toBe(ref16(d));
      expect(crc32(d), `crc32 len ${n}`).toBe(ref32(d));
    }
  });

  it('agrees with the bitwise model on all-0x00 and all-0xFF runs (table edge entries)', () => {
    for (const fill of [0x00, 0xff, 0xaa]) {
      const d = new Uint8Array(37).fill(fill);
      expect(crc16(d)).toBe(ref16(d));
      expect(crc32(d)).toBe(ref32(d));
    }
  });

  it('honours start/end without reading outside them', () => {
    const data = bytes(200, 99);
    for (const [s, e] of [
      [0, 200],
      [3, 200],
      [1, 9],
      [5, 5],
      [17, 131],
      [199, 200],
    ] as const) {
      const copy = data.slice(s, e);
      expect(crc16(data, s, e)).toBe(ref16(copy));
      expect(crc32(data, s, e)).toBe(ref32(copy));
    }
  });

  it('incremental update over chunks equals one-shot', () => {
    const data = bytes(4096 + 13, 3);
    const one16 = crc16(data);
    const one32 = crc32(data);
    for (const step of [1, 3, 7, 8, 9, 64, 1000, 4096]) {
      let c16 = CRC16_INIT;
      let c32 = CRC32_INIT;
      for (let off = 0; off < data.length; off += step) {
        // separate chunk arrays, as they would arrive from a transport
        const chunk = data.slice(off, Math.min(off + step, data.length));
        c16 = crc16Update(c16, chunk);
        c32 = crc32Update(c32, chunk);
      }
      expect(c16, `crc16 step ${step}`).toBe(one16);
      expect(c32, `crc32 step ${step}`).toBe(one32);
    }
  });

  it('incremental update with start/end ranges over one buffer equals one-shot', () => {
    const data = bytes(1000, 11);
    const cuts = [0, 1, 2, 10, 11, 250, 251, 777, 1000];
    let c16 = CRC16_INIT;
    let c32 = CRC32_INIT;
    for (let i = 1; i < cuts.length; i++) {
      c16 = crc16Update(c16, data, cuts[i - 1], cuts[i]);
      c32 = crc32Update(c32, data, cuts[i - 1], cuts[i]);
    }
    expect(c16).toBe(crc16(data));
    expect(c32).toBe(crc32(data));
  });

  it('results are unsigned and in range', () => {
    for (let seed = 1; seed < 50; seed++) {
      const d = bytes(seed * 3, seed);
      const a = crc16(d);
      const b = crc32(d);
      expect(a >= 0 && a <= 0xffff).toBe(true);
      expect(b >= 0 && b <= 0xffffffff && Number.isInteger(b)).toBe(true);
    }
  });
});
