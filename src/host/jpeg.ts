// Just enough JPEG parsing for frame metadata: the SOF dimensions and the first COM segment's text (where a
// camera puts its frame stamp; its format is src/model's parseStamp).

export interface JpegInfo {
  width: number;
  height: number;
  /** Text of the first COM segment, if any. */
  comment?: string;
}

/** Walk the marker segments up to the first SOF; null when this is not a JPEG we can read. */
export function parseJpeg(b: Uint8Array): JpegInfo | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let comment: string | undefined;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (len < 2 || i + 2 + len > b.length) return null;
    const seg = i + 4;
    if (marker === 0xfe && comment === undefined) {
      comment = new TextDecoder().decode(b.subarray(seg, i + 2 + len));
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 7) return null;
      const height = (b[seg + 1]! << 8) | b[seg + 2]!;
      const width = (b[seg + 3]! << 8) | b[seg + 4]!;
      return { width, height, comment };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan before any SOF
    i += 2 + len;
  }
  return null;
}
