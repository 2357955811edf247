// Streaming packet parser: feed any chunking of a byte stream, get whole validated packets.
// Never throws on input; resynchronises on AA D5; memory is bounded by two maximum-size packets.
import {
  ABSOLUTE_MAX_PAYLOAD,
  HEADER_SIZE,
  MIN_PAYLOAD,
  PACKET_OVERHEAD,
  PAYLOAD_CRC_SIZE,
  SYNC0,
  SYNC1,
} from './constants';
import { crc16, crc32 } from './crc';
import type { Packet } from './packet';
import { EMPTY } from './packet';

export interface ParserOptions {
  /** Largest accepted payload length (the negotiated max_payload). */
  maxPayload: number;
  /** Check header and payload CRCs (caps CRC bit). With CRC off the trailer is still skipped. */
  crc: boolean;
}

export interface ParserStats {
  packets: number;
  bytes: number;
  /** Bytes skipped while hunting for AA D5 or after a rejected header. */
  garbageBytes: number;
  headerCrcErrors: number;
  payloadCrcErrors: number;
  oversize: number;
}

/** What a valid header said about a packet whose payload was then corrupted. */
export interface CorruptHeader {
  seq: number;
  channel: number;
  flags: number;
  opcode: number;
  length: number;
}

export class PacketParser {
  private opts: ParserOptions;
  private buf: Uint8Array;
  private len = 0;
  /** Bytes the buffer must hold before drain() can make progress (a packet whose header is already valid). */
  private need = 0;
  /** Header of the last packet whose header was valid but whose payload failed its CRC. */
  lastCorrupt: CorruptHeader | null = null;
  readonly stats: ParserStats = {
    packets: 0,
    bytes: 0,
    garbageBytes: 0,
    headerCrcErrors: 0,
    payloadCrcErrors: 0,
    oversize: 0,
  };

  constructor(opts: Partial<ParserOptions> = {}) {
    this.opts = { maxPayload: opts.maxPayload ?? MIN_PAYLOAD, crc: opts.crc ?? true };
    checkMaxPayload(this.opts.maxPayload);
    this.buf = new Uint8Array(2 * (this.opts.maxPayload + PACKET_OVERHEAD));
  }

  get options(): Readonly<ParserOptions> {
    return this.opts;
  }

  /** Bytes held back waiting for the rest of a packet. */
  get buffered(): number {
    return this.len;
  }

  /** Switch CRC checking or max payload (after a SET_CAPS ACK). Buffered bytes are kept. */
  configure(opts: Partial<ParserOptions>): void {
    const next = { ...this.opts, ...opts };
    checkMaxPayload(next.maxPayload);
    const cap = 2 * (next.maxPayload + PACKET_OVERHEAD);
    if (cap !== this.buf.length) {
      const keep = Math.min(this.len, cap);
      const nb = new Uint8Array(cap);
      nb.set(this.buf.subarray(this.len - keep, this.len));
      this.stats.garbageBytes += this.len - keep;
      this.buf = nb;
      this.len = keep;
    }
    this.opts = next;
    this.need = 0; // the waiting header must be re-judged under the new rules
  }

  /** Drop everything buffered (after a SYNC, a reconnect). */
  reset(): void {
    this.len = 0;
    this.need = 0;
    this.lastCorrupt = null;
  }

  /** Feed a chunk; returns the packets it completed, in order. */
  push(chunk: Uint8Array): Packet[] {
    const out: Packet[] = [];
    // even an empty chunk drains: after a shrinking configure() more than one packet may wait to be re-judged
    if (chunk.length === 0 && this.len >= this.need) this.drain(out);
    let i = 0;
    while (i < chunk.length) {
      const n = Math.min(this.buf.length - this.len, chunk.length - i);
      this.buf.set(n === chunk.length ? chunk : chunk.subarray(i, i + n), this.len); // common case: no view
      this.len += n;
      i += n;
      if (this.len >= this.need) this.drain(out);
    }
    return out;
  }

  private drain(out: Packet[]): void {
    const buf = this.buf;
    const end = this.len;
    const { maxPayload, crc } = this.opts;
    let p = 0;
    this.need = 0;
    while (p < end) {
      if (buf[p] !== SYNC0) {
        // search only the live bytes: the stale tail of the buffer may be a long run without AA
        const next = buf.subarray(p, end).indexOf(SYNC0);
        const to = next < 0 ? end : p + next;
        this.stats.garbageBytes += to - p;
        p = to;
        continue;
      }
      if (p + 1 >= end) break;
      if (buf[p + 1] !== SYNC1) {
        this.skip();
        p++;
        continue;
      }
      if (end - p < HEADER_SIZE) break;
      const length = buf[p + 6]! | (buf[p + 7]! << 8);
      if (crc && crc16(buf, p, p + 8) !== (buf[p + 8]! | (buf[p + 9]! << 8))) {
        this.stats.headerCrcErrors++;
        this.skip();
        p++;
        continue;
      }
      if (length > maxPayload) {
        this.stats.oversize++;
        this.skip();
        p++;
        continue;
      }
      const total = HEADER_SIZE + length + (length > 0 ? PAYLOAD_CRC_SIZE : 0);
      if (end - p < total) {
        this.need = total; // the header is valid: wait for the whole packet before looking again
        break;
      }
      const ps = p + HEADER_SIZE;
      if (crc && length > 0) {
        const t = ps + length;
        const want = (buf[t]! | (buf[t + 1]! << 8) | (buf[t + 2]! << 16) | (buf[t + 3]! << 24)) >>> 0;
        if (crc32(buf, ps, t) !== want) {
          this.stats.payloadCrcErrors++;
          this.lastCorrupt = {
            seq: buf[p + 2]!,
            channel: buf[p + 3]!,
            flags: buf[p + 4]!,
            opcode: buf[p + 5]!,
            length,
          };
          this.skip();
          p++;
          continue;
        }
      }
      out.push({
        seq: buf[p + 2]!,
        channel: buf[p + 3]!,
        flags: buf[p + 4]!,
        opcode: buf[p + 5]!,
        payload: length > 0 ? buf.slice(ps, ps + length) : EMPTY,
      });
      this.stats.packets++;
      this.stats.bytes += total;
      p += total;
    }
    if (p > 0) {
      buf.copyWithin(0, p, end);
      this.len = end - p;
    }
  }

  private skip(): void {
    this.stats.garbageBytes++;
  }
}

function checkMaxPayload(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > ABSOLUTE_MAX_PAYLOAD) {
    throw new RangeError(`maxPayload ${n} is outside 1..${ABSOLUTE_MAX_PAYLOAD}`);
  }
}
