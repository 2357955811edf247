// The last few frames of one camera, so a snapshot saves the frame a page shows (it may be a few behind the
// newest on a loaded machine): bounded in count and bytes, the newest always kept.
import type { FrameMeta } from '../model';

export interface HeldFrame {
  meta: FrameMeta;
  image: Uint8Array;
}

export class RecentFrames {
  private frames: HeldFrame[] = [];
  private bytes = 0;

  constructor(
    private readonly maxFrames = 90,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  push(f: HeldFrame): void {
    this.frames.push(f);
    this.bytes += f.image.length;
    while (this.frames.length > 1 && (this.frames.length > this.maxFrames || this.bytes > this.maxBytes))
      this.bytes -= this.frames.shift()!.image.length;
  }

  /** The frame with this seq while it is held, else the newest (null before the first). */
  pick(seq?: number): HeldFrame | null {
    const f = typeof seq === 'number' ? this.frames.find((r) => r.meta.seq === seq) : undefined;
    return f ?? this.frames[this.frames.length - 1] ?? null;
  }

  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }
}
