// The contract over a WebSocket (browser-host mode). Text messages carry JSON requests, replies and events;
// binary messages carry frames (frame-wire.ts). Uint8Array values inside JSON travel as {"$bytes": base64}.
import type { CamdeckEvents, EventName, RequestName } from './contract';

export type ClientMessage = { type: 'request'; id: number; name: RequestName; args: unknown[] };

export type ServerMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  // `message` also ends with the hint (" — hint") for clients that show one string; the UI shows them apart
  | { type: 'reply'; id: number; ok: false; error: { message: string; code?: string; hint?: string } }
  | { [K in EventName]: { type: 'event'; name: K; payload: CamdeckEvents[K] } }[EventName];

/** Query parameter and header carrying the access token when the server binds beyond loopback. */
export const TOKEN_PARAM = 'token';
export const WS_PATH = '/ws';

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

export function encodeWire(msg: ClientMessage | ServerMessage): string {
  return JSON.stringify(msg, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: toBase64(value) } : value,
  );
}

/** Parse a text message; throws SyntaxError on malformed JSON (the caller reports and drops it). */
export function decodeWire<T extends ClientMessage | ServerMessage>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$bytes' in value) {
      const b = (value as { $bytes: unknown }).$bytes;
      if (typeof b === 'string') return fromBase64(b);
    }
    return value;
  }) as T;
}
