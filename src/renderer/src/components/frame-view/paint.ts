// Drawing one frame on the view's canvas, placed by the zoom.
import type { ShownFrame } from '../../frame/frame-sink';
import type { ViewGeometry } from '../../frame/live';
import { place, type ZoomMode } from '../../lib/viewport';

export function paintFrame(
  ctx: CanvasRenderingContext2D,
  frame: ShownFrame<ImageBitmap> | null,
  zoom: ZoomMode,
  view: ViewGeometry,
  background: string,
): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (!frame) return;
  const img = { width: frame.bitmap.width, height: frame.bitmap.height };
  const p = place(zoom, view.size, img);
  ctx.imageSmoothingEnabled = p.scale < 1;
  ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
  ctx.drawImage(frame.bitmap, p.x, p.y, img.width * p.scale, img.height * p.scale);
}

/** The theme's canvas colour. Read once per theme change, not per frame: getComputedStyle forces a style pass. */
export function canvasBackground(canvas: HTMLCanvasElement): string {
  return getComputedStyle(canvas).getPropertyValue('--canvas-bg').trim() || '#111';
}

/**
 * Places a canvas that holds the frame at its own size (the focus view's) over the view by the zoom, in CSS:
 * the compositor scales it, smoothing only when it shrinks (pixels stay sharp when zoomed in). No frame yet:
 * hidden, the view's background shows.
 */
export function placePicture(
  canvas: HTMLCanvasElement,
  frame: { width: number; height: number } | null,
  zoom: ZoomMode,
  view: ViewGeometry,
): void {
  const s = canvas.style;
  if (!frame) {
    s.visibility = 'hidden';
    return;
  }
  const p = place(zoom, view.size, frame);
  s.left = `${p.x}px`;
  s.top = `${p.y}px`;
  s.width = `${frame.width * p.scale}px`;
  s.height = `${frame.height * p.scale}px`;
  s.imageRendering = p.scale < 1 ? 'auto' : 'pixelated';
  s.visibility = 'visible';
}
