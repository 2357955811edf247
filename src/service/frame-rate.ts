// Frame rate and bit rate of one connection, measured on the camera's own clock.
// One estimator per service; the stats snapshot carries its figures and every view reads those, so the overlay
// and the stats panel can never disagree. Both figures come from the same window of frames:
//   fps  = camera frames in the window's span ÷ span (the frames' own numbers: frames the host left unread or
//          lost still count, it is the camera's rate), or (frames in window − 1) ÷ span without numbers,
//   kbps = bytes of the frames read (all but the first) × 8 ÷ span: what crossed the link,
// so when the host reads every frame kbps ÷ fps is the mean size of real frames (no 34 Mbit/s beside 13 KB
// frames at 30 fps), and when it reads fewer, kbps shows the link's lighter load.
import type { RateClock } from '../model';

export interface RateSample {
  /** FrameStamp.captureTime (ms), when the frame carries one. */
  captureTime?: number;
  /** The camera's own fps claim (stream header), used only when frames carry no capture time. */
  headerFps?: number;
  /** FrameStamp.cameraFrame: the camera's own frame number, when the frame carries one. */
  cameraFrame?: number;
  /** When the host had the frame (ms, monotonic). */
  hostMs: number;
  bytes: number;
}

export interface RateEstimate {
  /** null until two frames of this connection are in (nothing measured yet). */
  fps: number | null;
  kbps: number | null;
  clock: RateClock;
  /** Frames and camera-time span of the window the figures come from. */
  frames: number;
  spanMs: number;
}

export interface RateOptions {
  /** The window covers at least this much time… */
  minSpanMs: number;
  /** …and at least this many frames, whichever is longer. */
  minFrames: number;
  /** Bound on the window at very high frame rates. */
  maxFrames: number;
  /** No frame for this long (host clock, and ≥ 2.5 frame intervals): the stream stopped, fps is 0. */
  staleMs: number;
}

export const DEFAULT_RATE_OPTIONS: RateOptions = {
  minSpanMs: 1000,
  minFrames: 5,
  maxFrames: 600,
  staleMs: 2000,
};

interface Point {
  t: number;
  /** The camera's frame number (camera clock only). */
  n: number | undefined;
  bytes: number;
  hostMs: number;
  headerFps: number | undefined;
}

export class FrameRateEstimator {
  private points: Point[] = [];
  private clock: RateClock = 'host';
  private readonly opts: RateOptions;

  constructor(opts: Partial<RateOptions> = {}) {
    this.opts = { ...DEFAULT_RATE_OPTIONS, ...opts };
  }

  /** A new connection (or a camera restart): nothing measured so far counts. */
  reset(): void {
    this.points = [];
  }

  add(s: RateSample): void {
    const clock: RateClock =
      s.captureTime !== undefined && Number.isFinite(s.captureTime)
        ? 'camera'
        : s.headerFps !== undefined && s.headerFps > 0
          ? 'header'
          : 'host';
    const t = clock === 'camera' ? s.captureTime! : s.hostMs;
    const last = this.points.at(-1);
    // a different clock, or the camera's clock running backwards (it restarted): start over
    if (clock !== this.clock || (last && t < last.t)) {
      this.points = [];
      this.clock = clock;
    }
    const n = clock === 'camera' && Number.isFinite(s.cameraFrame) ? s.cameraFrame : undefined;
    this.points.push({ t, n, bytes: s.bytes, hostMs: s.hostMs, headerFps: s.headerFps });
    this.trim();
  }

  private trim(): void {
    const p = this.points;
    const { minSpanMs, minFrames, maxFrames } = this.opts;
    let drop = 0;
    // drop the oldest while what remains still spans the minimum time and frame count
    while (
      p.length - drop > maxFrames ||
      (p.length - drop - 1 >= minFrames && p.at(-1)!.t - p[drop + 1]!.t >= minSpanMs)
    )
      drop++;
    if (drop) this.points = p.slice(drop);
  }

  estimate(hostNow: number): RateEstimate {
    const p = this.points;
    const n = p.length;
    const first = p[0];
    const last = p.at(-1);
    if (!first || !last || n < 2) return { fps: null, kbps: null, clock: this.clock, frames: n, spanMs: 0 };
    const span = last.t - first.t;
    let bytes = 0;
    for (let i = 1; i < n; i++) bytes += p[i]!.bytes;
    let fps: number;
    let kbps: number;
    if (this.clock === 'header') {
      // the camera states its rate; the data rate follows from the frames' real sizes
      fps = last.headerFps ?? 0;
      kbps = ((bytes / (n - 1)) * 8 * fps) / 1000;
    } else if (span > 0) {
      const numbered = first.n !== undefined && last.n !== undefined && last.n > first.n;
      fps = ((numbered ? last.n! - first.n! : n - 1) * 1000) / span;
      kbps = (bytes * 8) / span;
    } else {
      return { fps: null, kbps: null, clock: this.clock, frames: n, spanMs: 0 };
    }
    const interval = fps > 0 ? 1000 / fps : Infinity;
    if (hostNow - last.hostMs > Math.max(this.opts.staleMs, 2.5 * interval)) {
      fps = 0;
      kbps = 0;
    }
    return { fps, kbps, clock: this.clock, frames: n, spanMs: span };
  }
}
