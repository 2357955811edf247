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
