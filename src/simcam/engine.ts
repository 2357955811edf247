// The device side of the OpenMV Protocol, modelled on the firmware's protocol/omv_protocol.c: one RX
// buffer of the board's size, the SYNC → HEADER → PAYLOAD (→ SYNC_RECOVERY) state machine, a WAIT_ACK
// scan while a reply with ACK_REQ is outstanding, one sequence counter, RTX with doubling timeouts and a
// protocol reset after the last retry. The firmware blocks inside send_packet(); here a command is an
// async function that awaits each ACK while the RX state machine is parked (`busy`), which gives the same
// observable order: requests that arrive during WAIT_ACK stay in the buffer until the wait ends.
import {
  ChannelFlag,
  EVENT_NOTIFY,
  Flag,
  HEADER_SIZE,
  IOCTL_ARG_SIZES,
  LAST_SYSTEM_OPCODE,
  MAX_CHANNELS,
  MIN_PAYLOAD,
  Opcode,
  PAYLOAD_CRC_SIZE,
  READ_CHUNK_MAX,
  STATUS_NAMES,
  Status,
  SysEvent,
  SYNC0,
  SYNC1,
  crc16,
  crc32,
  encodeCaps,
  encodeChannelList,
  encodeMemory,
  encodeStats,
  encodeSysInfo,
  encodeVersion,
  packetSize,
  restampHeader,
  u16,
  u32s,
  writePacket,
  type ByteLink,
  type MemoryEntry,
  type SysInfo,
  type VersionInfo,
} from '../protocol';
import type { DeviceChannel } from './channel';
import type { Clock } from './clock';
import type { FlipMatch, FlipPart, SimCamStats } from './types';

/** Negotiated capabilities plus the transport-local settings (omv_protocol_config_t). */
export interface EngineConfig {
  crc: boolean;
  seq: boolean;
  ack: boolean;
  events: boolean;
  maxPayload: number;
  rtxRetries: number;
  rtxTimeoutMs: number;
  lockIntervalMs: number;
}

export interface EngineOptions {
  /** OMV_PROTOCOL_MAX_BUFFER_SIZE: 512, 4096 or 8192; the default max_payload is this − 14. */
  bufferSize: number;
  clock: Clock;
  version: VersionInfo;
  sysInfo: () => SysInfo;
  memory: () => MemoryEntry[];
  /** SYS_RESET / SYS_BOOT: the board resets without replying. */
  onHardReset?: (boot: boolean) => void;
  /** Packet trace for `-v`: every packet the state machine accepts or sends. */
  trace?: (dir: 'rx' | 'tx', header: TraceHeader) => void;
}

export interface TraceHeader {
  seq: number;
  channel: number;
  flags: number;
  opcode: number;
  length: number;
  note?: string;
}

const enum State {
  SYNC,
  HEADER,
  PAYLOAD,
  SYNC_RECOVERY,
}

/** Flags that never get ACK_REQ added (OMV_PROTOCOL_FLAG_NO_ACK). */
const NO_ACK = Flag.ACK | Flag.NAK | Flag.EVENT;

type AckResult = 'ack' | 'nak' | 'timeout' | 'abort';

interface PendingFlip {
  part: FlipPart;
  match: FlipMatch;
}

/** Header bytes a flip may hit: everything after the sync bytes (seq … header CRC). */
const FLIP_HEADER_FIRST = 2;

interface AckWait {
  opcode: number;
  seq: number;
  resolve: (r: AckResult) => void;
  timer: unknown;
}

export class ProtocolEngine {
  readonly bufferSize: number;
  readonly maxPayloadLimit: number;
  config: EngineConfig;
  private defaultConfig: EngineConfig;
  seq = 0;
  private lastLockMs = 0;
  readonly stats: SimCamStats = {
    sentPackets: 0,
    recvPackets: 0,
    checksumErrors: 0,
    sequenceErrors: 0,
    retransmits: 0,
    transportErrors: 0,
    sentEvents: 0,
    flipsInjected: 0,
  };
  /** flipNext() requests not yet applied, oldest first (a fault knob: survives protocol resets). */
  private flips: PendingFlip[] = [];

