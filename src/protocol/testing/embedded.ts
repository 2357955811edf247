// Test oracle for the parser: real packets embedded in garbage that no correct parser may take for a packet
// (random bytes, sync soup, truncated and corrupted packets, oversize headers). The parser must return exactly
// the real packets, in order, and nothing else. Shared by the property test (fast-check) and the fuzz test.
import { HEADER_SIZE, PAYLOAD_CRC_SIZE, SYNC0, SYNC1 } from '../constants';
import type { Packet } from '../packet';
import { encodePacket, packetSize, restampHeader } from '../packet';

export type Fields = Omit<Packet, 'payload'>;

export type Segment =
  | { kind: 'packet'; packet: Packet }
  /** arbitrary bytes; with CRC off every sync word in them is broken */
  | { kind: 'random'; bytes: Uint8Array }
  /** AA/D5 only: bit i of `bits` picks the byte */
  | { kind: 'soup'; bits: boolean[] }
  /** a packet cut short (see `cut`); CRC on only */
  | { kind: 'truncated'; packet: Packet; keep: number }
  /** a packet with one byte xored (`at` modulo its size, `xor` in 1..255); CRC on only */
  | { kind: 'corrupt'; packet: Packet; at: number; xor: number }
  /** AA D5 and 4 more header bytes (none AA): the next segment's sync word becomes its oversize length */
  | { kind: 'stub'; fields: Fields }
  /** a lone header whose length is `excess` (≥ 1) above max payload */
  | { kind: 'oversize'; fields: Fields; excess: number };

export interface EmbedOptions {
  crc: boolean;
  maxPayload: number;
}

export interface Embedded {
  stream: Uint8Array;
  /** the packets a correct parser returns from `stream`, in order */
  real: Packet[];
}

export type GarbageKind = Exclude<Segment['kind'], 'packet'>;

/** Garbage kinds that are never a packet under `crc`: with CRC off a cut or damaged packet is still accepted. */
export const garbageKinds = (crc: boolean): GarbageKind[] =>
  crc ? ['random', 'soup', 'truncated', 'corrupt', 'oversize', 'stub'] : ['random', 'oversize', 'stub'];

/** Replace every D5 that follows an AA (and a leading D5: the previous garbage may end in AA) by 00. */
function breakSync(bytes: Uint8Array, from = 0): Uint8Array {
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] === SYNC1 && (i === 0 || bytes[i - 1] === SYNC0)) bytes[i] = 0;
  }
  return bytes;
}

/**
 * Where a truncated packet ends: inside the header before its length is complete (1..7 bytes: whatever
 * follows supplies length and CRC, and the filler makes that length oversize), or in the payload before its
 * CRC. Never with only part of a CRC missing: the next bytes would complete it 1 time in 256 (or 65 536).
 */
function cut(size: number, keep: number): number {
  const payloadCuts = size > HEADER_SIZE ? size - PAYLOAD_CRC_SIZE - HEADER_SIZE + 1 : 0; // 10..size-4
  const k = keep % (7 + payloadCuts);
  return k < 7 ? 1 + k : HEADER_SIZE + (k - 7);
}

function oversizeHeader(fields: Fields, length: number, opts: EmbedOptions): Uint8Array {
  const h = encodePacket(fields, { crc: opts.crc });
  h[6] = length & 0xff;
  h[7] = length >>> 8;
  if (opts.crc) {
    restampHeader(h, {}, { crc: true });
    return h;
  }
  // CRC off: no second sync word inside, and the length must stay oversize after breaking one
  breakSync(h, 2);
  if ((h[6]! | (h[7]! << 8)) <= opts.maxPayload) h[6] = h[7] = 0xff;
  return h;
}

/** A sync word or the filler (FF) after a stub makes its length oversize; anything else might not (CRC off). */
const oversizeAfterStub = (next: Segment | undefined): boolean =>
  !next || next.kind === 'packet' || next.kind === 'oversize';

