// What the paint worker does, apart from the worker global so that Node tests can drive it: one FrameSink per
// tile (the newest frame wins, nothing is decoded that will not be drawn), decoded off the page, drawn fitted
// on the tile's OffscreenCanvas on the worker's animation frame (every tile in one pass), its frames credited
// as they are taken so the service sends no more than the tile shows. The focus view's camera is delivered
// instead: decoded to an ImageBitmap and sent to the page, the next one once the page has drawn it.
import type { CameraId, FrameMeta } from '../../../shared/contract';
import { place } from '../lib/viewport';
import { bytesOf, mimeOf } from './decode-protocol';
import { decodeBitmap } from './decode-worker-core';
import { FrameSink, type Decoded } from './frame-sink';
import {
  DELIVERED_IN_FLIGHT,
  FIGURES_EVERY_MS,
  type FramesCarrier,
  type PaintReply,
  type PaintRequest,
  type TileFigures,
} from './paint-protocol';

/** A decoded frame as the worker draws it: a VideoFrame (ImageDecoder) or an ImageBitmap. */
export interface Picture extends Decoded {
  readonly source: CanvasImageSource;
}

export type PictureDecoder = (bytes: Uint8Array, mime: string) => Promise<Picture>;

/** The worker's own link to the service: frames of the cameras it watches, paced by its credits. */
export interface FramesConnection {
  /** Watch exactly these cameras (said again by the connection after it reconnects). */
  watch(cameras: CameraId[]): void;
  credit(camera: CameraId): void;
  close(): void;
}

export interface FramesHandlers {
  frame(meta: FrameMeta, image: Uint8Array): void;
  /** Something the page should tell the user (a refused watch, a carrier that could not be opened). */
  problem(message: string): void;
}

/** The 2D context calls the painter makes (an OffscreenCanvasRenderingContext2D; a fake in tests). */
export interface PaintContext {
  fillStyle: string | CanvasGradient | CanvasPattern;
  imageSmoothingEnabled: boolean;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: CanvasImageSource, dx: number, dy: number, dw: number, dh: number): void;
}

export interface PaintSurface {
  width: number;
  height: number;
  getContext(kind: '2d', opts: { alpha: false }): PaintContext | null;
}

