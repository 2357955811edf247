// The one live frame pipeline of the page: the carrier's frames go into a FrameSink that keeps only the
// newest; the FrameView draws from it. Snapshots and the pixel readout read what is on screen.
import type { FrameMeta } from '../../../shared/contract';
import { getApi } from '../api';
import { showToast } from '../store/app-store';
import { snapshotFileName } from '../../../shared/snapshot-name';
import { FrameSink, type ShownFrame } from './frame-sink';
import { saveSnapshot } from '../store/actions';

const MIME: Record<FrameMeta['format'], string | null> = { jpeg: 'image/jpeg', png: 'image/png', raw: null };
const DECODE_TOAST_EVERY_MS = 5000;

let drawCallback: (() => void) | null = null;
let lastDecodeToast = 0;

function decode(image: Uint8Array, meta: FrameMeta): Promise<ImageBitmap> {
  const type = MIME[meta.format];
  if (!type) return Promise.reject(new Error(`cannot display ${meta.format} frames`));
  // createImageBitmap decodes off the main thread in Chromium.
  return createImageBitmap(new Blob([image as Uint8Array<ArrayBuffer>], { type }));
}

export const liveSink = new FrameSink<ImageBitmap>({
  decode,
  requestDraw: () => drawCallback?.(),
  now: () => performance.now(),
  onDecodeError: (err, meta) => {
    const now = performance.now();
    if (now - lastDecodeToast < DECODE_TOAST_EVERY_MS) return;
    lastDecodeToast = now;
    showToast({
      code: 'frame-decode',
      title: `Frame ${meta.seq} (${meta.bytes} B ${meta.format}) could not be shown`,
      message: err.message,
      at: Date.now(),
    });
  },
});

let attached = false;
export function attachFrames(): void {
  if (attached) return;
  attached = true;
  getApi().onFrame((meta, image) => liveSink.push(meta, image));
}

/** The FrameView registers its rAF scheduler here. */
export function setDrawCallback(cb: (() => void) | null): void {
  drawCallback = cb;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The file a browser download of the frame on screen gets: the JPEG exactly as received, or a PNG of the
 * decoded image. Copied now, synchronously: the next frame closes this frame's bitmap.
 */
export function encodeShown(f: ShownFrame<ImageBitmap>, format: 'jpeg' | 'png'): Promise<Blob> {
  if (format === 'jpeg' && f.meta.format === 'jpeg')
    return Promise.resolve(new Blob([f.image as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
  try {
    const c = new OffscreenCanvas(f.bitmap.width, f.bitmap.height);
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for the PNG snapshot');
    ctx.drawImage(f.bitmap, 0, 0);
    return c.convertToBlob({ type: 'image/png' });
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

const probe = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : null;
const probeCtx = probe?.getContext('2d', { willReadFrequently: true }) ?? null;

/** RGBA of one pixel of the frame on screen. */
export function pixelAt(x: number, y: number): [number, number, number, number] | null {
  const f = liveSink.shown();
  if (!f || !probeCtx) return null;
  probeCtx.clearRect(0, 0, 1, 1);
  probeCtx.drawImage(f.bitmap, x, y, 1, 1, 0, 0, 1, 1);
  const d = probeCtx.getImageData(0, 0, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}

/** Snapshot button / shortcut: save through the contract, and in a browser also download it here. */
export async function takeSnapshot(
  format: 'jpeg' | 'png',
  carrier: 'electron' | 'browser' | null,
): Promise<void> {
  // the frame on screen, not whatever arrived since: the service saves the same one (by seq)
  const shown = liveSink.shown();
  const file = carrier === 'browser' && shown ? encodeShown(shown, format) : null;
  file?.catch(() => undefined); // reported below, once the save is done
  const saved = await saveSnapshot(format, shown?.meta.seq);
  if (!file || !shown) return;
  try {
    // the service's name when it saved this very frame, so both copies are called the same
    const same = saved?.seq === shown.meta.seq;
    download(await file, same ? saved.name : snapshotFileName(shown.meta, format, new Date()));
  } catch (e) {
    showToast({
      code: 'snapshot-failed',
      title: 'The download failed',
      message: (e as Error).message,
      at: Date.now(),
    });
  }
}
