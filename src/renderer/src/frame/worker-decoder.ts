// The page's side of the decode worker: a FrameDecoder that sends the frame's bytes to the worker (transferred,
// not copied) and resolves with the bitmap and the bytes when they come back.
import type { FrameMeta } from '../../../shared/contract';
import {
  bytesOf,
  mimeOf,
  viewOf,
  type DecodePort,
  type DecodeReply,
  type DecodeSize,
} from './decode-protocol';
import type { DecodeResult } from './frame-sink';

/** `size`: decode straight to that size (see decodeSizeFor); absent: the frame's own size. */
export type FrameDecoder = (
  image: Uint8Array,
  meta: FrameMeta,
  size?: DecodeSize,
) => Promise<DecodeResult<ImageBitmap>>;

interface Waiting {
  resolve(r: DecodeResult<ImageBitmap>): void;
  reject(e: Error): void;
}

export interface WorkerDecoder {
  decode: FrameDecoder;
  /** Decodes sent and not yet answered (bounded by the sinks: at most one per camera). */
  outstanding(): number;
}

/** `fallback` decodes here instead once the worker has failed (it could not load, or it crashed). */
export function workerDecoder(port: DecodePort, fallback: FrameDecoder): WorkerDecoder {
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let broken = false;
  port.addEventListener('message', (ev: MessageEvent<DecodeReply>) => {
    const r = ev.data;
    const w = waiting.get(r.id);
    if (!w) {
      if (r.type === 'decoded') r.bitmap.close();
      return;
    }
    waiting.delete(r.id);
    if (r.type === 'decoded') w.resolve({ bitmap: r.bitmap, image: viewOf(r.bytes) });
    else w.reject(new Error(r.message));
  });
  port.addEventListener('error', () => {
    broken = true;
    const lost = [...waiting.values()];
    waiting.clear();
    for (const w of lost)
      w.reject(new Error('the frame decoder stopped; frames are decoded on the page now.'));
  });
  return {
    outstanding: () => waiting.size,
    decode(image, meta, size) {
      let mime: string;
      try {
        mime = mimeOf(meta.format);
      } catch (e) {
        return Promise.reject(e as Error);
      }
      if (broken) return fallback(image, meta, size);
      const id = nextId++;
      const bytes = bytesOf(image);
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        try {
          port.postMessage({ type: 'decode', id, mime, bytes, ...(size ? { size } : {}) }, [bytes.buffer]);
        } catch {
          waiting.delete(id); // e.g. bytes that cannot be transferred: decoded here instead
          fallback(image, meta, size).then(resolve, reject);
        }
      });
    },
  };
}