export interface PainterDeps {
  post(msg: PaintReply, transfer?: Transferable[]): void;
  connect(carrier: FramesCarrier, on: FramesHandlers): FramesConnection;
  decode: PictureDecoder;
  /** Decoding for a delivered camera: a bitmap the page can draw (and read pixels of). */
  decodeBitmap(bytes: Uint8Array, mime: string): Promise<ImageBitmap>;
  /** The next animation frame (requestAnimationFrame in a worker that has it). */
  requestFrame(cb: () => void): void;
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

interface Tile {
  /** Which handover this is (PaintRequest 'show'). */
  id: number;
  surface: PaintSurface;
  ctx: PaintContext;
  background: string;
  sink: FrameSink<Picture>;
}

/** Decode with WebCodecs' ImageDecoder where there is one (no Blob, no trip to the browser process), else a Blob. */
export const decodePicture: PictureDecoder = async (bytes, mime) => {
  if (typeof ImageDecoder === 'function') {
    const decoder = new ImageDecoder({ data: bytes as Uint8Array<ArrayBuffer>, type: mime });
    try {
      const { image } = await decoder.decode();
      return {
        width: image.displayWidth,
        height: image.displayHeight,
        source: image,
        close: () => image.close(),
      };
    } finally {
      decoder.close();
    }
  }
  const bitmap = await decodeBitmap(bytes, mime);
  return { width: bitmap.width, height: bitmap.height, source: bitmap, close: () => bitmap.close() };
};

function paint(tile: Tile): void {
  const { ctx, surface } = tile;
  ctx.fillStyle = tile.background;
  ctx.fillRect(0, 0, surface.width, surface.height);
  const pic = tile.sink.shown()?.bitmap;
  if (!pic) return;
  const p = place({ mode: 'fit' }, surface, pic);
  ctx.imageSmoothingEnabled = p.scale < 1;
  ctx.drawImage(pic.source, p.x, p.y, pic.width * p.scale, pic.height * p.scale);
}

export interface Painter {
  handle(req: PaintRequest): void;
  /** Figures of every tile now (also posted every FIGURES_EVERY_MS). */
  figures(): Record<CameraId, TileFigures>;
  dispose(): void;
}

/** A delivered camera: its newest frame decoded, and how many sent frames the page has not released. */
interface Delivery {
  sink: FrameSink<ImageBitmap>;
  /** Frames sent that the page has not released yet. */
  out: number;
}

export function createPainter(deps: PainterDeps): Painter {
  const tiles = new Map<CameraId, Tile>();
  const deliveries = new Map<CameraId, Delivery>();
  let connection: FramesConnection | null = null;
  let frameRequested = false;

  const onAnimationFrame = () => {
    frameRequested = false;
    for (const tile of tiles.values()) if (tile.sink.takeForDraw()) paint(tile);
  };
  const requestDraw = () => {
    if (frameRequested) return;
    frameRequested = true;
    deps.requestFrame(onAnimationFrame);
  };
  const watch = () => connection?.watch([...new Set([...tiles.keys(), ...deliveries.keys()])]);
  const onFrame = (meta: FrameMeta, image: Uint8Array) => {
    const tile = tiles.get(meta.camera);
    tile?.sink.push(meta, image);
    // a delivered frame's buffer moves to the page: a tile of the same camera keeps a copy of its own
    deliveries.get(meta.camera)?.sink.push(meta, tile ? image.slice() : image);
  };

  /** The delivered camera's decoded frame goes to the page, unless enough are on their way or waiting there. */
  const sendNext = (camera: CameraId): void => {
    const d = deliveries.get(camera);
    if (!d || d.out >= DELIVERED_IN_FLIGHT) return;
    const f = d.sink.takeForDraw();
    if (!f) return;
    d.out++;
    const bytes = bytesOf(f.image);
    deps.post({ type: 'frame', meta: f.meta, bitmap: f.bitmap, bytes }, [f.bitmap, bytes.buffer]);
  };
  const deliver = (cameras: CameraId[]): void => {
    const wanted = new Set(cameras);
    for (const [camera, d] of deliveries)
      if (!wanted.has(camera)) {
        d.sink.dispose();
        deliveries.delete(camera);
      }
    for (const camera of wanted) {
      if (deliveries.has(camera)) continue;
      const sink: FrameSink<ImageBitmap> = new FrameSink<ImageBitmap>({
        decode: async (image, meta) => ({
          bitmap: await deps.decodeBitmap(image, mimeOf(meta.format)),
          image,
        }),
        requestDraw: () => sendNext(camera),
        now: deps.now,
        onDecodeError: (err, meta) => deps.post({ type: 'decode-error', message: err.message, meta }),
        taken: () => connection?.credit(camera),
      });
      deliveries.set(camera, { sink, out: 0 });
    }
    watch();
  };

  const figures = (): Record<CameraId, TileFigures> => {
    const out: Record<CameraId, TileFigures> = {};
    for (const [camera, tile] of tiles) {
      const shown = tile.sink.shown();
      out[camera] = {
        counters: { ...tile.sink.counters },
        displayFps: tile.sink.displayFps(),
        shown: shown
          ? {
              width: shown.bitmap.width,
              height: shown.bitmap.height,
              bytes: shown.meta.bytes,
              seq: shown.meta.seq,
              ...(shown.meta.quality !== undefined ? { quality: shown.meta.quality } : {}),
            }
          : null,
      };
    }
    return out;
  };
  const timer = deps.setInterval(() => {
    if (tiles.size) deps.post({ type: 'figures', cameras: figures() });
  }, FIGURES_EVERY_MS);

  /** The camera's tile, if `id` is still its canvas. */
  const current = (camera: CameraId, id: number): Tile | undefined => {
    const t = tiles.get(camera);
    return t?.id === id ? t : undefined;
  };

  const show = (id: number, camera: CameraId, surface: PaintSurface, background: string): void => {
    tiles.get(camera)?.sink.dispose();
    const ctx = surface.getContext('2d', { alpha: false });
    if (!ctx) {
      deps.post({ type: 'carrier-error', message: 'a tile could not get a 2D canvas to draw on.' });
      return;
    }
    const sink = new FrameSink<Picture>({
      decode: async (image, meta) => ({ bitmap: await deps.decode(image, mimeOf(meta.format)), image }),
      requestDraw,
      now: deps.now,
      onDecodeError: (err, meta) => deps.post({ type: 'decode-error', message: err.message, meta }),
      taken: () => connection?.credit(camera),
    });
    const tile: Tile = { id, surface, ctx, background, sink };
    tiles.set(camera, tile);
    paint(tile);
    watch();
  };

  return {
    figures,
    handle(req) {
      switch (req.type) {
        case 'carrier':
          connection?.close();
          connection = deps.connect(req.carrier, {
            frame: onFrame,
            problem: (message) => deps.post({ type: 'carrier-error', message }),
          });
          watch();
          return;
        case 'show':
          req.canvas.width = req.width;
          req.canvas.height = req.height;
          return show(req.surface, req.camera, req.canvas as PaintSurface, req.background);
        case 'resize': {
          const tile = current(req.camera, req.surface);
          if (!tile) return;
          tile.surface.width = req.width;
          tile.surface.height = req.height;
          return paint(tile);
        }
        case 'background': {
          const tile = current(req.camera, req.surface);
          if (!tile) return;
          tile.background = req.background;
          return paint(tile);
        }
        case 'deliver':
          return deliver(req.cameras);
        case 'released': {
          const d = deliveries.get(req.camera);
          if (d) d.out = Math.max(0, d.out - 1);
          return sendNext(req.camera);
        }
        case 'hide': {
          const tile = current(req.camera, req.surface);
          if (!tile) return;
          tile.sink.dispose();
          tiles.delete(req.camera);
          return watch();
        }
      }
    },
    dispose() {
      deps.clearInterval(timer);
      for (const t of tiles.values()) t.sink.dispose();
      tiles.clear();
      for (const d of deliveries.values()) d.sink.dispose();
      deliveries.clear();
      connection?.close();
      connection = null;
    },
  };
}
