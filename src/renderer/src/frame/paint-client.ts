// The page's side of the paint worker, which has the page's frames connection: a grid tile hands its canvas
// over (transferControlToOffscreen) and from then on only resizes it and reads its figures; the focus view's
// camera comes to the page decoded (DeliveredFrames, for the frame hub). Where the page cannot do this (no
// OffscreenCanvas, no worker, a carrier that cannot give the worker a connection) there is no client: the page's
// own connection brings the frames and the tiles paint on the page (use-tile-paint).
import type { CameraId, FrameMeta } from '../../../shared/contract';
import { viewOf } from './decode-protocol';
import type { DeliveredFrames } from './hub';
import type { FramesCarrier, PaintReply, PaintRequest, TileFigures } from './paint-protocol';

/** What a tile keeps of its canvas once the worker has it. */
export interface TileSurface {
  resize(width: number, height: number): void;
  background(color: string): void;
  /** The newest figures the worker sent for this tile (null before the first). */
  figures(): TileFigures | null;
  dispose(): void;
}

export interface PaintClient extends DeliveredFrames {
  /** Paint `camera` on `canvas` (which must never have had a context) in the worker. */
  attach(camera: CameraId, canvas: HTMLCanvasElement, background: string): TileSurface;
  /** Send exactly these cameras' frames to the page, decoded (see DeliveredFrames). */
  deliver(cameras: CameraId[]): void;
  dispose(): void;
}

/** The thing a worker is to the page (a fake in tests). */
export interface PaintWorkerLike {
  postMessage(msg: PaintRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<PaintReply>) => void): void;
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
  terminate(): void;
}

export interface PaintClientOptions {
  /** The worker's own connection to the service. */
  carrier(): Promise<FramesCarrier>;
  onDecodeError(err: Error, meta: FrameMeta): void;
  /** A sentence for the user: the worker's connection failed, or the worker stopped. */
  onProblem(message: string): void;
  worker?: () => PaintWorkerLike;
}

/** True where tiles can be painted in a worker: Worker, OffscreenCanvas and transferControlToOffscreen. */
export function canPaintInWorker(): boolean {
  return (
    typeof Worker === 'function' &&
    typeof OffscreenCanvas === 'function' &&
    typeof HTMLCanvasElement === 'function' &&
    typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function'
  );
}

const startWorker = (): PaintWorkerLike =>
  new Worker(new URL('./paint-worker.ts', import.meta.url), { type: 'module', name: 'frame-paint' });

export function createPaintClient(opts: PaintClientOptions): PaintClient {
  const worker = (opts.worker ?? startWorker)();
  let figures: Record<CameraId, TileFigures> = {};
  let stopped = false;
  let surfaces = 0;
  const frameListeners = new Set<Parameters<DeliveredFrames['onFrame']>[0]>();
  worker.addEventListener('message', (ev: MessageEvent<PaintReply>) => {
    const r = ev.data;
    if (r.type === 'figures') figures = r.cameras;
    else if (r.type === 'frame') {
      if (!frameListeners.size) {
        r.bitmap.close();
        worker.postMessage({ type: 'released', camera: r.meta.camera });
      }
      for (const l of frameListeners) l(r.meta, r.bitmap, viewOf(r.bytes));
    } else if (r.type === 'decode-error') opts.onDecodeError(new Error(r.message), r.meta);
    else opts.onProblem(r.message);
  });
  worker.addEventListener('error', () => {
    if (stopped) return;
    stopped = true;
    opts.onProblem('the frame painter stopped; reload the page to show the cameras’ frames again.');
  });
  opts.carrier().then(
    (carrier) => {
      const transfer = carrier.kind === 'port' ? [carrier.port as unknown as Transferable] : [];
      worker.postMessage({ type: 'carrier', carrier }, transfer);
    },
    (e: unknown) =>
      opts.onProblem(
        `the page could not open its frames connection (${e instanceof Error ? e.message : String(e)}).`,
      ),
  );
  return {
    onFrame(listener) {
      frameListeners.add(listener);
      return () => void frameListeners.delete(listener);
    },
    released: (camera) => worker.postMessage({ type: 'released', camera }),
    deliver: (cameras) => worker.postMessage({ type: 'deliver', cameras }),
    attach(camera, canvas, background) {
      const offscreen = canvas.transferControlToOffscreen();
      const { width, height } = canvas;
      const surface = ++surfaces;
      worker.postMessage({ type: 'show', surface, camera, canvas: offscreen, width, height, background }, [
        offscreen,
      ]);
      let gone = false;
      return {
        resize: (w, h) => {
          if (!gone) worker.postMessage({ type: 'resize', surface, camera, width: w, height: h });
        },
        background: (color) => {
          if (!gone) worker.postMessage({ type: 'background', surface, camera, background: color });
        },
        figures: () => (gone ? null : (figures[camera] ?? null)),
        dispose: () => {
          if (gone) return;
          gone = true;
          worker.postMessage({ type: 'hide', surface, camera });
        },
      };
    },
    dispose() {
      stopped = true;
      worker.terminate();
    },
  };
}
