// Fixed payload layouts: round trips, byte positions from the protocol reference, and short-input errors.
import { describe, expect, it } from 'vitest';
import { CAPS_SIZE, ChannelFlag, EVENT_NOTIFY, PixFormat, STREAM_HEADER_SIZE, SysEvent } from './constants';
import type { ChannelEntry, DeviceStats, MemoryEntry, SysInfo, VersionInfo } from './payloads';
import {
  capsFlags,
  decodeCaps,
  decodeChannelList,
  decodeEventCode,
  decodeMemory,
  decodeStats,
  decodeStreamHeader,
  decodeSysInfo,
  decodeVersion,
  encodeCaps,
  encodeChannelList,
  encodeEventCode,
  encodeIoctlRequest,
  encodeMemory,
  encodeReadRequest,
  encodeStats,
  encodeStreamHeader,
  encodeSysInfo,
  encodeVersion,
  encodeWriteRequest,
  readU16,
  readU32s,
  SYS_INFO_SIZE,
  STATS_SIZE,
  u16,
  u32s,
} from './payloads';

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('u16 / u32 helpers', () => {
  it('are little-endian and round-trip', () => {
    expect(Array.from(u16(0x1234))).toEqual([0x34, 0x12]);
    expect(readU16(Uint8Array.of(9, 0x34, 0x12), 1)).toBe(0x1234);
    expect(() => readU16(Uint8Array.of(1))).toThrow(RangeError);
    expect(readU32s(u32s(0, 1, 0xffffffff, 0x80000000))).toEqual([0, 1, 0xffffffff, 0x80000000]);
    expect(readU32s(Uint8Array.of(1, 0, 0, 0, 9))).toEqual([1]); // a partial word is ignored
  });
});

