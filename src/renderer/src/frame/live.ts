// One camera's live frames on a page: the carrier's frames of that camera go into a FrameSink that keeps only
// the newest; the camera's frame view draws from it. Snapshots and the pixel readout read what is on screen.
import type { CameraId, FrameMeta } from '../../../shared/contract';
import type { Size } from '../lib/viewport';
import type { AppStore } from '../store/app-store';
import { decodeSizeFor, mimeOf, type DecodeSize } from './decode-protocol';
import { decodeBitmap } from './decode-worker-core';
import { FrameSink, type ShownFrame } from './frame-sink';
import type { FrameDecoder } from './worker-decoder';

export type { FrameDecoder } from './worker-decoder';

const DECODE_TOAST_EVERY_MS = 5000;

/** Decoding on the page's own thread: where there is no worker (or it failed). */
export const decodeHere: FrameDecoder = async (image, meta, size) => {
  return { bitmap: await decodeBitmap(image, mimeOf(meta.format), size), image };
};

/** Where the frame view shows the frames: its CSS size and the device pixel ratio, as last measured. */
export interface ViewGeometry {
  size: Size;
  dpr: number;
}

export interface LiveFrames {
  /** Whose frames these are (null: the page's only view, taking every camera's frames). */
  readonly camera: CameraId | null;
  readonly sink: FrameSink<ImageBitmap>;
  /** Kept up to date by the frame view; zoom commands act about its centre. */
  view: ViewGeometry;
  /**
   * The device-pixel size the frames are shown at when that is all they need (a grid tile: fitted, no zoom, no
   * pixel readout): frames are decoded straight to it. Null: decoded whole (the focus view).
   */
  decodeTo: DecodeSize | null;
  /** Size of the frame on screen, or null before the first one. */
  imageSize(): Size | null;
  /** Start taking the carrier's frames (once; later calls do nothing; a hub's views are attached already). */
  attach(): void;
  /** Where the frame on screen can be read back (pixel readout, a PNG): its bitmap, or the view's canvas. */
  picture(): CanvasImageSource | null;
  /** A view that moves each frame's bitmap onto its canvas names the canvas here (null: the view is gone). */
  setPicture(source: CanvasImageSource | null): void;
  /** The frame view registers its requestAnimationFrame scheduler here. */
  setDrawCallback(cb: (() => void) | null): void;
  /** Snapshot button / shortcut: save the frame on screen through the contract (and download it in a browser). */
  takeSnapshot(format: 'jpeg' | 'png'): Promise<void>;
}

export interface LiveFramesDeps {
  camera: CameraId | null;
  decode: FrameDecoder;
  onDecodeError(err: Error, meta: FrameMeta): void;
  /** Save the frame on screen (the store's snapshot action, plus a browser download). */
  snapshot(
    shown: ShownFrame<ImageBitmap> | null,
    picture: CanvasImageSource | null,
    format: 'jpeg' | 'png',
  ): Promise<void>;
  /** The sink took a frame for decoding (the hub credits the camera: paced watching). */
  taken?(meta: FrameMeta): void;
  /** The sink took a frame for drawing (the hub tells the paint worker, which then sends the next). */
  released?(meta: FrameMeta): void;
  /** Subscribe the sink to its frames (called by attach()). */
  attach?(push: (meta: FrameMeta, image: Uint8Array) => void): void;
}

/** The LiveFrames of one sink; the hub makes one per camera. */
export function liveFramesOf(deps: LiveFramesDeps): LiveFrames & { dispose(): void } {
  let drawCallback: (() => void) | null = null;
  let attached = false;
  let picture: CanvasImageSource | null = null;
  const sink = new FrameSink<ImageBitmap>({
    decode: (image, meta) => deps.decode(image, meta, decodeSizeFor(meta, live.decodeTo)),
    requestDraw: () => drawCallback?.(),
    now: () => performance.now(),
    onDecodeError: deps.onDecodeError,
    ...(deps.taken ? { taken: deps.taken } : {}),
    ...(deps.released ? { released: deps.released } : {}),
  });
  const live: LiveFrames & { dispose(): void } = {
    camera: deps.camera,
    sink,
    view: { size: { width: 1, height: 1 }, dpr: 1 },
    decodeTo: null,
    imageSize() {
      const f = sink.shown();
      return f ? { width: f.width, height: f.height } : null;
    },
    // (a bitmap a view moved onto its canvas reads 0×0: nothing to read back from it)
    picture: () => {
      const bitmap = sink.shown()?.bitmap;
      return picture ?? (bitmap && bitmap.width > 0 ? bitmap : null);
    },
    setPicture(source) {
      picture = source;
    },
    attach() {
      if (attached) return;
      attached = true;
      deps.attach?.((meta, image) => sink.push(meta, image));
    },
    setDrawCallback(cb) {
      drawCallback = cb;
    },
    takeSnapshot: (format) => deps.snapshot(sink.shown(), live.picture(), format),
    dispose: () => sink.dispose(),
  };
  return live;
}

/** A decode error as a toast, at most one per DECODE_TOAST_EVERY_MS. */
export function decodeErrorToasts(store: Pick<AppStore, 'actions'>): (err: Error, meta: FrameMeta) => void {
  let last = -Infinity;
  return (err, meta) => {
    const now = performance.now();
    if (now - last < DECODE_TOAST_EVERY_MS) return;
    last = now;
    store.actions.showToast({
      code: 'frame-decode',
      title: `Frame ${meta.seq} (${meta.bytes} B ${meta.format}) could not be shown`,
      message: `${err.message} The next frame is tried; if this repeats, check the camera's pixel format.`,
      at: Date.now(),
    });
  };
}
