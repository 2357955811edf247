import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES, ICO_SIZES, PNG_SIZES, encodeDib, encodeIcns, encodeIco, renderRgba } from './icons';

const resources = fileURLToPath(new URL('../resources/', import.meta.url));
const read = (rel: string) => readFileSync(path.join(resources, rel));

interface IcoDirEntry {
  size: number;
  bitCount: number;
  data: Buffer;
}
function parseIco(buf: Buffer): IcoDirEntry[] {
  expect(buf.readUInt16LE(0)).toBe(0);
  expect(buf.readUInt16LE(2)).toBe(1);
  const n = buf.readUInt16LE(4);
  return Array.from({ length: n }, (_, i) => {
    const at = 6 + 16 * i;
    const len = buf.readUInt32LE(at + 8);
    const off = buf.readUInt32LE(at + 12);
    expect(off + len).toBeLessThanOrEqual(buf.length);
    return { size: buf[at] || 256, bitCount: buf.readUInt16LE(at + 6), data: buf.subarray(off, off + len) };
  });
}
function parseIcns(buf: Buffer): Map<string, Buffer> {
  expect(buf.toString('latin1', 0, 4)).toBe('icns');
  expect(buf.readUInt32BE(4)).toBe(buf.length);
  const out = new Map<string, Buffer>();
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at + 4);
    expect(len).toBeGreaterThan(8);
    out.set(buf.toString('latin1', at, at + 4), buf.subarray(at + 8, at + len));
    at += len;
  }
  return out;
}
const isPng = (b: Buffer) =>
  b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

describe('icon containers', () => {
  it('encodeDib writes bottom-up BGRA with a clear AND mask', () => {
    // 2×2: top row red, green; bottom row blue, transparent white
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 0]);
    const dib = encodeDib({ size: 2, rgba });
    expect(dib.readUInt32LE(0)).toBe(40);
    expect(dib.readInt32LE(8)).toBe(4);
    expect(dib.length).toBe(40 + 16 + 2 * 4);
    expect([...dib.subarray(40, 48)]).toEqual([255, 0, 0, 255, 255, 255, 255, 0]); // bottom row first
    expect([...dib.subarray(48, 56)]).toEqual([0, 0, 255, 255, 0, 255, 0, 255]);
    expect(dib.subarray(56).every((b) => b === 0)).toBe(true);
  });

  it('encodeIco and encodeIcns lay out entries that parse back', () => {
    const a = Buffer.from('aaaa');
    const b = Buffer.from('bbbbbb');
    const ico = parseIco(
      encodeIco([
        { size: 16, data: a },
        { size: 256, data: b },
      ]),
    );
    expect(ico.map((e) => [e.size, e.data.toString()])).toEqual([
      [16, 'aaaa'],
      [256, 'bbbbbb'],
    ]);
    const icns = parseIcns(
      encodeIcns([
        { type: 'ic07', data: a },
        { type: 'ic10', data: b },
      ]),
    );
    expect([...icns].map(([t, d]) => [t, d.toString()])).toEqual([
      ['ic07', 'aaaa'],
      ['ic10', 'bbbbbb'],
    ]);
    expect(() => encodeIco([{ size: 300, data: a }])).toThrow(/size/);
    expect(() => encodeIcns([{ type: 'toolong', data: a }])).toThrow(/4 ASCII/);
  });
});

describe('committed icons (npx tsx scripts/icons.ts)', () => {
  it('has every Linux PNG size, square', async () => {
    for (const size of PNG_SIZES) {
      const meta = await sharp(read(`icons/${size}x${size}.png`)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', size, size]);
    }
    expect((await sharp(read('icon.png')).metadata()).width).toBe(512);
  });

  it('icon.ico holds DIBs below 256 px and a 256 px PNG, rendered from the SVG', async () => {
    const entries = parseIco(read('icon.ico'));
    expect(entries.map((e) => e.size)).toEqual([...ICO_SIZES]);
    for (const e of entries) {
      expect(e.bitCount).toBe(32);
      expect(isPng(e.data)).toBe(e.size === 256);
    }
    // the 32 px DIB is the SVG's 32 px rendering
    const dib32 = entries.find((e) => e.size === 32)!.data;
    expect(
      dib32.equals(encodeDib(await renderRgba(read('icon.svg'), 32))),
      'stale: rerun npx tsx scripts/icons.ts',
    ).toBe(true);
  });

  it('icon.icns holds PNGs of the size each type names, up to 1024 px', async () => {
    const chunks = parseIcns(read('icon.icns'));
    expect([...chunks.keys()]).toEqual(ICNS_TYPES.map(([t]) => t));
    for (const [type, px] of ICNS_TYPES) {
      const data = chunks.get(type)!;
      expect(isPng(data), type).toBe(true);
      expect((await sharp(data).metadata()).width, type).toBe(px);
    }
  });
});
