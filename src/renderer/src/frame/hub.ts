// The page's frames, per camera: one listener routes each frame by meta.camera to that camera's LiveFrames (its
// own newest-wins sink), so a slow view of one camera never holds back another's. The frames come from the
// carrier (decoded here by one decode worker), or already decoded from the paint worker, which then has the
// frames connection and sends a camera's next frame once the page has drawn the last.
import type { CameraId, FrameMeta, Unsubscribe } from '../../../shared/contract';
import type { RendererApi } from '../api';
import type { DecodePort } from './decode-protocol';
import type { ShownFrame } from './frame-sink';
import { decodeHere, liveFramesOf, type FrameDecoder, type LiveFrames } from './live';
import { workerDecoder } from './worker-decoder';

export interface FrameHubOptions {
  onDecodeError(err: Error, meta: FrameMeta): void;
  /** What a view's snapshot does with the frame on screen; without it takeSnapshot() does nothing. */
  snapshot?(
    camera: CameraId,
    shown: ShownFrame<ImageBitmap> | null,
    picture: CanvasImageSource | null,
    format: 'jpeg' | 'png',
  ): Promise<void>;
  /** How frames are decoded (default: in the decode worker, or on the page where there is none). */
  decode?: FrameDecoder;
  /** Decoded frames from the paint worker instead of the carrier's frames. */
  delivered?: DeliveredFrames;
}

/** The paint worker's decoded frames of the cameras the page asked it for (PaintClient). */
export interface DeliveredFrames {
  onFrame(listener: (meta: FrameMeta, bitmap: ImageBitmap, image: Uint8Array) => void): Unsubscribe;
  /** The page took the camera's last delivered frame for drawing: the worker may send the next. */
  released(camera: CameraId): void;
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
  const delivered = opts.delivered;
  const worker = opts.decode || delivered ? null : startDecodeWorker();
  const decode = opts.decode ?? (worker ? workerDecoder(worker, decodeHere).decode : decodeHere);
  const views = new Map<CameraId, ReturnType<typeof liveFramesOf>>();
  const unsubscribe = delivered
    ? delivered.onFrame((meta, bitmap, image) => {
        const v = views.get(meta.camera);
        if (v) return v.sink.pushDecoded(meta, bitmap, image);
        bitmap.close(); // nobody shows it: let the worker go on
        delivered.released(meta.camera);
      })
    : api.onFrame((meta, image) => views.get(meta.camera)?.sink.push(meta, image));
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
          // the paint worker credits its own connection; frames from the carrier are credited here
          ...(delivered ? { released: () => delivered.released(id) } : { taken: () => api.credit(id) }),
          snapshot: (shown, picture, format) =>
            opts.snapshot?.(id, shown, picture, format) ?? Promise.resolve(),
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
