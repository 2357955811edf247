// Events per second and bytes per second over a sliding window, with an injected clock.

export class RateMeter {
  private times: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytesInWindow = 0;

  constructor(private readonly windowMs = 1000) {}

  add(now: number, bytes = 0): void {
    this.times.push(now);
    this.sizes.push(bytes);
    this.bytesInWindow += bytes;
    this.trim(now);
  }

  private trim(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) {
      this.bytesInWindow -= this.sizes[this.head]!;
      this.head++;
    }
    // Compact now and then so the arrays stay bounded.
    if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** Events per second: intervals between the samples in the window over the time they span. */
  rate(now: number): number {
    this.trim(now);
    const n = this.times.length - this.head;
    if (n < 2) return 0;
    const span = this.times[this.times.length - 1]! - this.times[this.head]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  /** kbit/s over the window. */
  kbps(now: number): number {
    this.trim(now);
    return (this.bytesInWindow * 8) / this.windowMs;
  }

  reset(): void {
    this.times = [];
    this.sizes = [];
    this.head = 0;
    this.bytesInWindow = 0;
  }
}
