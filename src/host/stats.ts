// Host-side link statistics (HostStats, in src/model): a bounded window of round-trip samples for percentiles.

const WINDOW = 1024;

export class RttWindow {
  private samples = new Float64Array(WINDOW);
  private n = 0;
  add(ms: number): void {
    this.samples[this.n % WINDOW] = ms;
    this.n++;
  }
  percentile(p: number): number {
    const count = Math.min(this.n, WINDOW);
    if (!count) return 0;
    const sorted = Array.from(this.samples.subarray(0, count)).sort((a, b) => a - b);
    return sorted[Math.min(count - 1, Math.floor((p / 100) * count))]!;
  }
  reset(): void {
    this.n = 0;
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
