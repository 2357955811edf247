// Fault injection between the device engine and its link: bit flips and byte drops (both directions),
// added latency and a bandwidth cap (device → host). The knobs change live.
import type { ByteLink } from '../protocol';
import type { Clock } from './clock';
import type { Faults } from './types';

export const NO_FAULTS: Faults = {
  bitFlipRate: 0,
  dropRate: 0,
  latencyMs: 0,
  bandwidthBps: 0,
  rebootEveryMs: 0,
};

/** Index of the next hit for per-byte probability p (geometric skip), or Infinity. */
function nextHit(p: number, rand: () => number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return 0;
  return Math.floor(Math.log(1 - rand()) / Math.log(1 - p));
}

/** Apply drops and bit flips to a chunk; returns the original when nothing changed. */
export function corrupt(chunk: Uint8Array, f: Faults, rand: () => number = Math.random): Uint8Array {
  if (f.bitFlipRate <= 0 && f.dropRate <= 0) return chunk;
  let out: Uint8Array | null = null;
  for (let i = nextHit(f.bitFlipRate, rand); i < chunk.length; i += 1 + nextHit(f.bitFlipRate, rand)) {
    out ??= chunk.slice();
    out[i] = out[i]! ^ (1 << Math.floor(rand() * 8));
  }
  const src = out ?? chunk;
  if (f.dropRate > 0) {
    const keep: number[] = [];
    let drop = nextHit(f.dropRate, rand);
    for (let i = 0; i < src.length; i++) {
      if (i === drop) drop = i + 1 + nextHit(f.dropRate, rand);
      else keep.push(i);
    }
    if (keep.length !== src.length) return Uint8Array.from(keep, (i) => src[i]!);
  }
  return src;
}

/** Wraps the host-facing link; the engine talks to this. */
export class FaultLink implements ByteLink {
  private queue: { at: number; data: Uint8Array }[] = [];
  private timer: unknown = null;
  private busyUntil = 0;

  constructor(
    private readonly inner: ByteLink,
    private readonly faults: () => Faults,
    private readonly clock: Clock,
  ) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  write(data: Uint8Array): void {
    const f = this.faults();
    const bytes = corrupt(data, f);
    if (!bytes.length) return;
    if (f.latencyMs <= 0 && f.bandwidthBps <= 0 && !this.queue.length) {
      this.inner.write(bytes);
      return;
    }
    const now = this.clock.now();
    const txMs = f.bandwidthBps > 0 ? (bytes.length * 8000) / f.bandwidthBps : 0;
    this.busyUntil = Math.max(now, this.busyUntil) + txMs;
    this.queue.push({ at: this.busyUntil + Math.max(0, f.latencyMs), data: bytes.slice() });
    this.pump();
  }

  private pump(): void {
    if (this.timer !== null) return;
    const head = this.queue[0];
    if (!head) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        const now = this.clock.now();
        while (this.queue.length && this.queue[0]!.at <= now + 0.5) {
          const { data } = this.queue.shift()!;
          if (!this.inner.closed) this.inner.write(data);
        }
        this.pump();
      },
      Math.max(0, head.at - this.clock.now()),
    );
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.inner.onData((chunk) => {
      const bytes = corrupt(chunk, this.faults());
      if (bytes.length) listener(bytes);
    });
  }

  onClose(listener: (reason?: Error) => void): () => void {
    return this.inner.onClose(listener);
  }

  close(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.inner.close();
  }
}