  /** Registered channels by id; ids ≥ channelsCount count as unknown (omv_protocol_find_channel). */
  readonly channels: (DeviceChannel | undefined)[] = new Array(MAX_CHANNELS).fill(undefined);
  channelsCount = 0;

  private link: ByteLink | null = null;
  /** The host has spoken on this link (USB: the port is open at 921600 with DTR). */
  private hostSeen = false;
  private unlisten: (() => void)[] = [];
  /** Bytes the transport holds that have not been siphoned into the protocol buffer yet (USB FIFO). */
  private fifo: Uint8Array[] = [];
  private fifoHead = 0;
  private buf: Uint8Array;
  private len = 0;
  /** The packet being processed; payload views handed to channels point into it. */
  private cmd: Uint8Array;
  private state = State.SYNC;
  private scanOffset = 0;
  private wait: AckWait | null = null;
  /** A command (or an event with wait_ack) is running: the RX state machine is parked. */
  private inCommand = false;
  private stallTimer: unknown = null;
  private stalledUntil = 0;
  private idleQueue: (() => void)[] = [];
  private taskScheduled = false;
  private closed = false;

  constructor(private readonly opts: EngineOptions) {
    this.bufferSize = opts.bufferSize;
    this.maxPayloadLimit = opts.bufferSize - HEADER_SIZE - PAYLOAD_CRC_SIZE;
    this.buf = new Uint8Array(opts.bufferSize);
    this.cmd = new Uint8Array(opts.bufferSize);
    this.defaultConfig = {
      crc: true,
      seq: true,
      ack: true,
      events: true,
      maxPayload: this.maxPayloadLimit,
      rtxRetries: 3,
      rtxTimeoutMs: 500,
      lockIntervalMs: 10,
    };
    this.config = { ...this.defaultConfig };
  }

  // ---- transport ------------------------------------------------------------------------------

  /**
   * The defaults a transport passes to omv_protocol_init() (restored by every SYNC). USB: all caps on,
   * max_payload = buffer − 14; the network transport example: ack off, max_payload 1400.
   */
  setTransportDefaults(
    d: Partial<Pick<EngineConfig, 'crc' | 'seq' | 'ack' | 'events' | 'maxPayload' | 'rtxTimeoutMs'>>,
  ): void {
    const next: EngineConfig = {
      crc: true,
      seq: true,
      ack: true,
      events: true,
      maxPayload: this.maxPayloadLimit,
      rtxRetries: 3,
      rtxTimeoutMs: 500,
      lockIntervalMs: 10,
      ...d,
    };
    next.maxPayload = Math.max(MIN_PAYLOAD, Math.min(this.maxPayloadLimit, next.maxPayload));
    if (JSON.stringify(next) === JSON.stringify(this.defaultConfig)) return;
    this.defaultConfig = next;
    this.config = { ...next };
  }

  /** Serve over `link`; a previous link is dropped. */
  attach(link: ByteLink): void {
    this.detach();
    this.link = link;
    this.hostSeen = false;
    this.fifo = [];
    this.fifoHead = 0;
    this.len = 0;
    this.state = State.SYNC;
    this.unlisten.push(
      link.onData((chunk) => {
        if (chunk.length === 0) return;
        this.hostSeen = true;
        this.fifo.push(chunk);
        this.task();
      }),
      link.onClose(() => {
        if (this.link === link) this.detach();
      }),
    );
  }

  detach(): void {
    for (const u of this.unlisten.splice(0)) u();
    this.link = null;
    this.fifo = [];
    this.fifoHead = 0;
    // The transport went inactive: an ACK wait fails like omv_protocol_task() returning −1.
    this.finishWait('abort');
  }

  /**
   * The transport is active: attached, open, and the host has sent something since (the stand-in for
   * USB's 921600 baud + DTR), so nothing is queued for a port nobody has opened yet.
   */
  isActive(): boolean {
    return !!this.link && !this.link.closed && !this.closed && this.hostSeen;
  }

  get busy(): boolean {
    return this.inCommand || !!this.wait || this.isStalled();
  }

  /** Run `fn` when no command is in flight: the script cannot run while the firmware is in WAIT_ACK. */
  whenIdle(fn: () => void): void {
    if (this.busy) this.idleQueue.push(fn);
    else {
      try {
        fn();
      } catch {
        // as in afterCommand()
      }
    }
  }

