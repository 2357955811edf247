// Saving the frame on screen: through the contract always, and in a browser also as a download here.
import { snapshotFileName } from '../../../model';
import type { SnapshotResult } from '../../../shared/contract';
import type { AppActions } from '../store/app-store';
import { decodeBitmap } from './decode-worker-core';
import { mimeOf } from './decode-protocol';
import type { ShownFrame } from './frame-sink';

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
 * decoded image. `picture` is where that image is now (its bitmap, or the view's canvas), copied at once: the
 * next frame replaces it. Without one (no view shows the frame now) the PNG is decoded from the frame's bytes.
 */
export async function encodeShown(
  f: ShownFrame<ImageBitmap>,
  picture: CanvasImageSource | null,
  format: 'jpeg' | 'png',
): Promise<Blob> {
  if (format === 'jpeg' && f.meta.format === 'jpeg')
    return new Blob([f.image as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
  const c = new OffscreenCanvas(f.width, f.height);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context for the PNG snapshot');
  if (picture) ctx.drawImage(picture, 0, 0, f.width, f.height);
  else {
    const bitmap = await decodeBitmap(f.image, mimeOf(f.meta.format));
    ctx.drawImage(bitmap, 0, 0, f.width, f.height);
    bitmap.close();
  }
  return c.convertToBlob({ type: 'image/png' });
}

/** What saving needs of the page: its carrier, the save action of the frame's camera, and the toasts. */
export interface SnapshotSaver {
  carrier: 'electron' | 'browser';
  save(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult | null>;
  showToast: AppActions['showToast'];
}

/** `shown` is the frame on screen, not whatever arrived since: the service saves the same one (by seq). */
export async function saveShown(
  shown: ShownFrame<ImageBitmap> | null,
  picture: CanvasImageSource | null,
  format: 'jpeg' | 'png',
  page: SnapshotSaver,
): Promise<void> {
  const file = page.carrier === 'browser' && shown ? encodeShown(shown, picture, format) : null;
  file?.catch(() => undefined); // reported below, once the save is done
  const saved = await page.save(format, shown?.meta.seq);
  if (!file || !shown) return;
  try {
    // the service's name when it saved this very frame, so both copies are called the same
    const same = saved?.seq === shown.meta.seq;
    download(await file, same ? saved.name : snapshotFileName(shown.meta, format, new Date()));
  } catch (e) {
    page.showToast({
      code: 'snapshot-failed',
      title: 'The download failed',
      message: (e as Error).message,
      at: Date.now(),
    });
  }
}
