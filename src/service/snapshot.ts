// Snapshot files: the JPEG exactly as the camera sent it, or a PNG re-encoded by sharp; saved at a bounded rate
// into a folder with a budget (files and bytes), so nobody can fill the disk through the service.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { snapshotFileName } from '../model';
import type { FrameMeta, SnapshotResult } from '../model';
import { ServiceError } from './errors';

export interface SnapshotLimits {
  /** Saves per second, sustained. */
  perSecond: number;
  /** Saves at once before the rate applies (a short burst of clicks). */
  burst: number;
  /** Snapshot files (ours: camdeck-….jpg/png) the folder may hold. */
  maxFiles: number;
  /** Bytes of snapshot files the folder may hold. */
  maxBytes: number;
}

/** The documented defaults (README, "Browser-host mode"): 5 a second, 10 at once; 5000 files, 1 GiB. */
export const SNAPSHOT_LIMITS: SnapshotLimits = {
  perSecond: 5,
  burst: 10,
  maxFiles: 5000,
  maxBytes: 1024 * 1024 * 1024,
};

/** The files counted against the budget: the ones camdeck names (the folder may hold other pictures). */
const SNAPSHOT_FILE = /^camdeck-.*\.(jpg|png)$/;

/** Attempts at a free name: two saves in the same millisecond of the same frame get -2, -3, … */
const NAME_ATTEMPTS = 100;

type Frame = { meta: FrameMeta; image: Uint8Array };
interface Usage {
  files: number;
  bytes: number;
}

export class SnapshotFolder {
  private readonly limits: SnapshotLimits;
  private tokens: number;
  private refilledAt: number;
  /** What the folder holds, counted once and then kept up to date by our own saves (null: not counted). */
  private usage: Usage | null = null;
  private counting: Promise<Usage> | null = null;

  constructor(
    readonly dir: string,
    limits: Partial<SnapshotLimits> = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.limits = { ...SNAPSHOT_LIMITS, ...limits };
    this.tokens = this.limits.burst;
    this.refilledAt = clock();
  }

  async save(frame: Frame, format: 'jpeg' | 'png'): Promise<SnapshotResult> {
    this.takeToken();
    const bytes = await encode(frame, format);
    await this.reserve(bytes.length);
    try {
      const name = await this.write(frame.meta, format, bytes);
      return { path: path.join(this.dir, name), name, seq: frame.meta.seq, bytes: bytes.length, format };
    } catch (err) {
      this.usage = null; // count again: the folder is not what we thought
      throw err;
    }
  }

  /** A token bucket: `burst` at once, refilled at `perSecond`; taken before any work is done. */
  private takeToken(): void {
    const now = this.clock();
    const { perSecond, burst } = this.limits;
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * perSecond);
    this.refilledAt = now;
    if (this.tokens < 1)
      throw new ServiceError(
        'snapshot-rate',
        `Snapshots are limited to ${perSecond} a second; this one was not saved.`,
        'Wait a moment, then save again.',
      );
    this.tokens -= 1;
  }

  /** Claim room for one file of `bytes`, or refuse: the folder's budget is spent. */
  private async reserve(bytes: number): Promise<void> {
    const { maxFiles, maxBytes } = this.limits;
    const fits = (u: Usage) => u.files + 1 <= maxFiles && u.bytes + bytes <= maxBytes;
    let u = this.usage ?? (await this.recount());
    // over by our count: the user may have cleared the folder since, so look again before refusing
    if (!fits(u)) u = await this.recount();
    if (!fits(u))
      throw new ServiceError(
        'snapshot-budget',
        `The snapshots folder is full (at most ${maxFiles} snapshots and ${size(maxBytes)}); this one was not saved.`,
        `Move or delete old snapshots in ${this.dir}, then save again.`,
      );
    u.files += 1;
    u.bytes += bytes;
  }

  /** Count the folder (saves at once share one count; a save still being written is not in it yet). */
  private recount(): Promise<Usage> {
    this.counting ??= this.count()
      .then((u) => (this.usage = u))
      .finally(() => (this.counting = null));
    return this.counting;
  }

  private async count(): Promise<Usage> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => SNAPSHOT_FILE.test(n));
    } catch {
      return { files: 0, bytes: 0 }; // no folder yet (write() makes it, or says why it cannot)
    }
    const sizes = await Promise.all(
      names.map((n) =>
        stat(path.join(this.dir, n)).then(
          (s) => (s.isFile() ? s.size : -1),
          () => -1,
        ),
      ),
    );
    const files = sizes.filter((s) => s >= 0);
    return { files: files.length, bytes: files.reduce((a, b) => a + b, 0) };
  }

  /** Write under the frame's name, or the first free `-2`, `-3`, … beside it; never over another file. */
  private async write(meta: FrameMeta, format: 'jpeg' | 'png', bytes: Uint8Array): Promise<string> {
    const base = snapshotFileName(meta, format, new Date(this.clock()));
    try {
      await mkdir(this.dir, { recursive: true });
      for (let n = 1; ; n++) {
        const name = n === 1 ? base : base.replace(/(\.\w+)$/, `-${n}$1`);
        try {
          await writeFile(path.join(this.dir, name), bytes, { flag: 'wx' });
          return name;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= NAME_ATTEMPTS) throw err;
        }
      }
    } catch (err) {
      // a file-system failure here is about the snapshot folder, never the camera port (EACCES ≠ udev)
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ServiceError(
        'snapshot-failed',
        `cannot save the snapshot in ${this.dir} (${why})`,
        'Check that the folder exists and is writable, or choose another one with CAMDECK_SNAPSHOTS_DIR.',
      );
    }
  }
}

/** A byte budget in words: 1 GiB, 200 MiB, 250 bytes. */
function size(n: number): string {
  for (const [unit, b] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
  ] as const)
    if (n >= b) return `${Number((n / b).toFixed(1))} ${unit}`;
  return `${n} bytes`;
}

/** The file's bytes: the JPEG as received, or the frame re-encoded as PNG. */
async function encode(frame: Frame, format: 'jpeg' | 'png'): Promise<Uint8Array> {
  if (format === 'jpeg') {
    if (frame.meta.format !== 'jpeg')
      throw new ServiceError(
        'snapshot-format',
        `this frame is ${frame.meta.format}, not JPEG`,
        'Save as PNG.',
      );
    return frame.image;
  }
  try {
    return await sharp(frame.image).png({ compressionLevel: 6 }).toBuffer();
  } catch (err) {
    throw new ServiceError(
      'snapshot-failed',
      `cannot encode the frame as PNG (${(err as Error).message})`,
      'The frame may be damaged; save the next one.',
    );
  }
}
