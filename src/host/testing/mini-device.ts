// A small scripted device for host tests: the firmware's one-counter sequence model, caps, fragments with
// ACK_REQ and RTX (a NAK → every retransmission back to back, then a protocol reset, as the firmware
// does), the read() path that keeps sending after a SYNC, lock interval, events, one-bit flips of chosen
// packets — and hooks to misbehave (hostile peers). Not the simulated camera: just enough firmware to pin
// the host's behaviour down in unit tests.
import {
  ChannelFlag,
  EMPTY,
  Flag,
  Opcode,
  PacketParser,
  Status,
  decodeCaps,
  encodeCaps,
  encodeChannelList,
  encodeEventCode,
  encodeSysInfo,
  encodeVersion,
  packetSize,
  readU32s,
  restampHeader,
  u16,
  u32s,
  writePacket,
} from '../../protocol';
import type { ByteLink, Caps, Packet } from '../../protocol';

export interface MiniChannel {
  name: string;
  flags: number;
  size?: () => number;
  read?: (offset: number, length: number) => Uint8Array | null;
  write?: (offset: number, data: Uint8Array) => boolean;
  ioctl?: (request: number, arg: Uint8Array) => boolean;
  lock?: () => boolean;
  unlock?: () => boolean;
  poll?: () => boolean;
  /**
   * read() path (stdout, Python read() channels): pieces of min(512, max_payload); a failed send (SYNC,
   * reset) does not stop the loop, the rest goes out with the new sequence numbers.
   */
  chunked?: boolean;
}

export type FlipPart = 'header' | 'payload';
export interface FlipMatch {
  opcode?: number;
  channel?: number;
}

export type Reply =
  | { data: Uint8Array }
  | { status: number } // NAK
  | { ack: true }
  | { none: true }
  /** Raw bytes written as they are (hostile input). */
  | { raw: Uint8Array[] };

export interface MiniDeviceOptions {
  maxPayload?: number;
  /** RTX wait for an ACK; 0 = wait forever. Default 500 ms, doubling, 3 retransmissions. */
  rtxMs?: number;
  now?: () => number;
}

export class MiniDevice {
  S = 0;
  caps: Caps;
  readonly defaultMax: number;
  readonly channels = new Map<number, MiniChannel>();
  /** Per-opcode override: return a Reply to replace the normal handling. */
  hooks = new Map<number, (p: Packet) => Reply | undefined>();
  received: Packet[] = [];
  /** Every LOCK answered: ms since the previous grant (precise clock) and whether it was granted. */
  lockLog: Array<{ sinceGrantMs: number; granted: boolean }> = [];
  stats = { requests: 0, acks: 0, naks: 0, retransmits: 0, writes: 0, resets: 0, flips: 0 };
  /** Same shape as the simulated camera's fault API: one flipped bit in the next matching packet sent. */
  readonly faults = {
    flipNext: (part: FlipPart, match: FlipMatch = {}): void => {
      this.flips.push({ part, match });
    },
    pendingFlip: (): boolean => this.flips.length > 0,
  };
  private flips: Array<{ part: FlipPart; match: FlipMatch }> = [];
  private parser: PacketParser;
  private waiting: {
    opcode: number;
    seq: number;
    done: (ok: boolean) => void;
    nak: () => void;
  } | null = null;
  private queue: Packet[] = [];
  private busy = false;
  private lastLock = -Infinity;
  private lastLockPrecise = -Infinity;
  private readonly now: () => number;
  private readonly rtxMs: number;
  private epoch = 0;

