// Binary form of one frame message, the same on the Electron MessagePort and the WebSocket:
//   u8 tag (0x01) | u16 LE meta length | meta JSON (UTF-8) | image bytes
// The image bytes are sent as received from the camera (no re-encoding, no base64).
import type { FrameMeta } from './contract';

export const FRAME_TAG = 0x01;

export function encodeFrameMessage(meta: FrameMeta, image: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(meta));
  if (json.length > 0xffff) throw new RangeError('frame meta too large');
  const out = new Uint8Array(3 + json.length + image.length);
  out[0] = FRAME_TAG;
  out[1] = json.length & 0xff;
  out[2] = json.length >>> 8;
  out.set(json, 3);
  out.set(image, 3 + json.length);
  return out;
}

/** Returns null for a message that is not a well-formed frame (the caller drops it). */
export function decodeFrameMessage(msg: Uint8Array): { meta: FrameMeta; image: Uint8Array } | null {
  if (msg.length < 3 || msg[0] !== FRAME_TAG) return null;
  const n = msg[1]! | (msg[2]! << 8);
  if (3 + n > msg.length) return null;
  try {
    const meta = JSON.parse(new TextDecoder().decode(msg.subarray(3, 3 + n))) as FrameMeta;
    return { meta, image: msg.subarray(3 + n) };
  } catch {
    return null;
  }
}
