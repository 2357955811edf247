// The live frame pipeline of a page: the carrier's frames go into a FrameSink that keeps only the newest;
// the frame view draws from it. Snapshots and the pixel readout read what is on screen.
import type { FrameMeta } from '../../../shared/contract';
import type { Size } from '../lib/viewport';
import type { AppStore } from '../store/app-store';
import { FrameSink } from './frame-sink';
import { saveShown } from './snapshot';

const MIME: Record<FrameMeta['format'], string | null> = { jpeg: 'image/jpeg', png: 'image/png', raw: null };
const DECODE_TOAST_EVERY_MS = 5000;

function decode(image: Uint8Array, meta: FrameMeta): Promise<ImageBitmap> {
  const type = MIME[meta.format];
  if (!type) return Promise.reject(new Error(`cannot display ${meta.format} frames`));
  // createImageBitmap decodes off the main thread in Chromium.
  return createImageBitmap(new Blob([image as Uint8Array<ArrayBuffer>], { type }));
}

/** Where the frame view shows the frames: its CSS size and the device pixel ratio, as last measured. */
export interface ViewGeometry {
  size: Size;
  dpr: number;
}

export interface LiveFrames {
  readonly sink: FrameSink<ImageBitmap>;
  /** Kept up to date by the frame view; zoom commands act about its centre. */
  view: ViewGeometry;
  /** Size of the frame on screen, or null before the first one. */
  imageSize(): Size | null;
  /** Start taking the carrier's frames (once; later calls do nothing). */
  attach(): void;
  /** The frame view registers its requestAnimationFrame scheduler here. */
  setDrawCallback(cb: (() => void) | null): void;
  /** Snapshot button / shortcut: save the frame on screen through the contract (and download it in a browser). */
  takeSnapshot(format: 'jpeg' | 'png'): Promise<void>;
}

export function createLiveFrames(store: AppStore): LiveFrames {
  let drawCallback: (() => void) | null = null;
  let lastDecodeToast = 0;
  let attached = false;

  const sink = new FrameSink<ImageBitmap>({
    decode,
    requestDraw: () => drawCallback?.(),
    now: () => performance.now(),
    onDecodeError: (err, meta) => {
      const now = performance.now();
      if (now - lastDecodeToast < DECODE_TOAST_EVERY_MS) return;
      lastDecodeToast = now;
      store.actions.showToast({
        code: 'frame-decode',
        title: `Frame ${meta.seq} (${meta.bytes} B ${meta.format}) could not be shown`,
        message: err.message,
        at: Date.now(),
      });
    },
  });

  return {
    sink,
    view: { size: { width: 1, height: 1 }, dpr: 1 },
    imageSize() {
      const f = sink.shown();
      return f ? { width: f.bitmap.width, height: f.bitmap.height } : null;
    },
    attach() {
      if (attached) return;
      attached = true;
      store.api.onFrame((meta, image) => sink.push(meta, image));
    },
    setDrawCallback(cb) {
      drawCallback = cb;
    },
    takeSnapshot: (format) => saveShown(sink.shown(), format, store),
  };
}