function bytesOf(s: Segment, opts: EmbedOptions, next: Segment | undefined): Uint8Array {
  switch (s.kind) {
    case 'stub': {
      if (!oversizeAfterStub(next)) return new Uint8Array(0);
      const f = [s.fields.seq, s.fields.channel, s.fields.flags, s.fields.opcode].map((b) =>
        b === SYNC0 ? 0 : b,
      );
      return Uint8Array.of(SYNC0, SYNC1, ...f);
    }
    case 'packet':
      return encodePacket(s.packet, { crc: opts.crc });
    case 'random':
      return opts.crc ? s.bytes : breakSync(s.bytes.slice());
    case 'soup':
      return opts.crc ? Uint8Array.from(s.bits, (b) => (b ? SYNC0 : SYNC1)) : new Uint8Array(0);
    case 'truncated': {
      const w = encodePacket(s.packet);
      return opts.crc ? w.subarray(0, cut(w.length, s.keep)) : new Uint8Array(0);
    }
    case 'corrupt': {
      if (!opts.crc) return new Uint8Array(0);
      const w = encodePacket(s.packet);
      w[s.at % w.length]! ^= s.xor;
      return w;
    }
    case 'oversize': {
      const length = Math.min(0xffff, opts.maxPayload + Math.max(1, s.excess));
      return length > opts.maxPayload ? oversizeHeader(s.fields, length, opts) : new Uint8Array(0);
    }
  }
}

/**
 * Lay the segments out as one stream. A filler of max payload + 14 bytes of FF ends it, so a header that is
 * still waiting for its claimed payload gets judged and whatever it covered is rescanned; FF has no AA, and a
 * length it completes is oversize.
 */
export function embed(segments: readonly Segment[], opts: EmbedOptions): Embedded {
  const parts = segments.map((s, i) => bytesOf(s, opts, segments[i + 1]));
  parts.push(new Uint8Array(opts.maxPayload + HEADER_SIZE + 4).fill(0xff));
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    stream.set(p, o);
    o += p.length;
  }
  const real = segments.flatMap((s) => (s.kind === 'packet' ? [s.packet] : []));
  return { stream, real };
}

export const wireBytes = (packets: readonly Packet[]): number =>
  packets.reduce((n, p) => n + packetSize(p.payload.length), 0);

const show = (p: Packet): string =>
  `seq ${p.seq} channel ${p.channel} flags ${p.flags} opcode ${p.opcode} length ${p.payload.length}`;

function samePacket(a: Packet, b: Packet): boolean {
  if (a.seq !== b.seq || a.channel !== b.channel || a.flags !== b.flags || a.opcode !== b.opcode)
    return false;
  if (a.payload.length !== b.payload.length) return false;
  for (let i = 0; i < a.payload.length; i++) if (a.payload[i] !== b.payload[i]) return false;
  return true;
}

/** Why `got` is not exactly `real` (first difference), or null when it is. */
export function mismatch(got: readonly Packet[], real: readonly Packet[]): string | null {
  for (let i = 0; i < Math.max(got.length, real.length); i++) {
    const g = got[i];
    const r = real[i];
    if (!g) return `packet #${i} (${show(r!)}) was not recovered: got ${got.length} of ${real.length}`;
    if (!r)
      return `packet #${i} (${show(g)}) was accepted but never sent: got ${got.length} of ${real.length}`;
    if (!samePacket(g, r)) return `packet #${i} is ${show(g)}, expected ${show(r)} (or its payload differs)`;
  }
  return null;
}

/** Random segments from a seeded `int(n)` (0..n-1): what the fuzz test feeds the oracle. */
export function randomSegments(int: (n: number) => number, opts: EmbedOptions): Segment[] {
  const bytes = (n: number): Uint8Array => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  const fields = (): Fields => ({ seq: int(256), channel: int(256), flags: int(256), opcode: int(256) });
  const packet = (): Packet => {
    const cap = Math.min(opts.maxPayload, 300);
    const n = [0, 1 + int(cap), opts.maxPayload, 1 + int(16)][int(4)]!;
    return { ...fields(), payload: bytes(n) };
  };
  const kinds = garbageKinds(opts.crc);
  const out: Segment[] = [];
  for (let k = 1 + int(8); k > 0; k--) {
    if (int(2)) {
      out.push({ kind: 'packet', packet: packet() });
      continue;
    }
    const kind = kinds[int(kinds.length)]!;
    if (kind === 'random') out.push({ kind, bytes: bytes(int(3) ? int(40) : int(400)) });
    else if (kind === 'soup')
      out.push({ kind, bits: Array.from({ length: 1 + int(40) }, () => int(2) === 1) });
    else if (kind === 'truncated') out.push({ kind, packet: packet(), keep: int(1 << 16) });
    else if (kind === 'corrupt') out.push({ kind, packet: packet(), at: int(1 << 16), xor: 1 + int(255) });
    else if (kind === 'stub') out.push({ kind, fields: fields() });
    else out.push({ kind, fields: fields(), excess: 1 + (int(2) ? int(4) : int(60000)) });
  }
  return out;
}
