// The RPC messages over a WebSocket. Text messages carry JSON (requests, replies, events); Uint8Array values
// inside JSON travel as {"$bytes": base64}. Frames travel as binary messages, image bytes as received:
//   u8 tag (0x01) | u16 LE meta length | meta JSON (UTF-8) | image bytes
import type { FrameMeta } from '../shared/contract';
import type { FrameMessage, RpcMessage, UndecodableMessage } from './messages';

/** Query parameter (and X-Camdeck-Token header) carrying the access token. */
export const TOKEN_PARAM = 'token';
export const WS_PATH = '/ws';
export const FRAME_TAG = 0x01;

function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

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

/** Returns null for a message that is not a well-formed frame. */
export function decodeFrameMessage(msg: Uint8Array): FrameMessage | null {
  if (msg.length < 3 || msg[0] !== FRAME_TAG) return null;
  const n = msg[1]! | (msg[2]! << 8);
  if (3 + n > msg.length) return null;
  try {
    const meta = JSON.parse(new TextDecoder().decode(msg.subarray(3, 3 + n))) as FrameMeta;
    return { type: 'frame', meta, image: msg.subarray(3 + n) };
  } catch {
    return null;
  }
}

/** A control message as WebSocket text. */
export function encodeText(msg: Exclude<RpcMessage, FrameMessage>): string {
  return JSON.stringify(msg, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: toBase64(value) } : value,
  );
}

function decodeText(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$bytes' in value) {
      const b = (value as { $bytes: unknown }).$bytes;
      if (typeof b === 'string') return fromBase64(b);
    }
    return value;
  });
}

/**
 * One WebSocket message → what the core receives: the decoded message, or an UndecodableMessage saying why.
 * `binary`: whether binary (frame) messages are expected from this peer (the page never sends any).
 */
export function decodeWsMessage(data: string | Uint8Array, binary: boolean): unknown {
  if (typeof data === 'string') {
    try {
      return decodeText(data);
    } catch (err) {
      return undecodable(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!binary) return undecodable('binary messages are not accepted from the client');
  return decodeFrameMessage(data) ?? undecodable('a malformed frame message');
}

function undecodable(why: string): UndecodableMessage {
  return { type: 'undecodable', why };
}
