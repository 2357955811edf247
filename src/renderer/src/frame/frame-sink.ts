// Newest-frame-only pipeline between the carrier and the canvas: at most one decode in flight, at most one
// decoded frame waiting for the next animation frame; anything older is superseded (and its bitmap closed).
import type { FrameMeta } from '../../../shared/contract';
import { RateMeter } from '../lib/rate-meter';

export interface Decoded {
  readonly width: number;
  readonly height: number;
  close(): void;
}

export interface FrameSinkDeps<B extends Decoded> {
  decode(image: Uint8Array, meta: FrameMeta): Promise<B>;
  /** Ask for a draw on the next animation frame (idempotent). */
  requestDraw(): void;
  now(): number;
  onDecodeError(err: Error, meta: FrameMeta): void;
}

export interface ShownFrame<B> {
  bitmap: B;
  meta: FrameMeta;
  /** The encoded bytes as received, for "save JPEG as received". */
  image: Uint8Array;
}

export interface SinkCounters {
  received: number;
  decoded: number;
  drawn: number;
  /** Frames replaced before they were drawn. */
  superseded: number;
  decodeErrors: number;
}

export class FrameSink<B extends Decoded> {
  private pending: { meta: FrameMeta; image: Uint8Array } | null = null;
  private decoding = false;
  private ready: ShownFrame<B> | null = null;
  private current: ShownFrame<B> | null = null;
  private disposed = false;
  readonly counters: SinkCounters = { received: 0, decoded: 0, drawn: 0, superseded: 0, decodeErrors: 0 };
  readonly draws = new RateMeter(1000);

  constructor(private readonly deps: FrameSinkDeps<B>) {}

  push(meta: FrameMeta, image: Uint8Array): void {
    if (this.disposed) return;
    this.counters.received++;
    if (this.pending) this.counters.superseded++;
    this.pending = { meta, image };
    this.pump();
  }

  private pump(): void {
    if (this.decoding || !this.pending || this.disposed) return;
    const job = this.pending;
    this.pending = null;
    this.decoding = true;
    this.deps.decode(job.image, job.meta).then(
      (bitmap) => {
        this.decoding = false;
        if (this.disposed) {
          bitmap.close();
          return;
        }
        this.counters.decoded++;
        if (this.ready) {
          this.ready.bitmap.close();
          this.counters.superseded++;
        }
        this.ready = { bitmap, meta: job.meta, image: job.image };
        this.deps.requestDraw();
        this.pump();
      },
      (err: unknown) => {
        this.decoding = false;
        this.counters.decodeErrors++;
        this.deps.onDecodeError(err instanceof Error ? err : new Error(String(err)), job.meta);
        this.pump();
      },
    );
  }

  /** Called from requestAnimationFrame: the frame to draw now, or null when nothing new arrived. */
  takeForDraw(): ShownFrame<B> | null {
    const next = this.ready;
    if (!next) return null;
    this.ready = null;
    this.current?.bitmap.close();
    this.current = next;
    this.counters.drawn++;
    this.draws.add(this.deps.now());
    return next;
  }

  /** What is on screen (for redraws on zoom, pixel readout and snapshots). */
  shown(): ShownFrame<B> | null {
    return this.current;
  }

  // The camera's fps and data rate are not measured here: the service measures them on the camera's clock
  // (StatsSnapshot.frames) and every view shows that one figure. This is the page's own draw rate.
  displayFps(): number {
    return this.draws.rate(this.deps.now());
  }

  dispose(): void {
    this.disposed = true;
    this.pending = null;
    this.ready?.bitmap.close();
    this.current?.bitmap.close();
    this.ready = null;
    this.current = null;
  }
}
