// Codecs for the fixed payload layouts (all little-endian), shared by the host and the simulated device.
import {
  CAPS_SIZE,
  Cap,
  CHANNEL_LIST_ENTRY_SIZE,
  CHANNEL_NAME_MAX,
  EVENT_NOTIFY,
  STREAM_HEADER_SIZE,
} from './constants';

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

function need(b: Uint8Array, n: number, what: string): void {
  if (b.length < n) throw new RangeError(`${what}: need ${n} bytes, got ${b.length}`);
}

/** The parts joined into one array (one part is returned as is); `total` when the caller already knows it. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- u16 / u32 arrays ----------------------------------------------------------------------------

export function u16(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff);
}

export function readU16(b: Uint8Array, off = 0): number {
  need(b, off + 2, 'u16');
  return b[off]! | (b[off + 1]! << 8);
}

export function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = view(out);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, true));
  return out;
}

export function readU32s(b: Uint8Array): number[] {
  const v = view(b);
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(v.getUint32(i, true));
  return out;
}

// ---- capabilities (GET_CAPS reply, SET_CAPS request) ---------------------------------------------

export interface Caps {
  crc: boolean;
  seq: boolean;
  ack: boolean;
  events: boolean;
  maxPayload: number;
}

export function capsFlags(c: Caps): number {
  return (c.crc ? Cap.CRC : 0) | (c.seq ? Cap.SEQ : 0) | (c.ack ? Cap.ACK : 0) | (c.events ? Cap.EVENTS : 0);
}

export function encodeCaps(c: Caps): Uint8Array {
  const out = new Uint8Array(CAPS_SIZE);
  const v = view(out);
  v.setUint32(0, capsFlags(c), true);
  v.setUint16(4, c.maxPayload, true);
  return out;
}

export function decodeCaps(b: Uint8Array): Caps {
  need(b, 6, 'caps');
  const v = view(b);
  const f = v.getUint32(0, true);
  return {
    crc: !!(f & Cap.CRC),
    seq: !!(f & Cap.SEQ),
    ack: !!(f & Cap.ACK),
    events: !!(f & Cap.EVENTS),
    maxPayload: v.getUint16(4, true),
  };
}

// ---- PROTO_VERSION (16 B) ----------------------------------------------------------------------

export type Version3 = readonly [number, number, number];
export interface VersionInfo {
  protocol: Version3;
  bootloader: Version3;
  firmware: Version3;
}

export function encodeVersion(v: VersionInfo): Uint8Array {
  const out = new Uint8Array(16);
  out.set(v.protocol, 0);
  out.set(v.bootloader, 3);
  out.set(v.firmware, 6);
  return out;
}

export function decodeVersion(b: Uint8Array): VersionInfo {
  need(b, 9, 'version');
  return {
    protocol: [b[0]!, b[1]!, b[2]!],
    bootloader: [b[3]!, b[4]!, b[5]!],
    firmware: [b[6]!, b[7]!, b[8]!],
  };
}

// ---- SYS_INFO (76 B) ---------------------------------------------------------------------------

export interface SysInfo {
  cpuId: number;
  devId: [number, number, number];
  usbVid: number;
  usbPid: number;
  chipId: [number, number, number];
  hwCaps: [number, number];
  flashSizeKb: number;
  ramSizeKb: number;
  framebufferSizeKb: number;
  streamBufferSizeKb: number;
}
export const SYS_INFO_SIZE = 76;

export function encodeSysInfo(s: SysInfo): Uint8Array {
  const out = new Uint8Array(SYS_INFO_SIZE);
  const v = view(out);
  v.setUint32(0, s.cpuId >>> 0, true);
  s.devId.forEach((x, i) => v.setUint32(4 + 4 * i, x >>> 0, true));
  v.setUint32(16, ((s.usbVid << 16) | s.usbPid) >>> 0, true);
  s.chipId.forEach((x, i) => v.setUint32(20 + 4 * i, x >>> 0, true));
  s.hwCaps.forEach((x, i) => v.setUint32(40 + 4 * i, x >>> 0, true));
  v.setUint32(48, s.flashSizeKb >>> 0, true);
  v.setUint32(52, s.ramSizeKb >>> 0, true);
  v.setUint32(56, s.framebufferSizeKb >>> 0, true);
  v.setUint32(60, s.streamBufferSizeKb >>> 0, true);
  return out;
}

export function decodeSysInfo(b: Uint8Array): SysInfo {
  need(b, SYS_INFO_SIZE, 'sys info');
  const w = readU32s(b.subarray(0, SYS_INFO_SIZE));
  return {
    cpuId: w[0]!,
    devId: [w[1]!, w[2]!, w[3]!],
    usbVid: w[4]! >>> 16,
    usbPid: w[4]! & 0xffff,
    chipId: [w[5]!, w[6]!, w[7]!],
    hwCaps: [w[10]!, w[11]!],
    flashSizeKb: w[12]!,
    ramSizeKb: w[13]!,
    framebufferSizeKb: w[14]!,
    streamBufferSizeKb: w[15]!,
  };
}

// ---- PROTO_STATS (32 B) ------------------------------------------------------------------------

export interface DeviceStats {
  sentPackets: number;
  recvPackets: number;
  checksumErrors: number;
  sequenceErrors: number;
  retransmits: number;
  transportErrors: number;
  sentEvents: number;
}
export const STATS_SIZE = 32;

export function encodeStats(s: DeviceStats): Uint8Array {
  return u32s(
    s.sentPackets,
    s.recvPackets,
    s.checksumErrors,
    s.sequenceErrors,
    s.retransmits,
    s.transportErrors,
    s.sentEvents,
    0,
  );
}

export function decodeStats(b: Uint8Array): DeviceStats {
  need(b, 28, 'stats');
  const w = readU32s(b);
  return {
    sentPackets: w[0]!,
    recvPackets: w[1]!,
    checksumErrors: w[2]!,
    sequenceErrors: w[3]!,
    retransmits: w[4]!,
    transportErrors: w[5]!,
    sentEvents: w[6]!,
  };
}

// ---- SYS_MEMORY (4 + 24·n B) -------------------------------------------------------------------

export interface MemoryEntry {
  type: number; // 0 GC heap, 1 UMA pool
  flags: number;
  total: number;
  used: number;
  free: number;
  persist: number;
  peak: number;
}

export function encodeMemory(entries: MemoryEntry[]): Uint8Array {
  const out = new Uint8Array(4 + 24 * entries.length);
  const v = view(out);
  out[0] = entries.length;
  entries.forEach((e, i) => {
    const o = 4 + 24 * i;
    out[o] = e.type;
    v.setUint16(o + 2, e.flags, true);
    [e.total, e.used, e.free, e.persist, e.peak].forEach((x, j) => v.setUint32(o + 4 + 4 * j, x >>> 0, true));
  });
  return out;
}

export function decodeMemory(b: Uint8Array): MemoryEntry[] {
  need(b, 4, 'memory');
  const count = b[0]!;
  need(b, 4 + 24 * count, 'memory');
  const v = view(b);
  const out: MemoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    const o = 4 + 24 * i;
    out.push({
      type: b[o]!,
      flags: v.getUint16(o + 2, true),
      total: v.getUint32(o + 4, true),
      used: v.getUint32(o + 8, true),
      free: v.getUint32(o + 12, true),
      persist: v.getUint32(o + 16, true),
      peak: v.getUint32(o + 20, true),
    });
  }
  return out;
}

// ---- CHANNEL_LIST (16 B per channel) -----------------------------------------------------------

export interface ChannelEntry {
  id: number;
  flags: number;
  name: string;
}

export function encodeChannelList(entries: ChannelEntry[]): Uint8Array {
  const out = new Uint8Array(CHANNEL_LIST_ENTRY_SIZE * entries.length);
  const enc = new TextEncoder();
  entries.forEach((e, i) => {
    const o = i * CHANNEL_LIST_ENTRY_SIZE;
    out[o] = e.id;
    out[o + 1] = e.flags & 0xff;
    out.set(enc.encode(e.name).subarray(0, CHANNEL_NAME_MAX), o + 2); // byte 15 stays NUL
  });
  return out;
}

export function decodeChannelList(b: Uint8Array): ChannelEntry[] {
  if (b.length % CHANNEL_LIST_ENTRY_SIZE !== 0) {
    throw new RangeError(`channel list of ${b.length} bytes is not a multiple of 16`);
  }
  const dec = new TextDecoder();
  const out: ChannelEntry[] = [];
  for (let o = 0; o < b.length; o += CHANNEL_LIST_ENTRY_SIZE) {
    const raw = b.subarray(o + 2, o + CHANNEL_LIST_ENTRY_SIZE);
    const nul = raw.indexOf(0);
    out.push({ id: b[o]!, flags: b[o + 1]!, name: dec.decode(nul < 0 ? raw : raw.subarray(0, nul)) });
  }
  return out;
}

// ---- stream channel header (32 B) --------------------------------------------------------------

export interface StreamHeader {
  width: number;
  height: number;
  pixfmt: number;
  /** JPEG/PNG: compressed byte count; raw formats: bytes per pixel. */
  size: number;
  /** Where the image data starts; 32 in current firmware. */
  offset: number;
  fps: number;
}