  constructor(
    private readonly link: ByteLink,
    opts: MiniDeviceOptions = {},
  ) {
    this.defaultMax = opts.maxPayload ?? 4082;
    this.caps = { crc: true, seq: true, ack: true, events: true, maxPayload: this.defaultMax };
    this.parser = new PacketParser({ maxPayload: this.defaultMax, crc: true });
    this.now = opts.now ?? (() => performance.now());
    this.rtxMs = opts.rtxMs ?? 500;
    this.channels.set(0, { name: 'memory', flags: ChannelFlag.PHYSICAL });
    this.channels.set(1, {
      name: 'stdin',
      flags: ChannelFlag.WRITE | ChannelFlag.EXEC,
      write: () => true,
      ioctl: () => true,
    });
    this.channels.set(2, { name: 'stdout', flags: ChannelFlag.READ, size: () => 0 });
    link.onData((chunk) => this.onData(chunk));
  }

  addChannel(ch: MiniChannel): number {
    let id = 1;
    while (this.channels.has(id)) id++;
    this.channels.set(id, ch);
    return id;
  }

  /** Send an event (never advances S). */
  event(channel: number, code: number, waitAck = false): void {
    if (!this.caps.events) return;
    const flags = Flag.EVENT | (waitAck && this.caps.ack ? Flag.ACK_REQ : 0);
    this.send({
      seq: this.S,
      channel,
      flags,
      opcode: channel === 0 ? Opcode.SYS_EVENT : Opcode.CHANNEL_EVENT,
      payload: encodeEventCode(code),
    });
  }

  /** Reset the protocol state as after a soft reboot (seq 0, default caps). */
  resetProtocol(): void {
    this.epoch++;
    this.stats.resets++;
    this.S = 0;
    this.caps = { crc: true, seq: true, ack: true, events: true, maxPayload: this.defaultMax };
    this.parser.configure({ crc: true, maxPayload: this.defaultMax });
    this.parser.reset();
    const w = this.waiting;
    this.waiting = null;
    w?.done(false);
    this.queue = [];
  }

  writeRaw(bytes: Uint8Array): void {
    if (!this.link.closed) this.link.write(bytes);
  }

  /** Writes the packet (corrupted when a flip matches it) and returns the clean bytes, kept for RTX. */
  private send(p: Packet): Uint8Array {
    const out = new Uint8Array(packetSize(p.payload.length));
    writePacket(out, 0, p, { crc: this.caps.crc });
    this.writeRaw(this.flipped(out, p));
    return out;
  }

  private flipped(out: Uint8Array, p: Packet): Uint8Array {
    const i = this.flips.findIndex(
      (f) =>
        (f.part === 'header' || p.payload.length > 0) &&
        (f.match.opcode === undefined ? !(p.flags & Flag.EVENT) : f.match.opcode === p.opcode) &&
        (f.match.channel === undefined || f.match.channel === p.channel),
    );
    if (i < 0) return out;
    const [f] = this.flips.splice(i, 1);
    const n = this.stats.flips++;
    const copy = out.slice();
    // deterministic spots: header bytes 2..9, or somewhere in the payload
    const at = f!.part === 'header' ? 2 + (n % 8) : 10 + ((n * 7919) % p.payload.length);
    copy[at] = copy[at]! ^ (1 << (n % 8));
    return copy;
  }

