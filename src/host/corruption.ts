// Corrupted device packets: what a damaged header said (its CRC undoes a one-bit error), what in a chunk
// was not a packet, and whether the damage belongs to the reply in flight or to something else.
import { EMPTY, Flag, HEADER_SIZE, RTX_TIMEOUT_MS, SYNC0, SYNC1, concatBytes, crc16 } from '../protocol';
import type { CorruptHeader, PacketParser } from '../protocol';
import type { Exchange } from './reassembly';

/**
 * How long an 'await-rtx' reply waits after a corrupted packet: the camera re-sends after its RTX timeout
 * and again after twice that (the wait doubles), plus a margin.
 */
export const RTX_WAIT_MS = RTX_TIMEOUT_MS + 2 * RTX_TIMEOUT_MS + 100;

/**
 * Headers in `bytes` (AA D5 …) that fail their CRC-16 but pass it with one bit of bytes 2..9 flipped back:
 * the CRC corrects a single-bit error, so what a damaged header said is known exactly.
 */
export function repairHeaders(bytes: Uint8Array): CorruptHeader[] {
  const out: CorruptHeader[] = [];
  const crcOk = (h: Uint8Array): boolean => crc16(h, 0, 8) === (h[8]! | (h[9]! << 8));
  for (
    let i = bytes.indexOf(SYNC0);
    i >= 0 && i + HEADER_SIZE <= bytes.length;
    i = bytes.indexOf(SYNC0, i + 1)
  ) {
    if (bytes[i + 1] !== SYNC1) continue;
    const h = bytes.slice(i, i + HEADER_SIZE);
    if (crcOk(h)) continue;
    search: for (let b = 2; b < HEADER_SIZE; b++) {
      for (let bit = 0; bit < 8; bit++) {
        h[b]! ^= 1 << bit;
        if (crcOk(h)) {
          out.push({ seq: h[2]!, channel: h[3]!, flags: h[4]!, opcode: h[5]!, length: h[6]! | (h[7]! << 8) });
          break search;
        }
        h[b]! ^= 1 << bit;
      }
    }
  }
  return out;
}

/** Something on the line that was not a packet: a CRC error, a length over max_payload, a hit sync byte. */
export interface Damage {
  /** What the damaged packets said, where readable (a payload CRC error leaves the header intact). */
  headers: CorruptHeader[];
  /** A header's length exceeded our max_payload (a device back at its default caps). */
  oversize: boolean;
}

/** Reads the parser's error counters around each chunk it parses. */
export class DamageWatch {
  /** The chunk before this one: a damaged header may start in it. */
  private prevChunk: Uint8Array | null = null;

  constructor(private readonly parser: PacketParser) {}

  /**
   * Call before the parser takes `chunk`; the result, called after, tells what in it was damaged (null:
   * nothing). `crc`: headers carry a CRC, so a damaged one can be repaired.
   */
  watch(chunk: Uint8Array): (crc: boolean) => Damage | null {
    const ps = this.parser.stats;
    const [garbage0, oversize0, header0, payload0] = [
      ps.garbageBytes,
      ps.oversize,
      ps.headerCrcErrors,
      ps.payloadCrcErrors,
    ];
    const prev = this.prevChunk;
    this.prevChunk = chunk;
    return (crc) => {
      if (ps.garbageBytes === garbage0 && ps.oversize === oversize0) return null;
      const headers: CorruptHeader[] = [];
      if (ps.headerCrcErrors !== header0 && crc) {
        // a header may start in the previous chunk
        const tail = prev ? prev.subarray(Math.max(0, prev.length - (HEADER_SIZE - 1))) : EMPTY;
        const bytes = tail.length ? concatBytes([tail, chunk], tail.length + chunk.length) : chunk;
        headers.push(...repairHeaders(bytes));
      }
      if (ps.payloadCrcErrors !== payload0 && this.parser.lastCorrupt) headers.push(this.parser.lastCorrupt);
      return { headers, oversize: ps.oversize !== oversize0 };
    };
  }
}

export interface Attribution {
  /** Sequence numbers are checked (caps.seq). */
  seqOn: boolean;
  /** The seq the next device packet must carry (H), read afresh: a stale tail moves it. */
  seq: () => number;
  /** A packet of an abandoned exchange. */
  isStale: (h: CorruptHeader) => boolean;
  /** Discard (and ACK, when owed) a damaged packet of an abandoned exchange. */
  dropStale: (h: CorruptHeader) => void;
}

/**
 * Whether damage belongs to the reply in flight (`cur`). With no header readable (more bits hit, a sync
 * byte hit) or a header longer than our max_payload, it counts as this reply's; otherwise only a header of
 * this reply does, never an event's. A readable header of an abandoned reply is dropped on the way.
 */
export function damagesReply(d: Damage, cur: Exchange, a: Attribution): boolean {
  let ours = d.oversize || d.headers.length === 0;
  for (const bad of d.headers) {
    if (bad.flags & Flag.EVENT) continue;
    if (a.isStale(bad)) {
      // a tail packet we cannot read: still ACK it so the device moves on, it is discarded anyway
      a.dropStale(bad);
      continue;
    }
    if (bad.opcode !== cur.opcode || bad.channel !== cur.channel) continue;
    if (a.seqOn && bad.seq !== a.seq()) continue; // an RTX duplicate of a packet we have
    ours = true;
  }
  return ours;
}
