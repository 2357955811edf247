// The flipNext() fault: flip one bit of one matching transmission. The sender keeps the clean packet,
// so a retransmission goes out intact.
import { Flag, HEADER_SIZE } from '../../protocol';
import type { FlipMatch, FlipPart, SimCamStats } from '../types';

interface PendingFlip {
  part: FlipPart;
  match: FlipMatch;
}

/** Header bytes a flip may hit: everything after the sync bytes (seq … header CRC). */
const FLIP_HEADER_FIRST = 2;

export class FlipQueue {
  /** Requests not yet applied, oldest first (a fault knob: survives protocol resets). */
  private flips: PendingFlip[] = [];

  constructor(private readonly stats: SimCamStats) {}

  push(part: FlipPart, match: FlipMatch = {}): void {
    this.flips.push({ part, match: { ...match } });
  }

  get pending(): number {
    return this.flips.length;
  }

  /** A corrupted copy of `pkt` when a pending flip matches it, else `pkt` itself. */
  apply(pkt: Uint8Array, length: number): Uint8Array {
    const i = this.flips.findIndex((f) => matches(f, pkt, length));
    if (i < 0) return pkt;
    const [f] = this.flips.splice(i, 1);
    const rand = Math.random;
    const byte =
      f!.part === 'header'
        ? FLIP_HEADER_FIRST + Math.floor(rand() * (HEADER_SIZE - FLIP_HEADER_FIRST))
        : HEADER_SIZE + Math.floor(rand() * length);
    const out = pkt.slice();
    out[byte] = out[byte]! ^ (1 << Math.floor(rand() * 8));
    this.stats.flipsInjected++;
    return out;
  }
}

function matches(f: PendingFlip, pkt: Uint8Array, length: number): boolean {
  const opcode = pkt[5]!;
  const isEvent = !!(pkt[4]! & Flag.EVENT);
  if (f.part === 'payload' && length === 0) return false;
  if (f.match.opcode !== undefined && f.match.opcode !== opcode) return false;
  if (f.match.channel !== undefined && f.match.channel !== pkt[3]) return false;
  // Events only when asked for by opcode: they arrive at any time and would steal the flip.
  return !isEvent || f.match.opcode !== undefined;
}