export function encodeStreamHeader(h: StreamHeader): Uint8Array {
  const out = new Uint8Array(STREAM_HEADER_SIZE);
  const v = view(out);
  v.setUint32(0, h.width, true);
  v.setUint32(4, h.height, true);
  v.setUint32(8, h.pixfmt >>> 0, true);
  v.setUint32(12, h.size, true);
  v.setUint32(16, h.offset, true);
  v.setFloat32(20, h.fps, true);
  return out;
}

export function decodeStreamHeader(b: Uint8Array): StreamHeader {
  need(b, 20, 'stream header');
  const v = view(b);
  return {
    width: v.getUint32(0, true),
    height: v.getUint32(4, true),
    pixfmt: v.getUint32(8, true),
    size: v.getUint32(12, true),
    offset: v.getUint32(16, true),
    fps: b.length >= 24 ? v.getFloat32(20, true) : 0,
  };
}

// ---- request payloads ----------------------------------------------------------------------------

/** CHANNEL_READ request: u32 offset, u32 length. */
export const encodeReadRequest = (offset: number, length: number): Uint8Array => u32s(offset, length);

/** CHANNEL_WRITE request: u32 offset, u32 length, data. */
export function encodeWriteRequest(offset: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  out.set(u32s(offset, data.length), 0);
  out.set(data, 8);
  return out;
}

/** CHANNEL_IOCTL request: u32 request, then the argument bytes. */
export function encodeIoctlRequest(request: number, arg: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(4 + arg.length);
  out.set(u32s(request), 0);
  out.set(arg, 4);
  return out;
}

/** Event payload: u16 code, except NOTIFY (0xFFFF), which is sent with no payload. */
export function encodeEventCode(code: number): Uint8Array {
  return code === EVENT_NOTIFY ? new Uint8Array(0) : u16(code);
}

export function decodeEventCode(payload: Uint8Array): number {
  return payload.length >= 2 ? readU16(payload) : EVENT_NOTIFY;
}