  /** Stop processing input and output for `ms` (a stuck device); incoming bytes stay queued. */
  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, this.opts.clock.now() + ms);
    if (this.stallTimer !== null) this.opts.clock.clearTimeout(this.stallTimer);
    this.stallTimer = this.opts.clock.setTimeout(
      () => {
        this.stallTimer = null;
        this.stalledUntil = 0;
        this.afterCommand();
        this.task();
      },
      Math.max(0, this.stalledUntil - this.opts.clock.now()),
    );
  }

  private isStalled(): boolean {
    return this.stalledUntil !== 0;
  }

  close(): void {
    this.detach();
    this.closed = true;
    if (this.stallTimer !== null) this.opts.clock.clearTimeout(this.stallTimer);
    this.idleQueue = [];
  }

  // ---- channels -------------------------------------------------------------------------------

  /**
   * omv_protocol_register_channel: transport → 0, static → its id, DYNAMIC → first free slot ≥ 1.
   * init() failing refuses the channel (−1). A dynamic registration sends CHANNEL_REGISTERED.
   */
  registerChannel(ch: DeviceChannel): number {
    let id = -1;
    const dynamic = !!(ch.flags & ChannelFlag.DYNAMIC);
    if (ch.flags & ChannelFlag.PHYSICAL && !dynamic) id = 0;
    else if (!dynamic) id = ch.id;
    else {
      for (let i = 1; i < MAX_CHANNELS; i++) {
        if (!this.channels[i]) {
          id = i;
          break;
        }
      }
    }
    if (id < 0) return -1;
    if (ch.init && ch.init() !== 0) return -1;
    this.channels[id] = ch;
    if (dynamic) {
      ch.id = id;
      void this.sendEvent(0, SysEvent.CHANNEL_REGISTERED, false);
    }
    this.channelsCount++;
    return id;
  }

  /** omv_protocol_init(): forget every channel (soft reboot re-registers the static ones). */
  clearChannels(): void {
    this.channels.fill(undefined);
    this.channelsCount = 0;
  }

  findChannel(id: number): DeviceChannel | undefined {
    return id < this.channelsCount ? this.channels[id] : undefined;
  }

  // ---- protocol state -------------------------------------------------------------------------

  /** omv_protocol_init() with the defaults: state, seq, lock time, config (soft reboot, power-up). */
  init(): void {
    this.seq = 0;
    this.lastLockMs = 0;
    this.scanOffset = 0;
    this.finishWait('abort');
    this.state = State.SYNC;
    this.config = { ...this.defaultConfig };
    this.clearChannels();
    this.len = 0;
  }

  /** omv_protocol_reset(): seq 0, buffer cleared, wait cancelled, default config, channels unlocked. */
  reset(): void {
    this.seq = 0;
    this.scanOffset = 0;
    this.finishWait('abort');
    this.state = State.SYNC;
    this.len = 0;
    this.config = { ...this.defaultConfig };
    for (let i = 0; i < this.channelsCount; i++) this.channels[i]?.unlock?.();
  }

  private ticks(): number {
    return Math.floor(this.opts.clock.now()) >>> 0;
  }

  // ---- RX: omv_protocol_task() ------------------------------------------------------------------

  /** Move bytes from the transport FIFO into the protocol buffer, as far as it has room. */
  private siphon(): void {
    while (this.fifo.length && this.len < this.buf.length) {
      const chunk = this.fifo[0]!;
      const n = Math.min(chunk.length - this.fifoHead, this.buf.length - this.len);
      this.buf.set(chunk.subarray(this.fifoHead, this.fifoHead + n), this.len);
      this.len += n;
      this.fifoHead += n;
      if (this.fifoHead >= chunk.length) {
        this.fifo.shift();
        this.fifoHead = 0;
      }
    }
  }

  private consume(n: number): void {
    n = Math.min(n, this.len);
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    this.siphon();
  }

  /** Bytes waiting in the transport and not yet in the protocol buffer (transport channel size()). */
  get pendingBytes(): number {
    let n = -this.fifoHead;
    for (const c of this.fifo) n += c.length;
    return n;
  }

  private scheduleTask(): void {
    if (this.taskScheduled) return;
    this.taskScheduled = true;
    queueMicrotask(() => {
      this.taskScheduled = false;
      this.task();
    });
  }

  /** One pass of the receive state machine; re-entered whenever bytes arrive or a command ends. */
  private task(): void {
    if (!this.isActive() || this.isStalled()) return;
    this.siphon();
    if (this.wait) {
      this.scanForAck();
      return;
    }
    while (!this.inCommand && !this.wait && this.len >= 2) {
      const buf = this.buf;
      switch (this.state) {
        case State.SYNC: {
          // Skip to the next AA D5 in one step (the firmware consumes one byte at a time).
          let i = 0;
          while (i + 1 < this.len && !(buf[i] === SYNC0 && buf[i + 1] === SYNC1)) i++;
          if (i > 0) this.consume(i);
          if (this.len >= 2 && buf[0] === SYNC0 && buf[1] === SYNC1) this.state = State.HEADER;
          break;
        }

        case State.HEADER: {
          if (this.len < HEADER_SIZE) return;
          this.state = State.SYNC;
          const length = buf[6]! | (buf[7]! << 8);
          if (!this.headerCrcOk(buf, 0)) {
            // Silently dropped: no NAK, the host times out.
          } else if (length > this.config.maxPayload) {
            this.sendStatusFor(buf[3]!, buf[5]!, Status.OVERFLOW);
          } else if (!this.seqOk(buf[2]!, buf[4]!, buf[5]!)) {
            this.sendStatusFor(buf[3]!, buf[5]!, Status.SEQUENCE);
          } else {
            this.state = State.PAYLOAD;
          }
          if (this.state !== State.PAYLOAD) this.consume(1);
          break;
        }

        case State.PAYLOAD: {
          const length = buf[6]! | (buf[7]! << 8);
          const size = packetSize(length);
          if (this.len < size) {
            // Incomplete: look for an embedded SYNC so a SYNC always gets through.
            this.scanOffset = 0;
            this.state = State.SYNC_RECOVERY;
            break;
          }
          this.state = State.SYNC;
          // Copy out and consume first: processing may send a packet that waits for an ACK.
          this.cmd.set(buf.subarray(0, size));
          this.consume(size);
          const cmd = this.cmd;
          const channel = cmd[3]!;
          const flags = cmd[4]!;
          const opcode = cmd[5]!;
          if (!this.payloadCrcOk(cmd, length)) {
            this.sendStatusFor(channel, opcode, Status.CHECKSUM);
          } else if (channel !== 0 && opcode <= LAST_SYSTEM_OPCODE) {
            this.sendStatusFor(channel, opcode, Status.INVALID);
          } else if (flags & (Flag.ACK | Flag.NAK)) {
            // A stray ACK/NAK outside WAIT_ACK: ignored.
          } else {
            this.trace('rx', cmd, length);
            this.runCommand(cmd.subarray(HEADER_SIZE, HEADER_SIZE + length), cmd[2]!, channel, opcode);
          }
          break;
        }

        case State.SYNC_RECOVERY: {
          const length = buf[6]! | (buf[7]! << 8);
          if (this.len >= packetSize(length)) {
            this.state = State.SYNC;
            break;
          }
          for (; this.scanOffset <= this.len - HEADER_SIZE; this.scanOffset++) {
            if (this.isSync(buf, this.scanOffset)) {
              this.processSync(buf[this.scanOffset + 2]!);
              return;
            }
          }
          this.state = State.PAYLOAD;
          return;
        }
      }
    }
  }

  /** WAIT_ACK: scan the whole buffer for a valid SYNC or the matching ACK/NAK (opcode + seq). */
  private scanForAck(): void {
    const w = this.wait!;
    const buf = this.buf;
    for (; this.scanOffset <= this.len - HEADER_SIZE; this.scanOffset++) {
      const o = this.scanOffset;
      if (this.isSync(buf, o)) {
        this.processSync(buf[o + 2]!);
        return;
      }
      if (
        buf[o] === SYNC0 &&
        buf[o + 1] === SYNC1 &&
        buf[o + 4]! & (Flag.ACK | Flag.NAK) &&
        buf[o + 5] === w.opcode &&
        buf[o + 2] === w.seq &&
        this.headerCrcOk(buf, o)
      ) {
        this.scanOffset = 0;
        const ack = !!(buf[o + 4]! & Flag.ACK);
        if (this.opts.trace) this.trace('rx', buf.subarray(o), buf[o + 6]! | (buf[o + 7]! << 8));
        // Consumed only when it sits at the front; elsewhere it is skipped later as a stray ACK.
        if (o === 0) this.consume(HEADER_SIZE);
        this.finishWait(ack ? 'ack' : 'nak');
        return;
      }
    }
  }

  private isSync(buf: Uint8Array, o: number): boolean {
    return (
      buf[o] === SYNC0 &&
      buf[o + 1] === SYNC1 &&
      buf[o + 3] === 0 &&
      buf[o + 5] === Opcode.PROTO_SYNC &&
      buf[o + 6] === 0 &&
      buf[o + 7] === 0 &&
      this.headerCrcOk(buf, o)
    );
  }

  private headerCrcOk(buf: Uint8Array, o: number): boolean {
    if (!this.config.crc) return true;
    return crc16(buf, o, o + 8) === (buf[o + 8]! | (buf[o + 9]! << 8));
  }

  private payloadCrcOk(pkt: Uint8Array, length: number): boolean {
    if (!length || !this.config.crc) return true;
    const t = HEADER_SIZE + length;
    const want = (pkt[t]! | (pkt[t + 1]! << 8) | (pkt[t + 2]! << 16) | (pkt[t + 3]! << 24)) >>> 0;
    return crc32(pkt, HEADER_SIZE, t) === want;
  }

  private seqOk(seq: number, flags: number, opcode: number): boolean {
    return (
      !this.config.seq ||
      seq === this.seq ||
      !!(flags & (Flag.ACK | Flag.NAK)) ||
      opcode === Opcode.SYS_EVENT ||
      opcode === Opcode.CHANNEL_EVENT ||
      opcode === Opcode.PROTO_SYNC
    );
  }

  private processSync(seq: number, traced = false): void {
    this.stats.recvPackets++;
    if (!traced) this.opts.trace?.('rx', { seq, channel: 0, flags: 0, opcode: 0, length: 0 });
    this.reset();
    this.sendStatusFor(0, Opcode.PROTO_SYNC, Status.SUCCESS);
    this.seq = 0;
  }

  private runCommand(payload: Uint8Array, seq: number, channel: number, opcode: number): void {
    if (opcode === Opcode.PROTO_SYNC) {
      this.processSync(seq, true);
      return;
    }
    this.stats.recvPackets++;
    this.inCommand = true;
    this.process(payload, channel, opcode)
      .catch(() => {
        this.stats.transportErrors++;
      })
      .finally(() => {
        this.inCommand = false;
        this.afterCommand();
      });
  }

  private afterCommand(): void {
    if (this.busy) return;
    while (this.idleQueue.length && !this.busy) {
      try {
        this.idleQueue.shift()!();
      } catch {
        // Script code failing must not stop the device (the firmware prints the exception and goes on).
      }
    }
    if (!this.busy) this.scheduleTask();
  }

  // ---- commands: omv_protocol_process() --------------------------------------------------------

  private async process(p: Uint8Array, channel: number, opcode: number): Promise<void> {
    const st = (s: number): void => this.sendStatusFor(channel, opcode, s);
    const u32 = (o: number): number =>
      o + 4 <= p.length ? (p[o]! | (p[o + 1]! << 8) | (p[o + 2]! << 16) | (p[o + 3]! << 24)) >>> 0 : 0;
    switch (opcode) {
      case Opcode.PROTO_GET_CAPS:
        await this.send(opcode, channel, encodeCaps(this.config), 0);
        return;

      case Opcode.PROTO_SET_CAPS: {
        const max = p.length >= 6 ? p[4]! | (p[5]! << 8) : 0;
        if (p.length !== 16 || max < MIN_PAYLOAD || max > this.maxPayloadLimit) {
          st(Status.INVALID);
          return;
        }
        const flags = u32(0);
        // ACK with the old settings, then switch.
        st(Status.SUCCESS);
        this.config.crc = !!(flags & 1);
        this.config.seq = !!(flags & 2);
        this.config.ack = !!(flags & 4);
        this.config.events = !!(flags & 8);
        this.config.maxPayload = max;
        return;
      }

      case Opcode.PROTO_STATS:
        await this.send(opcode, channel, encodeStats(this.stats), 0);
        return;

      case Opcode.PROTO_VERSION:
        await this.send(opcode, channel, encodeVersion(this.opts.version), 0);
        return;

      case Opcode.SYS_RESET:
      case Opcode.SYS_BOOT:
        this.opts.onHardReset?.(opcode === Opcode.SYS_BOOT);
        return;

      case Opcode.SYS_INFO:
        await this.send(opcode, channel, encodeSysInfo(this.opts.sysInfo()), 0);
        return;

      case Opcode.SYS_MEMORY:
        await this.send(opcode, channel, encodeMemory(this.opts.memory()), 0);
        return;

      case Opcode.CHANNEL_LIST: {
        const list = [];
        for (let i = 0; i < this.channelsCount; i++) {
          const c = this.channels[i];
          if (c) list.push({ id: c.id, flags: c.flags, name: c.name });
        }
        await this.send(opcode, channel, encodeChannelList(list), 0);
        return;
      }

      case Opcode.CHANNEL_POLL: {
        let bits = 0;
        for (let i = 0; i < this.channelsCount; i++) {
          const c = this.channels[i];
          if (c?.poll?.()) bits |= 1 << i;
        }
        await this.send(opcode, channel, u32s(bits >>> 0), 0);
        return;
      }

      case Opcode.CHANNEL_LOCK: {
        const c = this.findChannel(channel);
        // ticks − last > interval on whole ms: at most one granted lock every 11 ms, across channels.
        if (!((this.ticks() - this.lastLockMs) >>> 0 > this.config.lockIntervalMs)) st(Status.BUSY);
        else if (c?.lock && c.lock() === 0) {
          this.lastLockMs = this.ticks();
          st(Status.SUCCESS);
        } else st(Status.BUSY);
        return;
      }

      case Opcode.CHANNEL_UNLOCK: {
        const c = this.findChannel(channel);
        st(c?.unlock && c.unlock() === 0 ? Status.SUCCESS : Status.BUSY);
        return;
      }

      case Opcode.CHANNEL_SIZE: {
        const c = this.findChannel(channel);
        if (c?.size) await this.send(opcode, channel, u32s(c.size() >>> 0), 0);
        else st(Status.INVALID);
        return;
      }

      case Opcode.CHANNEL_SHAPE: {
        const c = this.findChannel(channel);
        if (c?.shape) await this.send(opcode, channel, u32s(...c.shape().slice(0, 4)), 0);
        else st(Status.INVALID);
        return;
      }

      case Opcode.CHANNEL_READ: {
        const c = this.findChannel(channel);
        let offset = u32(0);
        let length = u32(4);
        if (!length || !c || !(c.read || c.readp)) st(Status.INVALID);
        else if (c.readp) {
          const data = c.readp(offset, length);
          if (!data) st(Status.FAILED);
          else await this.send(opcode, channel, data, 0);
        } else {
          // read()-path: pieces of at most min(512, max_payload); a failure NAKs even mid-response, and
          // a send failure (SYNC, reset) does not stop the loop, as in the firmware.
          const piece = new Uint8Array(Math.min(READ_CHUNK_MAX, this.config.maxPayload));
          while (length > 0) {
            const want = Math.min(length, piece.length);
            const got = c.read!(offset, want, piece);
            if (got <= 0) {
              st(Status.FAILED);
              break;
            }
            const n = Math.min(got, want);
            length -= n;
            offset += n;
            await this.send(opcode, channel, piece.slice(0, n), length === 0 ? 0 : Flag.FRAGMENT);
          }
        }
        return;
      }

      case Opcode.CHANNEL_WRITE: {
        const c = this.findChannel(channel);
        const length = u32(4);
        if (c?.write && length) {
          // The firmware trusts the length field: the view may span the packet buffer past the payload.
          const view = this.cmd.subarray(
            HEADER_SIZE + 8,
            Math.min(this.cmd.length, HEADER_SIZE + 8 + length),
          );
          st(c.write(u32(0), length, view) ? Status.SUCCESS : Status.FAILED);
        } else st(Status.INVALID);
        return;
      }

      case Opcode.CHANNEL_IOCTL: {
        const c = this.findChannel(channel);
        const request = u32(0);
        const argLen = Math.max(0, p.length - 4);
        const arg = argLen ? p.subarray(4) : null;
        if (!c?.ioctl) st(Status.INVALID);
        else if (!(c.flags & ChannelFlag.DYNAMIC) && IOCTL_ARG_SIZES[channel]?.[request] !== argLen) {
          st(Status.INVALID);
        } else st(c.ioctl(request, argLen, arg) ? Status.FAILED : Status.SUCCESS);
        return;
      }

      default:
        st(Status.INVALID);
    }
  }

  // ---- TX: omv_protocol_send_packet() ----------------------------------------------------------

  private sendStatusFor(channel: number, opcode: number, status: number): void {
    if (status === Status.SEQUENCE) this.stats.sequenceErrors++;
    else if (status === Status.CHECKSUM) this.stats.checksumErrors++;
    // Status replies never carry ACK_REQ, so this completes synchronously.
    if (status === Status.SUCCESS) void this.send(opcode, channel, null, Flag.ACK);
    else void this.send(opcode, channel, u16(status), Flag.NAK);
  }

  /**
   * Send a reply (fragmented at max_payload) or an event. Resolves 0 when every packet went out (and was
   * ACKed when ACK_REQ was set), −1 when the transport is inactive, a SYNC aborted the wait, or the
   * retries ran out (after which the protocol state is reset).
   */
  async send(opcode: number, channel: number, data: Uint8Array | null, flags: number): Promise<number> {
    if (!this.isActive()) return -1;
    if (!this.config.ack) flags &= ~Flag.ACK_REQ;
    else if (!(flags & NO_ACK)) flags |= Flag.ACK_REQ;
    let size = data?.length ?? 0;
    let off = 0;
    do {
      let retries = this.config.rtxRetries;
      let timeout = this.config.rtxTimeoutMs;
      const max = this.config.maxPayload;
      const fragLen = Math.min(size, max);
      const fragFlags = size <= max ? flags : flags | Flag.FRAGMENT;
      const pkt = new Uint8Array(packetSize(fragLen));
      writePacket(
        pkt,
        0,
        { seq: this.seq, channel, flags: fragFlags, opcode, payload: data?.subarray(off, off + fragLen) },
        { crc: this.config.crc },
      );
      const ackReq = !!(flags & Flag.ACK_REQ);
      // ack_status = −1 once per fragment; a NAK sets FAILED and nothing clears it, so every copy after
      // a NAK goes out at once, after one pass over the RX buffer (an ACK found there still wins).
      let failed = false;
      for (;;) {
        if (!this.transmit(pkt)) {
          this.stats.transportErrors++;
          return -1;
        }
        if (!ackReq) break;
        const r = failed ? this.pollAck(opcode, pkt[2]!) : await this.waitAck(opcode, pkt[2]!, timeout);
        if (r === 'ack') break;
        if (r === 'abort') return -1;
        if (r === 'nak') failed = true;
        if (retries-- <= 0) {
          this.reset();
          return -1;
        }
        timeout *= 2;
        this.stats.retransmits++;
        // RTX is only flagged (and the header CRC recomputed) when CRC is on.
        if (this.config.crc && !(pkt[4]! & Flag.RTX)) restampHeader(pkt, { flags: pkt[4]! | Flag.RTX });
      }
      size -= fragLen;
      off += fragLen;
      if (!(flags & Flag.EVENT)) {
        this.seq = (this.seq + 1) & 0xff;
        this.stats.sentPackets++;
      }
    } while (size > 0);
    return 0;
  }

  /** Header, payload and CRC go out as three writes, like the firmware. */
  private transmit(pkt: Uint8Array): boolean {
    const link = this.link;
    if (!link || link.closed) return false;
    const length = pkt[6]! | (pkt[7]! << 8);
    this.trace('tx', pkt, length);
    const out = this.applyFlip(pkt, length);
    try {
      link.write(out.subarray(0, HEADER_SIZE));
      if (length) {
        link.write(out.subarray(HEADER_SIZE, HEADER_SIZE + length));
        link.write(out.subarray(HEADER_SIZE + length));
      }
      return true;
    } catch {
      return false;
    }
  }

  // ---- fault: flip one bit of one transmission -------------------------------------------------

  flipNext(part: FlipPart, match: FlipMatch = {}): void {
    this.flips.push({ part, match: { ...match } });
  }

  get pendingFlips(): number {
    return this.flips.length;
  }

  private flipMatches(f: PendingFlip, pkt: Uint8Array, length: number): boolean {
    const opcode = pkt[5]!;
    const isEvent = !!(pkt[4]! & Flag.EVENT);
    if (f.part === 'payload' && length === 0) return false;
    if (f.match.opcode !== undefined && f.match.opcode !== opcode) return false;
    if (f.match.channel !== undefined && f.match.channel !== pkt[3]) return false;
    // Events only when asked for by opcode: they arrive at any time and would steal the flip.
    return !isEvent || f.match.opcode !== undefined;
  }

  /** A corrupted copy of `pkt` when a pending flip matches it (the engine keeps the clean one for RTX). */
  private applyFlip(pkt: Uint8Array, length: number): Uint8Array {
    const i = this.flips.findIndex((f) => this.flipMatches(f, pkt, length));
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

  private waitAck(opcode: number, seq: number, timeoutMs: number): Promise<AckResult> {
    return new Promise<AckResult>((resolve) => {
      const fire = (): void => {
        const w = this.wait;
        if (!w || w.resolve !== resolve) return;
        // A stalled device does nothing; its timeout check runs (and fires) once the stall is over.
        if (this.isStalled()) {
          w.timer = this.opts.clock.setTimeout(fire, Math.max(0, this.stalledUntil - this.opts.clock.now()));
          return;
        }
        this.wait = null;
        resolve('timeout');
      };
      const timer = this.opts.clock.setTimeout(fire, timeoutMs + 1); // ticks − start > timeout
      this.scanOffset = 0;
      this.wait = { opcode, seq, resolve, timer };
      // The ACK may already be buffered (host folded it into an earlier write).
      if (this.len >= HEADER_SIZE || this.fifo.length) this.scheduleTask();
    });
  }

  /**
   * One omv_protocol_task() pass in WAIT_ACK without waiting (between two copies of a NAKed packet):
   * the matching ACK/NAK, 'abort' for a SYNC or an inactive transport, or null when nothing matched.
   */
  private pollAck(opcode: number, seq: number): AckResult | null {
    if (!this.isActive()) return 'abort';
    const found: AckResult[] = [];
    this.scanOffset = 0;
    this.wait = { opcode, seq, resolve: (r) => found.push(r), timer: null };
    this.siphon();
    this.scanForAck();
    this.wait = null;
    return found[0] ?? null;
  }

  private finishWait(r: AckResult): void {
    const w = this.wait;
    if (!w) return;
    this.wait = null;
    this.opts.clock.clearTimeout(w.timer);
    w.resolve(r);
  }

  /** omv_protocol_send_event(): only with events enabled and an active transport; NOTIFY has no payload. */
  async sendEvent(channelId: number, code: number, waitAck: boolean): Promise<number> {
    if (!this.config.events || !this.isActive()) return -1;
    const flags = Flag.EVENT | (waitAck ? Flag.ACK_REQ : 0);
    const opcode = channelId === 0 ? Opcode.SYS_EVENT : Opcode.CHANNEL_EVENT;
    this.stats.sentEvents++;
    const payload = code === EVENT_NOTIFY ? null : u16(code & 0xffff);
    if (!waitAck || !this.config.ack) return this.send(opcode, channelId, payload, flags);
    this.inCommand = true;
    try {
      return await this.send(opcode, channelId, payload, flags);
    } finally {
      this.inCommand = false;
      this.afterCommand();
    }
  }

  private trace(dir: 'rx' | 'tx', pkt: Uint8Array, length: number): void {
    if (!this.opts.trace) return;
    const flags = pkt[4]!;
    const h: TraceHeader = { seq: pkt[2]!, channel: pkt[3]!, flags, opcode: pkt[5]!, length };
    if (flags & Flag.NAK && length >= 2)
      h.note = STATUS_NAMES[pkt[HEADER_SIZE]! | (pkt[HEADER_SIZE + 1]! << 8)];
    this.opts.trace(dir, h);
  }
}
