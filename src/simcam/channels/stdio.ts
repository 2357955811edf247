// Channels 1 (stdin) and 2 (stdout), after protocol/omv_protocol_channel_stdio.c: stdin collects a
// script (WRITE at offset 0 restarts it) and takes the STOP/EXEC/RESET ioctls; stdout is a ring buffer
// that READ consumes (offset ignored) and that survives SYNC and soft reboots.
import { ChannelFlag, ChannelId, Ioctl } from '../../protocol';
import type { DeviceChannel } from '../channel';

export interface StdinHooks {
  /** STDIN_STOP: interrupt the running script (after the ACK). */
  stop(): void;
  /** STDIN_EXEC: interrupt, then run the buffered script (after the ACK). */
  exec(source: Uint8Array): void;
}

export class StdinChannel implements DeviceChannel {
  id: number = ChannelId.STDIN;
  flags = ChannelFlag.WRITE | ChannelFlag.EXEC;
  name = 'stdin';
  scriptRunning = false;
  private script = new Uint8Array(2048);
  private scriptLen = 0;

  constructor(private readonly hooks: StdinHooks) {}

  init(): number {
    this.scriptRunning = false;
    this.scriptLen = 0;
    return 0;
  }

  poll(): boolean {
    return this.scriptRunning;
  }

  /** Offset 0 restarts the buffer; later chunks append in arrival order (offset otherwise unused). */
  write(offset: number, length: number, data: Uint8Array): number {
    if (offset === 0) this.scriptLen = 0;
    const chunk = data.subarray(0, length);
    if (this.scriptLen + chunk.length > this.script.length) {
      const next = new Uint8Array(Math.max(this.script.length * 2, this.scriptLen + chunk.length));
      next.set(this.script.subarray(0, this.scriptLen));
      this.script = next;
    }
    this.script.set(chunk, this.scriptLen);
    this.scriptLen += chunk.length;
    return length;
  }

  ioctl(request: number): number {
    switch (request) {
      case Ioctl.STDIN_STOP:
        queueMicrotask(() => this.hooks.stop());
        return 0;
      case Ioctl.STDIN_EXEC: {
        if (!this.scriptLen) return -1;
        const source = this.script.slice(0, this.scriptLen);
        queueMicrotask(() => this.hooks.exec(source));
        return 0;
      }
      case Ioctl.STDIN_RESET:
        this.scriptLen = 0;
        return 0;
      default:
        return -1;
    }
  }

  /** The buffered script, emptied once it runs (vstr_reset after pyexec). */
  take(): Uint8Array {
    const s = this.script.slice(0, this.scriptLen);
    this.scriptLen = 0;
    return s;
  }
}

/** Ring buffer of script output; the event policy (NOTIFY on ch 2) lives in the cam. */
export class StdoutChannel implements DeviceChannel {
  id: number = ChannelId.STDOUT;
  flags = ChannelFlag.READ;
  name = 'stdout';
  private ring: Uint8Array;
  private iget = 0;
  private iput = 0;

  /** `capacity` as OMV_PROTOCOL_STDIO_BUFFER_SIZE: 512 / 1024 / 2048 depending on the board. */
  constructor(capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.ring.length - 1;
  }

  get avail(): number {
    return (this.iput - this.iget + this.ring.length) % this.ring.length;
  }

  poll(): boolean {
    return this.avail > 0;
  }

  size(): number {
    return this.avail;
  }

  read(_offset: number, size: number, out: Uint8Array): number {
    const n = Math.min(size, this.avail);
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.iget]!;
      this.iget = (this.iget + 1) % this.ring.length;
    }
    return n;
  }

  /** Append script output. On overflow the buffer is emptied first if the text fits (firmware rule). */
  print(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      if (!this.put(bytes[i]!) && bytes.length <= this.ring.length) {
        this.iget = 0;
        this.iput = 0;
        this.put(bytes[i]!);
      }
    }
  }

  private put(b: number): boolean {
    const next = (this.iput + 1) % this.ring.length;
    if (next === this.iget) return false;
    this.ring[this.iput] = b;
    this.iput = next;
    return true;
  }
}
