// Host-side link statistics, with a bounded window of round-trip samples for percentiles.

export interface HostStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Packets dropped by the parser for a bad header or payload CRC. */
  crcErrors: number;
  /** Device retransmissions seen (RTX flag). */
  retransmits: number;
  /** RTX duplicates of packets already accepted (re-ACKed and dropped). */
  duplicates: number;
  /** ACKs sent in the same write as the next request. */
  foldedAcks: number;
  resyncs: number;
  timeouts: number;
  sequenceErrors: number;
  naks: number;
  /** NAKs we sent for corrupted packets (asking the device to retransmit at once). */
  naksSent: number;
  busy: number;
  events: number;
  commands: number;
  rttMsP50: number;
  rttMsP99: number;
}

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
