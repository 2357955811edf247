// Frame view geometry: where the image lands on the canvas for fit / fixed zoom, and back again.

export type ZoomMode =
  | { mode: 'fit' }
  | { mode: 'zoom'; scale: number; /** image point at canvas centre */ cx: number; cy: number };

export interface Size {
  width: number;
  height: number;
}

export interface Placement {
  scale: number;
  /** canvas position of the image's top-left corner */
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 32;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

export function place(view: ZoomMode, canvas: Size, image: Size): Placement {
  if (image.width <= 0 || image.height <= 0 || canvas.width <= 0 || canvas.height <= 0)
    return { scale: 1, x: 0, y: 0 };
  if (view.mode === 'fit') {
    const scale = Math.min(canvas.width / image.width, canvas.height / image.height);
    return {
      scale,
      x: (canvas.width - image.width * scale) / 2,
      y: (canvas.height - image.height * scale) / 2,
    };
  }
  return {
    scale: view.scale,
    x: canvas.width / 2 - view.cx * view.scale,
    y: canvas.height / 2 - view.cy * view.scale,
  };
}

/** Canvas point → image pixel (integer), or null outside the image. */
export function canvasToImage(
  p: Placement,
  image: Size,
  x: number,
  y: number,
): { x: number; y: number } | null {
  const ix = Math.floor((x - p.x) / p.scale);
  const iy = Math.floor((y - p.y) / p.scale);
  if (ix < 0 || iy < 0 || ix >= image.width || iy >= image.height) return null;
  return { x: ix, y: iy };
}

/** Zoom by `factor` keeping the image point under canvas point (x, y) fixed. */
export function zoomAt(
  view: ZoomMode,
  canvas: Size,
  image: Size,
  factor: number,
  x: number,
  y: number,
): ZoomMode {
  const p = place(view, canvas, image);
  const scale = clampScale(p.scale * factor);
  // image point under the cursor
  const ix = (x - p.x) / p.scale;
  const iy = (y - p.y) / p.scale;
  // choose the centre so that ix,iy stays at x,y
  const cx = ix - (x - canvas.width / 2) / scale;
  const cy = iy - (y - canvas.height / 2) / scale;
  return { mode: 'zoom', scale, cx, cy };
}

/** 1:1 centred on the image (or on the current centre when already zoomed). */
export function oneToOne(view: ZoomMode, image: Size): ZoomMode {
  if (view.mode === 'zoom') return { ...view, scale: 1 };
  return { mode: 'zoom', scale: 1, cx: image.width / 2, cy: image.height / 2 };
}

export function pan(view: ZoomMode, canvas: Size, image: Size, dx: number, dy: number): ZoomMode {
  const p = place(view, canvas, image);
  const z: ZoomMode =
    view.mode === 'zoom'
      ? view
      : {
          mode: 'zoom',
          scale: p.scale,
          cx: (canvas.width / 2 - p.x) / p.scale,
          cy: (canvas.height / 2 - p.y) / p.scale,
        };
  if (z.mode !== 'zoom') return z;
  return { ...z, cx: z.cx - dx / z.scale, cy: z.cy - dy / z.scale };
}

/** One press of zoom in / out (toolbar and keys). */
export const ZOOM_STEP = 1.25;

/** Wheel delta → zoom factor; exponential, so many small trackpad deltas add up like a wheel's notches. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}

export type ZoomCommand = 'fit' | 'one-to-one' | 'zoom-in' | 'zoom-out';

export function isZoomCommand(s: string): s is ZoomCommand {
  return s === 'fit' || s === 'one-to-one' || s === 'zoom-in' || s === 'zoom-out';
}

/** The toolbar's and the keyboard's zoom: fit, 1:1, or one step about the centre of the view. */
export function zoomCommand(cmd: ZoomCommand, view: ZoomMode, canvas: Size, image: Size): ZoomMode {
  switch (cmd) {
    case 'fit':
      return { mode: 'fit' };
    case 'one-to-one':
      return oneToOne(view, image);
    case 'zoom-in':
    case 'zoom-out': {
      const factor = cmd === 'zoom-in' ? ZOOM_STEP : 1 / ZOOM_STEP;
      return zoomAt(view, canvas, image, factor, canvas.width / 2, canvas.height / 2);
    }
  }
}

/** What the zoom readout says: "Fit" or "150 %". */
export function zoomLabel(view: ZoomMode): string {
  return view.mode === 'fit' ? 'Fit' : `${Math.round(view.scale * 100)} %`;
}
