// The page's frames, per camera: one listener on the carrier routes each frame by meta.camera to that camera's
// LiveFrames (its own newest-wins sink), so a slow tile of one camera never holds back another's. One decode
// worker serves them all.
import type { CameraId, FrameMeta } from '../../../shared/contract';
import type { RendererApi } from '../api';
import type { DecodePort } from './decode-protocol';
import type { ShownFrame } from './frame-sink';
import { decodeHere, liveFramesOf, type FrameDecoder, type LiveFrames } from './live';
import { workerDecoder } from './worker-decoder';

export interface FrameHubOptions {
  onDecodeError(err: Error, meta: FrameMeta): void;
  /** What a view's snapshot does with the frame on screen; without it takeSnapshot() does nothing. */
  snapshot?(camera: CameraId, shown: ShownFrame<ImageBitmap> | null, format: 'jpeg' | 'png'): Promise<void>;
  /** How frames are decoded (default: in the decode worker, or on the page where there is none). */
  decode?: FrameDecoder;
}

export interface FrameHub {
  /** The camera's live frames (made on first use; frames of a camera nobody asked for are not decoded). */
  camera(id: CameraId): LiveFrames;
  /** The camera's view is gone: its bitmaps are closed and its frames ignored until camera(id) again. */
  release(id: CameraId): void;
  dispose(): void;
}

/** The decode worker, or null where workers cannot be made (then frames are decoded on the page). */
function startDecodeWorker(): (DecodePort & { terminate(): void }) | null {
  if (typeof Worker !== 'function') return null;
  try {
    return new Worker(new URL('./decode-worker.ts', import.meta.url), {
      type: 'module',
      name: 'frame-decode',
    });
  } catch {
    return null;
  }
}

export function createFrameHub(api: RendererApi, opts: FrameHubOptions): FrameHub {
  const worker = opts.decode ? null : startDecodeWorker();
  const decode = opts.decode ?? (worker ? workerDecoder(worker, decodeHere).decode : decodeHere);
  const views = new Map<CameraId, ReturnType<typeof liveFramesOf>>();
  const unsubscribe = api.onFrame((meta, image) => views.get(meta.camera)?.sink.push(meta, image));
  let disposed = false;
  return {
    camera(id) {
      if (disposed) throw new Error('the frame hub was disposed');
      let v = views.get(id);
      if (!v) {
        v = liveFramesOf({
          camera: id,
          decode,
          onDecodeError: opts.onDecodeError,
          taken: () => api.credit(id),
          snapshot: (shown, format) => opts.snapshot?.(id, shown, format) ?? Promise.resolve(),
        });
        views.set(id, v);
      }
      return v;
    },
    release(id) {
      views.get(id)?.dispose();
      views.delete(id);
    },
    dispose() {
      disposed = true;
      unsubscribe();
      for (const v of views.values()) v.dispose();
      views.clear();
      worker?.terminate();
    },
  };
}
