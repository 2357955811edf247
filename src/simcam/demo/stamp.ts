// The frame stamp in a JPEG: its text (src/model's stampText, "camdeck f=… t=… q=…") as a COM segment (FF FE)
// placed after the JFIF APP0 segment, so a host reads frame number, capture time and quality without
// decoding pixels.
import { completeStamp, parseStamp, stampText } from '../../model';
import type { FrameStamp } from '../../model';

/** Insert the stamp as a COM segment; `jpeg` must start with SOI (FF D8). */
export function insertStamp(jpeg: Uint8Array, s: FrameStamp): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG (no SOI)');
  let at = 2;
  // Keep APP0 (JFIF) right after SOI, as the JFIF spec wants.
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const text = new TextEncoder().encode(stampText(s));
  const seg = 4 + text.length;
  const out = new Uint8Array(jpeg.length + seg);
  out.set(jpeg.subarray(0, at));
  out[at] = 0xff;
  out[at + 1] = 0xfe;
  out[at + 2] = ((text.length + 2) >>> 8) & 0xff;
  out[at + 3] = (text.length + 2) & 0xff;
  out.set(text, at + 4);
  out.set(jpeg.subarray(at), at + seg);
  return out;
}

/** Find and parse the whole stamp in a JPEG (scans the marker segments before SOS). */
export function readStamp(jpeg: Uint8Array): FrameStamp | null {
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff) {
    const marker = jpeg[o + 1]!;
    if (marker === 0xda) break; // SOS: entropy-coded data follows
    const len = (jpeg[o + 2]! << 8) | jpeg[o + 3]!;
    if (marker === 0xfe) {
      const stamp = completeStamp(parseStamp(new TextDecoder().decode(jpeg.subarray(o + 4, o + 2 + len))));
      if (stamp) return stamp;
    }
    o += 2 + len;
  }
  return null;
}