  private onData(chunk: Uint8Array): void {
    for (const p of this.parser.push(chunk)) {
      this.received.push(p);
      if (p.opcode === Opcode.PROTO_SYNC && !(p.flags & (Flag.ACK | Flag.NAK))) {
        this.resetProtocol();
        this.send({ seq: 0, channel: 0, flags: Flag.ACK, opcode: 0, payload: EMPTY });
        this.S = 0;
        continue;
      }
      if (p.flags & (Flag.ACK | Flag.NAK)) {
        const w = this.waiting;
        if (w && p.opcode === w.opcode && p.seq === w.seq) {
          if (p.flags & Flag.NAK) {
            this.stats.naks++;
            w.nak();
            continue;
          }
          this.stats.acks++;
          this.waiting = null;
          w.done(true);
        }
        continue;
      }
      this.queue.push(p);
    }
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const p = this.queue.shift()!;
        await this.handle(p);
      }
    } finally {
      this.busy = false;
    }
  }

  private status(p: Packet, status: number): void {
    this.send({ seq: this.S, channel: p.channel, flags: Flag.NAK, opcode: p.opcode, payload: u16(status) });
    this.S = (this.S + 1) & 0xff;
  }

  private ack(p: Packet): void {
    this.send({ seq: this.S, channel: p.channel, flags: Flag.ACK, opcode: p.opcode, payload: EMPTY });
    this.S = (this.S + 1) & 0xff;
  }

  /** Send data in max_payload fragments, each waiting for its ACK when ACKs are on. */
  private async data(p: Packet, body: Uint8Array): Promise<void> {
    const epoch = this.epoch;
    const max = this.caps.maxPayload;
    let off = 0;
    do {
      const part = body.subarray(off, Math.min(body.length, off + max));
      off += part.length;
      const more = off < body.length;
      const flags = (more ? Flag.FRAGMENT : 0) | (this.caps.ack ? Flag.ACK_REQ : 0);
      const bytes = this.send({ seq: this.S, channel: p.channel, flags, opcode: p.opcode, payload: part });
      if (this.caps.ack) {
        const ok = await this.waitAck(p.opcode, this.S, bytes);
        if (!ok || epoch !== this.epoch) return;
      }
      this.S = (this.S + 1) & 0xff;
    } while (off < body.length);
  }

  /** read() path: pieces of min(512, max_payload), each waited for; a failed piece does not end the loop. */
  private async chunked(p: Packet, body: Uint8Array): Promise<void> {
    const piece = Math.min(512, this.caps.maxPayload);
    let off = 0;
    while (off < body.length) {
      const part = body.subarray(off, Math.min(body.length, off + piece));
      off += part.length;
      const flags = (off < body.length ? Flag.FRAGMENT : 0) | (this.caps.ack ? Flag.ACK_REQ : 0);
      const seq = this.S;
      const bytes = this.send({ seq, channel: p.channel, flags, opcode: p.opcode, payload: part });
      if (flags & Flag.ACK_REQ && !(await this.waitAck(p.opcode, seq, bytes))) continue;
      this.S = (this.S + 1) & 0xff;
    }
  }

  private waitAck(opcode: number, seq: number, bytes: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => {
      let tries = 0;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const retransmit = (): void => {
        this.stats.retransmits++;
        const copy = bytes.slice();
        restampHeader(copy, { flags: copy[4]! | Flag.RTX }, { crc: this.caps.crc });
        this.writeRaw(copy);
      };
      const giveUp = (): void => {
        this.waiting = null;
        this.resetProtocol();
        resolve(false);
      };
      const arm = (ms: number): void => {
        if (!this.rtxMs) return;
        timer = setTimeout(() => {
          if (tries++ >= 3) return giveUp();
          retransmit();
          arm(ms * 2);
        }, ms);
      };
      this.waiting = {
        opcode,
        seq,
        done: (ok) => {
          if (timer) clearTimeout(timer);
          resolve(ok);
        },
        // The firmware never clears the failed status a NAK sets: every remaining retransmission goes out
        // at once, then the protocol state resets (an ACK can only win if it lands between two copies).
        nak: () => {
          if (timer) clearTimeout(timer);
          while (tries++ < 3) retransmit();
          giveUp();
        },
      };
      arm(this.rtxMs);
    });
  }

  private async handle(p: Packet): Promise<void> {
    this.stats.requests++;
    if (this.caps.seq && p.seq !== this.S) return this.status(p, Status.SEQUENCE);
    const hook = this.hooks.get(p.opcode)?.(p);
    if (hook) {
      if ('data' in hook) return this.data(p, hook.data);
      if ('status' in hook) return this.status(p, hook.status);
      if ('ack' in hook) return this.ack(p);
      if ('raw' in hook) {
        for (const r of hook.raw) this.writeRaw(r);
        return;
      }
      return;
    }
    const ch = this.channels.get(p.channel);
    switch (p.opcode) {
      case Opcode.PROTO_GET_CAPS:
        return this.data(p, encodeCaps(this.caps));
      case Opcode.PROTO_SET_CAPS: {
        const c = decodeCaps(p.payload);
        if (p.payload.length !== 16 || c.maxPayload < 50 || c.maxPayload > this.defaultMax)
          return this.status(p, Status.INVALID);
        this.ack(p);
        this.caps = c;
        this.parser.configure({ crc: c.crc, maxPayload: c.maxPayload });
        return;
      }
      case Opcode.PROTO_VERSION:
        return this.data(
          p,
          encodeVersion({ protocol: [1, 0, 2], bootloader: [0, 0, 0], firmware: [5, 0, 0] }),
        );
      case Opcode.SYS_INFO:
        return this.data(
          p,
          encodeSysInfo({
            cpuId: 0x411fc271,
            devId: [1, 2, 3],
            usbVid: 0x37c5,
            usbPid: 0x124a,
            chipId: [0x5640, 0, 0],
            hwCaps: [0, 0],
            flashSizeKb: 0,
            ramSizeKb: 0,
            framebufferSizeKb: 512,
            streamBufferSizeKb: 256,
          }),
        );
      case Opcode.PROTO_STATS:
        return this.data(p, u32s(1, 2, 3, 4, 5, 6, 7, 0));
      case Opcode.CHANNEL_LIST:
        return this.data(
          p,
          encodeChannelList([...this.channels].map(([id, c]) => ({ id, flags: c.flags, name: c.name }))),
        );
      case Opcode.CHANNEL_POLL: {
        let mask = 0;
        for (const [id, c] of this.channels) if (c.poll?.()) mask |= 1 << id;
        return this.data(p, u32s(mask >>> 0));
      }
      case Opcode.CHANNEL_LOCK: {
        const precise = this.now();
        const t = Math.floor(precise);
        const granted = !!ch?.lock && t - this.lastLock > 10 && !!ch.lock();
        this.lockLog.push({ sinceGrantMs: precise - this.lastLockPrecise, granted });
        if (!granted) return this.status(p, Status.BUSY);
        this.lastLock = t;
        this.lastLockPrecise = precise;
        return this.ack(p);
      }
      case Opcode.CHANNEL_UNLOCK:
        if (!ch?.unlock || !ch.unlock()) return this.status(p, Status.BUSY);
        return this.ack(p);
      case Opcode.CHANNEL_SIZE:
        if (!ch?.size) return this.status(p, Status.INVALID);
        return this.data(p, u32s(ch.size()));
      case Opcode.CHANNEL_SHAPE:
        return this.data(p, u32s(ch?.size?.() ?? 0));
      case Opcode.CHANNEL_READ: {
        const [off, len] = readU32s(p.payload);
        if (!ch?.read || !len) return this.status(p, Status.INVALID);
        const d = ch.read(off!, len!);
        if (!d || d.length < len!) return this.status(p, Status.FAILED);
        if (ch.chunked) return this.chunked(p, d.subarray(0, len!));
        return this.data(p, d.subarray(0, len!));
      }
      case Opcode.CHANNEL_WRITE: {
        const [off, len] = readU32s(p.payload.subarray(0, 8));
        if (!ch?.write || !len) return this.status(p, Status.INVALID);
        this.stats.writes++;
        return ch.write(off!, p.payload.subarray(8, 8 + len!)) ? this.ack(p) : this.status(p, Status.FAILED);
      }
      case Opcode.CHANNEL_IOCTL: {
        if (!ch?.ioctl) return this.status(p, Status.INVALID);
        const [req] = readU32s(p.payload.subarray(0, 4));
        return ch.ioctl(req!, p.payload.subarray(4)) ? this.ack(p) : this.status(p, Status.FAILED);
      }
      default:
        return this.status(p, Status.INVALID);
    }
  }
}
