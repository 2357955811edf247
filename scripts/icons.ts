// Renders resources/icon.svg into every icon the installers need, so one source image drives them all:
//   resources/icons/<N>x<N>.png (Linux icon set, electron-builder's naming), resources/icon.png (512),
//   resources/icon.ico (Windows, NSIS) and resources/icon.icns (macOS).
// Run: npx tsx scripts/icons.ts   (outputs are committed; rerun after editing the SVG)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const PNG_SIZES = [512, 256, 128, 64, 32, 16] as const;
/** Windows picks the nearest size per DPI; 256 is the largest the shell shows. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** ICNS element types that hold PNG data, with the pixel size each holds (retina types hold 2× sizes). */
export const ICNS_TYPES: readonly (readonly [type: string, pixels: number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

export interface RgbaImage {
  size: number;
  /** Straight RGBA, row-major, top row first. */
  rgba: Uint8Array;
}

export async function renderPng(svg: Buffer, size: number): Promise<Buffer> {
  // density scales the SVG's 1024-unit canvas so small sizes are rasterised, not downscaled blurs
  return sharp(svg, { density: Math.max(1, (72 * size) / 1024) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export async function renderRgba(svg: Buffer, size: number): Promise<RgbaImage> {
  const { data, info } = await sharp(svg, { density: Math.max(1, (72 * size) / 1024) })
    .resize(size, size)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4 || info.width !== size || info.height !== size) {
    throw new Error(
      `renderRgba: expected ${size}x${size}x4, got ${info.width}x${info.height}x${info.channels}`,
    );
  }
  return { size, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A 32-bit BMP (DIB) icon image: BITMAPINFOHEADER, bottom-up BGRA rows, then an all-clear AND mask. */
export function encodeDib({ size, rgba }: RgbaImage): Buffer {
  const maskStride = Math.ceil(size / 32) * 4;
  const pixelBytes = size * size * 4;
  const out = Buffer.alloc(40 + pixelBytes + maskStride * size);
  out.writeUInt32LE(40, 0);
  out.writeInt32LE(size, 4);
  out.writeInt32LE(size * 2, 8); // height counts the XOR image and the AND mask
  out.writeUInt16LE(1, 12);
  out.writeUInt16LE(32, 14);
  out.writeUInt32LE(pixelBytes + maskStride * size, 20);
  for (let y = 0; y < size; y++) {
    const row = 40 + (size - 1 - y) * size * 4;
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4;
      const d = row + x * 4;
      out[d] = rgba[s + 2]!;
      out[d + 1] = rgba[s + 1]!;
      out[d + 2] = rgba[s]!;
      out[d + 3] = rgba[s + 3]!;
    }
  }
  return out;
}

export interface IcoEntry {
  size: number;
  /** PNG bytes or a DIB from encodeDib. */
  data: Buffer;
}

/**
 * ICO container. Sizes below 256 should be DIBs: NSIS and older Windows shells reject PNG-compressed
 * small entries; the 256 entry is PNG (what Windows itself writes).
 */
export function encodeIco(entries: readonly IcoEntry[]): Buffer {
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach((e, i) => {
    if (e.size < 1 || e.size > 256) throw new Error(`ICO entry size ${e.size} out of range 1..256`);
    const at = 6 + 16 * i;
    header[at] = e.size === 256 ? 0 : e.size;
    header[at + 1] = e.size === 256 ? 0 : e.size;
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(e.data.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += e.data.length;
  });
  return Buffer.concat([header, ...entries.map((e) => e.data)]);
}

export interface IcnsEntry {
  type: string;
  data: Buffer;
}

/** ICNS container: 'icns' + total length (BE), then type + length (BE, header included) + data per element. */
export function encodeIcns(entries: readonly IcnsEntry[]): Buffer {
  const parts = entries.map((e) => {
    if (!/^[\x20-\x7e]{4}$/.test(e.type)) throw new Error(`ICNS type must be 4 ASCII chars: ${e.type}`);
    const head = Buffer.alloc(8);
    head.write(e.type, 0, 'latin1');
    head.writeUInt32BE(8 + e.data.length, 4);
    return Buffer.concat([head, e.data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

export interface IconSet {
  pngs: Map<number, Buffer>;
  ico: Buffer;
  icns: Buffer;
}

export async function buildIconSet(svg: Buffer): Promise<IconSet> {
  const pngSizes = new Set<number>([...PNG_SIZES, 256, ...ICNS_TYPES.map(([, px]) => px)]);
  const pngs = new Map<number, Buffer>();
  for (const size of pngSizes) pngs.set(size, await renderPng(svg, size));
  const icoEntries: IcoEntry[] = [];
  for (const size of ICO_SIZES) {
    icoEntries.push({ size, data: size === 256 ? pngs.get(256)! : encodeDib(await renderRgba(svg, size)) });
  }
  const icns = encodeIcns(ICNS_TYPES.map(([type, px]) => ({ type, data: pngs.get(px)! })));
  return { pngs, ico: encodeIco(icoEntries), icns };
}

export async function writeIcons(resourcesDir: string): Promise<string[]> {
  const svg = await readFile(path.join(resourcesDir, 'icon.svg'));
  const set = await buildIconSet(svg);
  const written: string[] = [];
  const put = async (rel: string, data: Buffer) => {
    await mkdir(path.dirname(path.join(resourcesDir, rel)), { recursive: true });
    await writeFile(path.join(resourcesDir, rel), data);
    written.push(rel);
  };
  for (const size of PNG_SIZES) await put(`icons/${size}x${size}.png`, set.pngs.get(size)!);
  await put('icon.png', set.pngs.get(512)!);
  await put('icon.ico', set.ico);
  await put('icon.icns', set.icns);
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const resources = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources');
  const written = await writeIcons(resources);
  console.log(`icons: wrote ${written.map((w) => `resources/${w}`).join(', ')}`);
}
