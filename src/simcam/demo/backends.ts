// Demo channel backends, written the way a camera script writes them (plain classes whose methods the
// registry introspects).
import type { Clock } from '../clock';
import type { CapturedFrame } from './capture';

/**
 * `temp`: a read-only die temperature, °C, as the seed scripts send it: `struct.pack('<f', value)`, a
 * 4-byte little-endian float32. size() takes a fresh sample (so SIZE then READ returns a consistent
 * value) and returns 4; read() returns the asked-for slice of those bytes; poll() is true once a newer
 * sample is due (every 1 s).
 */
export class TempBackend {
  private sample: Uint8Array = new Uint8Array(0);
  private sampledAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly wallClock: () => number = Date.now,
  ) {}

  value(): number {
    const t = this.wallClock() / 1000;
    return 36 + 1.5 * Math.sin(t / 30) + 0.25 * Math.sin(t * 1.7) + (Math.random() - 0.5) * 0.1;
  }

  poll(): boolean {
    return this.clock.now() - this.sampledAt >= 1000;
  }

  size(): number {
    this.sample = packFloat32(this.value());
    this.sampledAt = this.clock.now();
    return this.sample.length;
  }

  read(offset: number, size: number): Uint8Array {
    if (!this.sample.length) this.size();
    return this.sample.subarray(offset, offset + size);
  }
}

/** Python's struct.pack('<f', value). */
export function packFloat32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setFloat32(0, value, true);
  return out;
}

/**
 * `frame`: the latest stamped JPEG, read-only, readp-based (max_payload fragments). size() snapshots the
 * latest frame so the following READ is consistent while newer frames arrive; poll() is true while a
 * frame newer than the last snapshot exists. shape() is (width, height).
 */
export class FrameBackend {
  private latest: CapturedFrame | null = null;
  private snap: CapturedFrame | null = null;

  update(f: CapturedFrame): void {
    this.latest = f;
  }

  get current(): CapturedFrame | null {
    return this.latest;
  }

  poll(): boolean {
    return !!this.latest && this.latest !== this.snap;
  }

  size(): number {
    this.snap = this.latest;
    return this.snap ? this.snap.jpeg.length : 0;
  }

  shape(): number[] {
    const f = this.snap ?? this.latest;
    return f ? [f.width, f.height] : [0, 0];
  }

  readp(offset: number, size: number): Uint8Array | null {
    const f = this.snap ?? this.latest;
    if (!f || offset + size > f.jpeg.length) return null;
    return f.jpeg.subarray(offset, offset + size);
  }
}

/** `config.schema` and other constant read-only documents. */
export class StaticTextBackend {
  private readonly bytes: Uint8Array;
  constructor(text: string) {
    this.bytes = new TextEncoder().encode(text);
  }
  size(): number {
    return this.bytes.length;
  }
  read(offset: number, size: number): Uint8Array {
    return this.bytes.subarray(offset, offset + size);
  }
}

/**
 * The seeds' simpler config: write-only, the payload is an ASCII integer that sets the JPEG quality
 * (1…100). Anything else is refused (0 → NAK FAILED) and the reason printed on stdout, like a script.
 */
export class RawQualityBackend {
  constructor(
    public quality: number,
    private readonly onChange: (q: number) => void,
    private readonly rejectAll: () => boolean = () => false,
    private readonly onRefuse: (line: string) => void = () => {},
  ) {}

  write(_offset: number, data: Uint8Array): number {
    if (this.rejectAll()) return this.refuse('writes are rejected (reject-writes fault)');
    const text = new TextDecoder().decode(data).trim();
    const q = Number(text);
    if (!/^\d+$/.test(text) || q < 1 || q > 100) {
      return this.refuse(`quality must be an ASCII integer 1…100 (got ${JSON.stringify(text)})`);
    }
    this.quality = q;
    this.onChange(q);
    return data.length;
  }

  private refuse(reason: string): number {
    this.onRefuse(`config: refused: ${reason}`);
    return 0;
  }
}
