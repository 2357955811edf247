// What the board reports about itself: SYS_INFO (ids, capabilities, buffer sizes) and SYS_MEMORY.
import type { MemoryEntry, SysInfo } from '../protocol';
import type { ResolvedSimCamOptions } from './types';

/** Stream framebuffer size reported in SYS_INFO; bigger JPEGs are not previewed. */
export const STREAM_BUFFER_KB = 512;

/** A cheap stable 32-bit hash, for the board's unique id. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Hex digits of the board's serial: the three dev_id words as SYS_INFO carries them, dev_id[0] first. */
export const SERIAL_DIGITS = 24;

/** The serial a board has when none is given: derived from its name and USB id, so the same every run. */
export function derivedSerial(board: string, usbVid: number, usbPid: number): string {
  const uid = hash32(`${board}:${usbVid}:${usbPid}`);
  return serialOfDevId([uid, hash32(String(uid)), 0x00360035]);
}

/** dev_id → serial: each word as 8 lower-case hex digits, dev_id[0] first (what a host shows as the uid). */
export function serialOfDevId(devId: readonly [number, number, number]): string {
  return devId.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

/** serial (24 hex digits, as resolveOptions leaves it) → dev_id. */
export function devIdOfSerial(serial: string): [number, number, number] {
  const word = (i: number): number => parseInt(serial.slice(8 * i, 8 * i + 8), 16);
  return [word(0), word(1), word(2)];
}

export function boardSysInfo(o: ResolvedSimCamOptions): SysInfo {
  return {
    cpuId: 0x411fc271, // Cortex-M7 r1p1
    devId: devIdOfSerial(o.serial),
    usbVid: o.usbVid,
    usbPid: o.usbPid,
    chipId: [0x5640, 0, 0], // OV5640
    hwCaps: [(1 << 4) | (1 << 5) | (1 << 6), 0], // JPEG encoder, DRAM, HW CRC
    flashSizeKb: 0,
    ramSizeKb: 0,
    framebufferSizeKb: Math.ceil((o.width * o.height * 2) / 1024),
    streamBufferSizeKb: STREAM_BUFFER_KB,
  };
}

/** The heap and the frame buffer pool; heap use wobbles with the packets received, like a live board. */
export function boardMemory(o: ResolvedSimCamOptions, recvPackets: number): MemoryEntry[] {
  const used = 40_000 + (recvPackets % 997) * 16;
  const heap = 262_144;
  const pool = 32 * 1024 * 1024;
  const poolUsed = o.width * o.height * 5;
  return [
    { type: 0, flags: 0, total: heap, used, free: heap - used, persist: 0, peak: 0 },
    {
      type: 1,
      flags: 0,
      total: pool,
      used: poolUsed,
      free: pool - poolUsed,
      persist: 4096,
      peak: poolUsed + 65_536,
    },
  ];
}