describe('caps', () => {
  it('round-trips every flag combination in 16 bytes with the reserved tail zero', () => {
    for (let f = 0; f < 16; f++) {
      const caps = { crc: !!(f & 1), seq: !!(f & 2), ack: !!(f & 4), events: !!(f & 8), maxPayload: 50 + f };
      const b = encodeCaps(caps);
      expect(b.length).toBe(CAPS_SIZE);
      expect(dv(b).getUint32(0, true)).toBe(f);
      expect(capsFlags(caps)).toBe(f);
      expect(b.subarray(6).every((x) => x === 0)).toBe(true);
      expect(decodeCaps(b)).toEqual(caps);
    }
  });

  it('decodes the GET_CAPS reply of the reference (0x0F, 4082) and ignores unknown flag bits', () => {
    const b = Uint8Array.of(0x0f, 0, 0, 0xf0, 0xf2, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(decodeCaps(b)).toEqual({ crc: true, seq: true, ack: true, events: true, maxPayload: 4082 });
  });

  it('refuses a short caps payload', () => {
    expect(() => decodeCaps(new Uint8Array(5))).toThrow(/caps: need 6 bytes, got 5/);
  });
});

describe('version', () => {
  it('round-trips protocol, bootloader and firmware triples in 16 bytes', () => {
    const v: VersionInfo = { protocol: [1, 0, 2], bootloader: [3, 4, 5], firmware: [5, 0, 0] };
    const b = encodeVersion(v);
    expect(b.length).toBe(16);
    expect(Array.from(b.subarray(0, 9))).toEqual([1, 0, 2, 3, 4, 5, 5, 0, 0]);
    expect(decodeVersion(b)).toEqual(v);
    expect(() => decodeVersion(new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('sys info', () => {
  const info: SysInfo = {
    cpuId: 0x411fc271,
    devId: [0, 0x00390021, 0x3235510b],
    usbVid: 0x37c5,
    usbPid: 0x1206,
    chipId: [0x5640, 0, 0],
    hwCaps: [0x0000ff58, 0],
    flashSizeKb: 0,
    ramSizeKb: 0,
    framebufferSizeKb: 600,
    streamBufferSizeKb: 255,
  };

  it('round-trips in 76 bytes with VID<<16|PID at offset 16 and hw caps at offset 40', () => {
    const b = encodeSysInfo(info);
    expect(b.length).toBe(SYS_INFO_SIZE);
    expect(dv(b).getUint32(16, true)).toBe(0x37c51206);
    expect(dv(b).getUint32(40, true)).toBe(0xff58);
    expect(dv(b).getUint32(56, true)).toBe(600);
    expect(b.subarray(32, 40).every((x) => x === 0) && b.subarray(64).every((x) => x === 0)).toBe(true);
    expect(decodeSysInfo(b)).toEqual(info);
  });

  it('refuses a short reply', () => {
    expect(() => decodeSysInfo(new Uint8Array(75))).toThrow(RangeError);
  });
});

describe('stats', () => {
  it('round-trips 7 counters in 32 bytes, the reserved word zero', () => {
    const s: DeviceStats = {
      sentPackets: 1,
      recvPackets: 2,
      checksumErrors: 3,
      sequenceErrors: 4,
      retransmits: 5,
      transportErrors: 6,
      sentEvents: 0xfffffffe,
    };
    const b = encodeStats(s);
    expect(b.length).toBe(STATS_SIZE);
    expect(readU32s(b)).toEqual([1, 2, 3, 4, 5, 6, 0xfffffffe, 0]);
    expect(decodeStats(b)).toEqual(s);
    expect(() => decodeStats(new Uint8Array(27))).toThrow(RangeError);
  });
});

describe('memory', () => {
  const entries: MemoryEntry[] = [
    { type: 0, flags: 0, total: 256 * 1024, used: 1000, free: 255 * 1024, persist: 0, peak: 0 },
    { type: 1, flags: 0x0102, total: 0x80000000, used: 7, free: 8, persist: 9, peak: 10 },
  ];

  it('round-trips count + 24-byte entries', () => {
    const b = encodeMemory(entries);
    expect(b.length).toBe(4 + 24 * 2);
    expect(b[0]).toBe(2);
    expect(b[28]).toBe(1); // second entry's type
    expect(dv(b).getUint16(30, true)).toBe(0x0102);
    expect(decodeMemory(b)).toEqual(entries);
    expect(decodeMemory(encodeMemory([]))).toEqual([]);
  });

  it('refuses a reply shorter than its count says', () => {
    expect(() => decodeMemory(encodeMemory(entries).subarray(0, 40))).toThrow(/need 52 bytes, got 40/);
    expect(() => decodeMemory(new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('channel list', () => {
  const list: ChannelEntry[] = [
    { id: 0, flags: ChannelFlag.PHYSICAL, name: 'usb' },
    { id: 1, flags: 0x06, name: 'stdin' },
    { id: 3, flags: 0x19, name: 'stream' },
    { id: 5, flags: 0x23, name: 'exactly13char' },
  ];

  it('round-trips 16-byte entries: id, flags, NUL-terminated name', () => {
    const b = encodeChannelList(list);
    expect(b.length).toBe(16 * list.length);
    expect(Array.from(b.subarray(16, 24))).toEqual([1, 6, ...new TextEncoder().encode('stdin'), 0]);
    expect(decodeChannelList(b)).toEqual(list);
  });

  it('truncates names to 13 characters and keeps byte 15 NUL', () => {
    const b = encodeChannelList([{ id: 4, flags: 0x23, name: 'a_very_long_channel_name' }]);
    expect(b[15]).toBe(0);
    expect(decodeChannelList(b)).toEqual([{ id: 4, flags: 0x23, name: 'a_very_long_c' }]);
  });

  it('reads a name that fills all 14 bytes without a NUL', () => {
    const b = new Uint8Array(16);
    b.set([7, 1]);
    b.set(new TextEncoder().encode('fourteen_chars'), 2);
    expect(decodeChannelList(b)[0]!.name).toBe('fourteen_chars');
  });

  it('refuses a length that is not a multiple of 16', () => {
    expect(() => decodeChannelList(new Uint8Array(17))).toThrow(/multiple of 16/);
  });
});

describe('stream header', () => {
  it('round-trips in 32 bytes with fps as f32 at offset 20', () => {
    const h = {
      width: 640,
      height: 480,
      pixfmt: PixFormat.JPEG,
      size: 31337,
      offset: 32,
      fps: Math.fround(29.7),
    };
    const b = encodeStreamHeader(h);
    expect(b.length).toBe(STREAM_HEADER_SIZE);
    expect(dv(b).getUint32(8, true)).toBe(0x06060000);
    expect(dv(b).getFloat32(20, true)).toBe(h.fps);
    expect(decodeStreamHeader(b)).toEqual(h);
  });

  it('reads an older 20-byte header without fps as fps 0', () => {
    const b = encodeStreamHeader({ width: 1, height: 2, pixfmt: 3, size: 4, offset: 20, fps: 9 }).subarray(
      0,
      20,
    );
    expect(decodeStreamHeader(b)).toEqual({ width: 1, height: 2, pixfmt: 3, size: 4, offset: 20, fps: 0 });
    expect(() => decodeStreamHeader(b.subarray(0, 19))).toThrow(RangeError);
  });
});

describe('request payloads', () => {
  it('CHANNEL_READ is u32 offset, u32 length', () => {
    expect(readU32s(encodeReadRequest(4096, 1024))).toEqual([4096, 1024]);
  });

  it('CHANNEL_WRITE is u32 offset, u32 length, then the data', () => {
    const data = Uint8Array.of(9, 8, 7);
    const b = encodeWriteRequest(100, data);
    expect(readU32s(b.subarray(0, 8))).toEqual([100, 3]);
    expect(b.subarray(8)).toEqual(data);
  });

  it('CHANNEL_IOCTL is u32 request, then the argument bytes (none by default)', () => {
    expect(encodeIoctlRequest(2).length).toBe(4);
    const b = encodeIoctlRequest(0x03, u32s(1));
    expect(readU32s(b)).toEqual([3, 1]);
  });
});

describe('event codes', () => {
  it('NOTIFY (0xFFFF) travels as an empty payload and an empty payload reads as NOTIFY', () => {
    expect(encodeEventCode(EVENT_NOTIFY).length).toBe(0);
    expect(decodeEventCode(new Uint8Array(0))).toBe(EVENT_NOTIFY);
  });

  it('other codes are a u16 and round-trip', () => {
    for (const code of [SysEvent.CHANNEL_REGISTERED, SysEvent.SOFT_REBOOT, 0x1234, 0xfffe]) {
      const b = encodeEventCode(code);
      expect(b.length).toBe(2);
      expect(decodeEventCode(b)).toBe(code);
    }
    expect(Array.from(encodeEventCode(SysEvent.SOFT_REBOOT))).toEqual([2, 0]);
  });
});
