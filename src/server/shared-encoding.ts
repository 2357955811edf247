// Frames and events go to every connection alike, so each is encoded once and the connections' queues share the
// bytes (a stalled client then holds references, not copies). Replies are per connection and encoded each.
import { encodeFrameMessage, encodeText } from '../rpc';
import type { EventMessage, FrameMessage, ServiceMessage } from '../rpc';

export interface SharedEncoders {
  frame(m: FrameMessage): Uint8Array;
  control(m: Exclude<ServiceMessage, FrameMessage>): string;
  clear(): void;
}

export function sharedEncoders(): SharedEncoders {
  let frame: { frame: FrameMessage; bytes: Uint8Array } | null = null;
  // one event reaches every port in the same emit; the cache lives until the next microtask, so a payload
  // object the service mutates and emits again is never sent stale
  let event: { name: EventMessage['name']; payload: unknown; text: string } | null = null;
  return {
    frame(m) {
      if (frame?.frame.image !== m.image || frame.frame.meta !== m.meta)
        frame = { frame: m, bytes: encodeFrameMessage(m.meta, m.image) };
      return frame.bytes;
    },
    control(m) {
      if (m.type !== 'event') return encodeText(m);
      if (event?.name === m.name && event.payload === m.payload) return event.text;
      const e = { name: m.name, payload: m.payload, text: encodeText(m) };
      event = e;
      queueMicrotask(() => {
        if (event === e) event = null;
      });
      return e.text;
    },
    clear() {
      frame = null;
      event = null;
    },
  };
}
