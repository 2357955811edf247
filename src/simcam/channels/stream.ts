// Channel 3 (stream), after protocol/omv_protocol_channel_stream.c and the framebuffer's lock-step
// handoff: the script publishes a frame only when the host took the previous one (last owner = host),
// LOCK needs a ready frame, a second LOCK by the host releases the lock and fails (mutex_try_lock),
// UNLOCK zeroes the header so SIZE is 0 until the next frame, STREAM_CTRL resets everything.
import {
  ChannelFlag,
  ChannelId,
  Ioctl,
  PixFormat,
  STREAM_HEADER_SIZE,
  encodeStreamHeader,
} from '../../protocol';
import type { DeviceChannel } from '../channel';

const enum Tid {
  NONE = 0,
  IDE = 1,
  OMV = 2,
}

export interface StreamFrame {
  width: number;
  height: number;
  pixfmt: number;
  /** JPEG bytes, or raw pixels. */
  data: Uint8Array;
  /** Raw formats: bytes per pixel (the header's size field then holds it). */
  bpp?: number;
  fps: number;
}

export interface StreamSettings {
  rawEnabled: boolean;
  rawWidth: number;
  rawHeight: number;
  source: number;
}

export class StreamChannel implements DeviceChannel {
  id: number = ChannelId.STREAM;
  flags = ChannelFlag.READ | ChannelFlag.LOCK | ChannelFlag.STREAM;
  name = 'stream';
  /** STREAM_CTRL; cleared at power-up only, so hosts send STREAM_CTRL 1 after connecting. */
  enabled = false;
  settings: StreamSettings = { rawEnabled: false, rawWidth: 0, rawHeight: 0, source: 0 };
  /** Header + image, or null when the header is zeroed (size 0). */
  private buffer: Uint8Array | null = null;
  private shapeDims: number[] = [0];
  private tid = Tid.NONE;
  private lastTid = Tid.NONE;

  init(): number {
    return this.unlock();
  }

  poll(): boolean {
    return this.size() !== 0;
  }

  lock(): number {
    if (!this.size()) return -1;
    // mutex_try_lock: already held by the host → released and the attempt fails.
    if (this.tid === Tid.IDE) {
      this.tid = Tid.NONE;
      return -1;
    }
    if (this.tid !== Tid.NONE) return -1;
    this.tid = Tid.IDE;
    this.lastTid = Tid.IDE;
    return 0;
  }

  unlock(): number {
    if (this.tid === Tid.IDE) {
      this.buffer = null;
      this.tid = Tid.NONE;
    }
    return 0;
  }

  size(): number {
    return this.buffer ? this.buffer.length : 0;
  }

  shape(): number[] {
    return this.shapeDims;
  }

  readp(offset: number, size: number): Uint8Array | null {
    if (!this.buffer || offset + size > this.buffer.length) return null;
    return this.buffer.subarray(offset, offset + size);
  }

  ioctl(request: number, length: number, arg: Uint8Array | null): number {
    const word = (i: number): number => {
      if (!arg || arg.length < 4 * (i + 1)) return 0;
      return new DataView(arg.buffer, arg.byteOffset + 4 * i, 4).getUint32(0, true);
    };
    switch (request) {
      case Ioctl.STREAM_CTRL:
        this.enabled = word(0) !== 0;
        this.tid = Tid.NONE;
        this.lastTid = Tid.NONE;
        this.buffer = null;
        return 0;
      case Ioctl.STREAM_RAW_CFG:
        this.settings.rawWidth = word(0);
        this.settings.rawHeight = word(1);
        return 0;
      case Ioctl.STREAM_RAW_CTRL:
        this.settings.rawEnabled = word(0) !== 0;
        return 0;
      case Ioctl.STREAM_SOURCE:
        this.settings.source = word(0);
        return 0;
      default:
        void length;
        return -1;
    }
  }

  /** Raw preview is active: RAW_CTRL on and a non-zero RAW_CFG. */
  get rawRequested(): { width: number; height: number } | null {
    const s = this.settings;
    return s.rawEnabled && s.rawWidth && s.rawHeight ? { width: s.rawWidth, height: s.rawHeight } : null;
  }

  /**
   * The script's snapshot()/flush(): write the frame if streaming is on, the host is not holding the
   * buffer and took the previous frame. Returns true when written (the caller sends the frame event).
   */
  publish(f: StreamFrame): boolean {
    if (!this.enabled || this.tid !== Tid.NONE || this.lastTid === Tid.OMV) return false;
    const compressed = f.pixfmt === PixFormat.JPEG || f.pixfmt === PixFormat.PNG;
    const out = new Uint8Array(STREAM_HEADER_SIZE + f.data.length);
    out.set(
      encodeStreamHeader({
        width: f.width,
        height: f.height,
        pixfmt: f.pixfmt,
        size: compressed ? f.data.length : (f.bpp ?? 0),
        offset: STREAM_HEADER_SIZE,
        fps: f.fps,
      }),
    );
    out.set(f.data, STREAM_HEADER_SIZE);
    this.buffer = out;
    this.shapeDims = compressed ? [f.data.length] : [f.width, f.height, f.bpp ?? 0];
    this.lastTid = Tid.OMV;
    return true;
  }

  /** Soft reboot: the framebuffer is re-initialised; only the enable flag survives. */
  softReset(): void {
    this.settings = { rawEnabled: false, rawWidth: 0, rawHeight: 0, source: 0 };
    this.buffer = null;
    this.tid = Tid.NONE;
    this.lastTid = Tid.NONE;
  }

  powerOn(): void {
    this.softReset();
    this.enabled = false;
  }
}
