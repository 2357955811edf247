// The one live frame pipeline of the page: the carrier's frames go into a FrameSink that keeps only the
// newest; the FrameView draws from it. Snapshots and the pixel readout read what is on screen.
import type { FrameMeta } from '../../../shared/contract';
import { getApi } from '../api';
import { showToast } from '../store/app-store';
import { FrameSink } from './frame-sink';
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
      message: `Frame ${meta.seq} (${meta.bytes} B ${meta.format}) could not be decoded: ${err.message}`,
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

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Browser download of what is on screen: the JPEG exactly as received, or a PNG of the decoded image. */
export async function downloadShown(format: 'jpeg' | 'png'): Promise<boolean> {
  const f = liveSink.shown();
  if (!f) return false;
  if (format === 'jpeg' && f.meta.format === 'jpeg') {
    download(
      new Blob([f.image as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
      `camdeck-${stamp()}.jpg`,
    );
    return true;
  }
  const c = new OffscreenCanvas(f.bitmap.width, f.bitmap.height);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context for the PNG snapshot');
  ctx.drawImage(f.bitmap, 0, 0);
  download(await c.convertToBlob({ type: 'image/png' }), `camdeck-${stamp()}.png`);
  return true;
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
  const saved = await saveSnapshot(format);
  if (carrier !== 'browser') return;
  try {
    const ok = await downloadShown(format);
    if (!ok && saved === null)
      showToast({ code: 'no-frame', message: 'No frame to save yet', at: Date.now() });
  } catch (e) {
    showToast({
      code: 'snapshot-failed',
      message: `Download failed: ${(e as Error).message}`,
      at: Date.now(),
    });
  }
}
