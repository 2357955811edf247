// Events per second and bytes per second over a sliding window, with an injected clock.
// The rate says what is true right now: sparse events (1 fps) are measured over the last few of them rather
// than reading 0 in a one-second window, and once the events stop (a disconnect) it reads 0 within about two
// intervals instead of the last second's figure.

/** The fewest events a rate is measured over, reaching back up to MAX_WINDOW_MS. */
const MIN_SAMPLES = 3;
const MAX_WINDOW_MS = 5000;
/** Silence longer than this many intervals (and STALL_MIN_MS) means the events stopped. */
const STALL_INTERVALS = 2;
const STALL_MIN_MS = 500;

export class RateMeter {
  private times: number[] = [];
  private sizes: number[] = [];
  private head = 0;

  constructor(private readonly windowMs = 1000) {}

  add(now: number, bytes = 0): void {
    this.times.push(now);
    this.sizes.push(bytes);
    this.trim(now);
  }

  private trim(now: number): void {
    const keep = Math.max(this.windowMs, MAX_WINDOW_MS);
    while (this.head < this.times.length && this.times[this.head]! <= now - keep) this.head++;
    // Compact now and then so the arrays stay bounded.
    if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first sample inside the window (the sliding window only). */
  private windowStart(now: number): number {
    let i = this.head;
    while (i < this.times.length && this.times[i]! <= now - this.windowMs) i++;
    return i;
  }

  /**
   * Events per second: the intervals between the samples in the window (at least the last MIN_SAMPLES
   * within MAX_WINDOW_MS) over the time they span; 0 once the events have stopped.
   */
  rate(now: number): number {
    this.trim(now);
    const end = this.times.length;
    const first = Math.max(this.head, Math.min(this.windowStart(now), end - MIN_SAMPLES));
    const n = end - first;
    if (n < 2) return 0;
    const last = this.times[end - 1]!;
    const span = last - this.times[first]!;
    if (span <= 0) return 0;
    const interval = span / (n - 1);
    if (now - last > Math.max(STALL_INTERVALS * interval, STALL_MIN_MS)) return 0;
    return 1000 / interval;
  }

  /** kbit/s over the window. */
  kbps(now: number): number {
    this.trim(now);
    let bytes = 0;
    for (let i = this.windowStart(now); i < this.times.length; i++) bytes += this.sizes[i]!;
    return (bytes * 8) / this.windowMs;
  }

  reset(): void {
    this.times = [];
    this.sizes = [];
    this.head = 0;
  }
}
