// The capture loop of the demo script: render the scene at the configured rate, encode it with sharp
// at the configured quality, stamp it and hand it on. A tick that finds the previous frame still being
// encoded is skipped (the sensor drops it), so a slow encoder lowers the rate instead of queueing.
import sharp from 'sharp';
import type { Clock } from '../clock';
import type { SceneLook } from '../types';
import { Scene, type SceneAdjust } from './scene';
import { insertStamp } from './stamp';

export interface CapturedFrame {
  n: number;
  /** Capture time, ms since epoch (also in the COM stamp). */
  t: number;
  quality: number;
  width: number;
  height: number;
  jpeg: Uint8Array;
  /** The RGB888 pixels, only when `wantRaw()` said so at capture time. */
  rgb?: Uint8Array;
}

export interface CaptureSettings {
  fps: number;
  width: number;
  height: number;
  quality: number;
  adjust: SceneAdjust;
}

export interface CaptureOptions {
  clock: Clock;
  settings: () => CaptureSettings;
  onFrame: (f: CapturedFrame) => void;
  wantRaw?: () => boolean;
  /** The camera's label and hue in the picture (default none). */
  look?: SceneLook;
  /** Wall clock for the stamp (default Date.now). */
  wallClock?: () => number;
}

// One encode at a time per loop; let sharp use a single thread so "one core" measurements hold.
sharp.concurrency(1);
sharp.cache(false);

export async function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number) {
  const buf = await sharp(rgb, { raw: { width, height, channels: 3 } })
    // Standard Huffman tables like a camera's encoder: half the CPU of an optimised second pass.
    .jpeg({ quality, chromaSubsampling: '4:2:0', optimiseCoding: false })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

export class CaptureLoop {
  private scene: Scene | null = null;
  private pixels: Uint8Array = new Uint8Array(0);
  private timer: unknown = null;
  private running = false;
  private encoding = false;
  /** A tick found the encoder busy: capture again as soon as it is free (no quantisation to ticks). */
  private owed = false;
  private n = 0;
  private nextAt = 0;
  /** Frames produced and ticks skipped because the encoder was still busy. */
  readonly counters = { produced: 0, skipped: 0, failed: 0 };

  constructor(private readonly opts: CaptureOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextAt = this.opts.clock.now();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  get frameNumber(): number {
    return this.n;
  }

  /** Render and encode one frame now (also used by the benchmark). */
  async captureOnce(): Promise<CapturedFrame> {
    const s = this.opts.settings();
    if (!this.scene || this.scene.width !== s.width || this.scene.height !== s.height) {
      this.scene = new Scene(s.width, s.height, this.opts.look);
      this.pixels = new Uint8Array(s.width * s.height * 3);
    }
    this.scene.setAdjust(s.adjust);
    const n = ++this.n;
    const t = (this.opts.wallClock ?? Date.now)();
    this.scene.render(n, this.pixels);
    const rgb = this.opts.wantRaw?.() ? this.pixels.slice() : undefined;
    const jpeg = await encodeJpeg(this.pixels, s.width, s.height, s.quality);
    return {
      n,
      t,
      quality: s.quality,
      width: s.width,
      height: s.height,
      jpeg: insertStamp(jpeg, { cameraFrame: n, captureTime: t, quality: s.quality }),
      ...(rgb ? { rgb } : {}),
    };
  }

  private schedule(delay: number): void {
    this.timer = this.opts.clock.setTimeout(() => this.tick(), Math.max(0, delay));
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    const interval = 1000 / Math.max(1, this.opts.settings().fps);
    const now = this.opts.clock.now();
    this.nextAt += interval;
    // Fell far behind (stall, slow machine): restart the schedule instead of bursting.
    if (this.nextAt < now - interval) this.nextAt = now + interval;
    this.schedule(this.nextAt - now);
    if (this.encoding) {
      if (this.owed) this.counters.skipped++;
      this.owed = true;
      return;
    }
    this.capture();
  }

  private capture(): void {
    this.encoding = true;
    this.captureOnce()
      .then((f) => {
        this.counters.produced++;
        if (this.running) this.opts.onFrame(f);
      })
      .catch(() => {
        this.counters.failed++;
      })
      .finally(() => {
        this.encoding = false;
        if (this.owed && this.running) {
          this.owed = false;
          this.capture();
        }
      });
  }
}
