// Packet codec: 10-byte header (sync, seq, channel, flags, opcode, length, CRC-16) + payload + CRC-32.
// The payload CRC trailer is present iff length > 0, even when CRC checking is off.
import { HEADER_SIZE, PAYLOAD_CRC_SIZE, SYNC0, SYNC1 } from './constants';
import { crc16, crc32 } from './crc';

export interface Packet {
  seq: number;
  channel: number;
  flags: number;
  opcode: number;
  payload: Uint8Array;
}

export interface PacketHeader {
  seq: number;
  channel: number;
  flags: number;
  opcode: number;
  length: number;
  headerCrc: number;
}

export const EMPTY = new Uint8Array(0);

/** Bytes on the wire for a payload of `length` bytes. */
export function packetSize(length: number): number {
  return HEADER_SIZE + length + (length > 0 ? PAYLOAD_CRC_SIZE : 0);
}

export interface EncodeOptions {
  /** Compute CRCs (default). With CRC off the CRC fields are written as zeros, as hosts do. */
  crc?: boolean;
}

/**
 * Write a packet into `out` at `offset`; returns the number of bytes written.
 * Throws RangeError when the fields do not fit their wire sizes or `out` is too small.
 */
export function writePacket(
  out: Uint8Array,
  offset: number,
  p: Omit<Packet, 'payload'> & { payload?: Uint8Array },
  opts: EncodeOptions = {},
): number {
  const payload = p.payload ?? EMPTY;
  const n = payload.length;
  const size = packetSize(n);
  if (n > 0xffff) throw new RangeError(`payload of ${n} bytes exceeds the u16 length field`);
  for (const [name, v] of [
    ['seq', p.seq],
    ['channel', p.channel],
    ['flags', p.flags],
    ['opcode', p.opcode],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} ${v} is not a byte`);
  }
  if (offset + size > out.length) throw new RangeError(`packet of ${size} bytes does not fit the buffer`);
  const crc = opts.crc ?? true;
  out[offset] = SYNC0;
  out[offset + 1] = SYNC1;
  out[offset + 2] = p.seq;
  out[offset + 3] = p.channel;
  out[offset + 4] = p.flags;
  out[offset + 5] = p.opcode;
  out[offset + 6] = n & 0xff;
  out[offset + 7] = n >>> 8;
  const h = crc ? crc16(out, offset, offset + 8) : 0;
  out[offset + 8] = h & 0xff;
  out[offset + 9] = h >>> 8;
  if (n > 0) {
    out.set(payload, offset + HEADER_SIZE);
    const c = crc ? crc32(payload) : 0;
    const t = offset + HEADER_SIZE + n;
    out[t] = c & 0xff;
    out[t + 1] = (c >>> 8) & 0xff;
    out[t + 2] = (c >>> 16) & 0xff;
    out[t + 3] = c >>> 24;
  }
  return size;
}

/** Encode a packet into a new buffer. */
export function encodePacket(
  p: Omit<Packet, 'payload'> & { payload?: Uint8Array },
  opts: EncodeOptions = {},
): Uint8Array {
  const out = new Uint8Array(packetSize(p.payload?.length ?? 0));
  writePacket(out, 0, p, opts);
  return out;
}

/**
 * Rewrite seq/flags of an encoded packet in place and recompute its header CRC — how the device marks
 * a retransmission (RTX) without touching the payload or its CRC.
 */
export function restampHeader(
  bytes: Uint8Array,
  change: { seq?: number; flags?: number },
  opts: EncodeOptions = {},
): void {
  if (change.seq !== undefined) bytes[2] = change.seq & 0xff;
  if (change.flags !== undefined) bytes[4] = change.flags & 0xff;
  const h = (opts.crc ?? true) ? crc16(bytes, 0, 8) : 0;
  bytes[8] = h & 0xff;
  bytes[9] = h >>> 8;
}

/** Read the header at `offset` (no validation beyond the caller's length check). */
export function readHeader(buf: Uint8Array, offset = 0): PacketHeader {
  if (buf.length - offset < HEADER_SIZE) throw new RangeError('need 10 bytes for a header');
  return {
    seq: buf[offset + 2]!,
    channel: buf[offset + 3]!,
    flags: buf[offset + 4]!,
    opcode: buf[offset + 5]!,
    length: buf[offset + 6]! | (buf[offset + 7]! << 8),
    headerCrc: buf[offset + 8]! | (buf[offset + 9]! << 8),
  };
}

/** True when the header at `offset` starts with AA D5 and its CRC-16 matches. */
export function headerValid(buf: Uint8Array, offset = 0): boolean {
  if (buf.length - offset < HEADER_SIZE || buf[offset] !== SYNC0 || buf[offset + 1] !== SYNC1) return false;
  return crc16(buf, offset, offset + 8) === (buf[offset + 8]! | (buf[offset + 9]! << 8));
}

/** Decode one complete packet that starts at `offset`, checking both CRCs when `crc` is on. */
export function decodePacket(buf: Uint8Array, offset = 0, opts: EncodeOptions = {}): Packet {
  const crc = opts.crc ?? true;
  if (buf[offset] !== SYNC0 || buf[offset + 1] !== SYNC1) throw new Error('no sync word AA D5');
  const h = readHeader(buf, offset);
  if (crc && !headerValid(buf, offset)) throw new Error('header CRC mismatch');
  const end = offset + packetSize(h.length);
  if (end > buf.length) throw new Error(`truncated packet: need ${end - offset} bytes`);
  const payload = buf.slice(offset + HEADER_SIZE, offset + HEADER_SIZE + h.length);
  if (crc && h.length > 0) {
    const t = offset + HEADER_SIZE + h.length;
    const want = (buf[t]! | (buf[t + 1]! << 8) | (buf[t + 2]! << 16) | (buf[t + 3]! << 24)) >>> 0;
    if (crc32(payload) !== want) throw new Error('payload CRC mismatch');
  }
  return { seq: h.seq, channel: h.channel, flags: h.flags, opcode: h.opcode, payload };
}

/** Human-readable flag list, e.g. "ACK_REQ|FRAGMENT", for logs. */
export function describeFlags(flags: number): string {
  const names = ['ACK', 'NAK', 'RTX', 'ACK_REQ', 'FRAGMENT', 'EVENT'];
  const out = names.filter((_, i) => flags & (1 << i));
  return out.length ? out.join('|') : '-';
}
