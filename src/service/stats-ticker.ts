// The service's stats: one mechanism, push. Every interval (1 s) the figures are measured and sent as
// the 'stats' event (while a camera is connected or on its way; once at once when the stream stops, so a
// page shows fps 0 without waiting). getStats() answers with the same measurement taken now (a page that
// just reconnected must not get one that predates it); a page that listens to the event need not poll it.
import type { Camera } from '../host';
import { DropCounter, emptyHostStats, type FrameMeta, type StatsSnapshot } from '../model';
import { FrameRateEstimator } from './frame-rate';

export class StatsTicker {
  private readonly rate = new FrameRateEstimator();
  /** Gaps in the camera's frame numbers, this connection. */
  private readonly drops = new DropCounter();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly camera: Camera,
    /** Whether the periodic event goes out now (not while disconnected). */
    private readonly live: () => boolean,
    private readonly push: (stats: StatsSnapshot) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref?.();
  }

  /** A frame was delivered: it counts into the rates and the drops. */
  frame(meta: FrameMeta): void {
    this.rate.add({
      captureTime: meta.captureTime,
      ...(meta.cameraFrame !== undefined ? { cameraFrame: meta.cameraFrame } : {}),
      headerFps: meta.cameraFps,
      hostMs: performance.now(),
      bytes: meta.bytes,
    });
    this.drops.add(meta.cameraFrame);
  }

  /** The camera signalled a frame the host left unread (nobody wanted it): not a drop. */
  skipped(): void {
    this.drops.skipped();
  }

  /** A new connection counts from zero. */
  reset(): void {
    this.rate.reset();
    this.drops.reset();
  }

  /** Measure and push; `always`: even while disconnected (the stream just stopped). */
  tick(always = false): void {
    const stats = this.measure();
    if (always || this.live()) this.push(stats);
  }

  /** The figures as of now (the periodic event and getStats() both come from here). */
  measure(): StatsSnapshot {
    const r = this.rate.estimate(performance.now());
    const live = this.camera.connected;
    return {
      host: this.camera.hostStats ?? emptyHostStats(),
      frames: {
        received: this.drops.received,
        dropped: this.drops.dropped,
        unread: this.drops.unread,
        // not connected: no frames are coming, whatever the window last saw
        fps: r.fps === null ? null : live ? Math.round(r.fps * 10) / 10 : 0,
        kbps: r.kbps === null ? null : live ? Math.round(r.kbps) : 0,
        clock: r.clock,
      },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
