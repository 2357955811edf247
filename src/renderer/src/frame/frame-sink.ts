// Newest-frame-only pipeline between the carrier and the canvas, one per camera: a frame is decoded only when
// it will be drawn — at most one decode in flight, and none while a decoded frame still waits for its animation
// frame (unless decoding takes longer than a display refresh: then the next decode overlaps the wait, or the
// display rate would be capped below the camera's). Anything older is superseded (and its bitmap closed); the
// one waiting frame per slot is all that is ever held, so nothing grows.
import type { FrameMeta } from '../../../shared/contract';
import { RateMeter } from '../lib/rate-meter';

export interface Decoded {
  readonly width: number;
  readonly height: number;
  close(): void;
}

/** What a decoder gives back: the bitmap, and the encoded bytes (they may have travelled to a worker and back). */
export interface DecodeResult<B> {
  bitmap: B;
  image: Uint8Array;
}

export interface FrameSinkDeps<B extends Decoded> {
  decode(image: Uint8Array, meta: FrameMeta): Promise<DecodeResult<B>>;
  /** Ask for a draw on the next animation frame (idempotent). */
  requestDraw(): void;
  now(): number;
  onDecodeError(err: Error, meta: FrameMeta): void;
  /** A frame was taken for decoding: the slot is free for the next one (a paced carrier is told). */
  taken?(meta: FrameMeta): void;
  /**
   * The sink is done with a frame pushed decoded (pushDecoded): taken for drawing, or replaced before it was. A
   * worker that delivers decoded frames sends the next one then.
   */
  released?(meta: FrameMeta): void;
}

export interface ShownFrame<B> {
  /** The decoded picture; a view may move it onto its canvas (then it reads 0×0: use width and height). */
  bitmap: B;
  /** The picture's size as decoded. */
  width: number;
  height: number;
  meta: FrameMeta;
  /** The encoded bytes as received, for "save JPEG as received". */
  image: Uint8Array;
}

export interface SinkCounters {
  received: number;
  decoded: number;
  drawn: number;
  /** Frames replaced before they were drawn (superseded = notDecoded + decodedNotDrawn). */
  superseded: number;
  /** …of them, replaced while waiting to be decoded (no work spent). */
  notDecoded: number;
  /** …of them, decoded and then replaced by a newer decoded frame before an animation frame came. */
  decodedNotDrawn: number;
  decodeErrors: number;
}

/** One display refresh at 60 Hz: decodes slower than this overlap the wait for the animation frame. */
export const DISPLAY_INTERVAL_MS = 1000 / 60;
/** Weight of the newest decode time in the running average. */
const DECODE_EWMA = 0.2;

export class FrameSink<B extends Decoded> {
  private pending: { meta: FrameMeta; image: Uint8Array } | null = null;
  private decoding = false;
  private ready: ShownFrame<B> | null = null;
  private current: ShownFrame<B> | null = null;
  private disposed = false;
  private decodeAvgMs = 0;
  readonly counters: SinkCounters = {
    received: 0,
    decoded: 0,
    drawn: 0,
    superseded: 0,
    notDecoded: 0,
    decodedNotDrawn: 0,
    decodeErrors: 0,
  };
  readonly draws = new RateMeter(1000);

  constructor(private readonly deps: FrameSinkDeps<B>) {}

  push(meta: FrameMeta, image: Uint8Array): void {
    if (this.disposed) return;
    this.counters.received++;
    if (this.pending) {
      this.counters.superseded++;
      this.counters.notDecoded++;
    }
    this.pending = { meta, image };
    this.pump();
  }

  /**
   * A frame decoded elsewhere (the paint worker): it waits for the animation frame like one decoded here,
   * replacing (and closing) any decoded frame still waiting.
   */
  pushDecoded(meta: FrameMeta, bitmap: B, image: Uint8Array): void {
    if (this.disposed) {
      bitmap.close();
      return;
    }
    this.counters.received++;
    const replaced = this.makeReady({ bitmap, meta, image, width: bitmap.width, height: bitmap.height });
    if (replaced) this.deps.released?.(replaced.meta);
  }

  /** A decoded frame is the one waiting for the animation frame now; returns the one it replaced (closed). */
  private makeReady(next: ShownFrame<B>): ShownFrame<B> | null {
    this.counters.decoded++;
    const replaced = this.ready;
    if (replaced) {
      replaced.bitmap.close();
      this.counters.superseded++;
      this.counters.decodedNotDrawn++;
    }
    this.ready = next;
    this.deps.requestDraw();
    return replaced;
  }

  /** Running average of how long a decode takes (ms), as this sink sees it. */
  decodeMs(): number {
    return this.decodeAvgMs;
  }

  private pump(): void {
    if (this.decoding || !this.pending || this.disposed) return;
    if (this.ready && this.decodeAvgMs <= DISPLAY_INTERVAL_MS) return; // the animation frame takes it first
    const job = this.pending;
    this.pending = null;
    this.decoding = true;
    this.deps.taken?.(job.meta); // room for the next frame: a paced carrier may send it now
    const t0 = this.deps.now();
    this.deps.decode(job.image, job.meta).then(
      ({ bitmap, image }) => {
        this.decoding = false;
        const ms = this.deps.now() - t0;
        this.decodeAvgMs = this.counters.decoded
          ? this.decodeAvgMs + DECODE_EWMA * (ms - this.decodeAvgMs)
          : ms;
        if (this.disposed) {
          bitmap.close();
          return;
        }
        this.makeReady({ bitmap, meta: job.meta, image, width: bitmap.width, height: bitmap.height });
        this.pump();
      },
      (err: unknown) => {
        this.decoding = false;
        this.counters.decodeErrors++;
        if (!this.disposed)
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
    this.deps.released?.(next.meta);
    this.pump(); // the newest frame that arrived meanwhile may be decoded now
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
