// The device side of the OpenMV Protocol, modelled on the firmware's protocol/omv_protocol.c: one RX
// buffer of the board's size, the SYNC → HEADER → PAYLOAD (→ SYNC_RECOVERY) state machine, a WAIT_ACK
// scan while a reply with ACK_REQ is outstanding, one sequence counter, RTX with doubling timeouts and a
// protocol reset after the last retry. The firmware blocks inside send_packet(); here a command is an
// async function that awaits each ACK while the RX state machine is parked (`busy`), which gives the same
// observable order: requests that arrive during WAIT_ACK stay in the buffer until the wait ends.
//
// The parts: engine/receiver.ts (bytes → packets, checks, WAIT_ACK), engine/sender.ts (seq, fragments,
// RTX), engine/opcodes.ts (opcode → handler). This class holds what they share: the link, the config,
// the channels, and the parking of the state machine while a command runs.
import {
  ChannelFlag,
  EVENT_NOTIFY,
  Flag,
  HEADER_SIZE,
  MAX_CHANNELS,
  MIN_PAYLOAD,
  Opcode,
  PAYLOAD_CRC_SIZE,
  Status,
  SysEvent,
  u16,
  type ByteLink,
} from '../protocol';
import type { DeviceChannel } from './channel';
import { Command, type Device } from './engine/command';
import { FlipQueue } from './engine/flips';
import { processCommand } from './engine/opcodes';
import { Receiver } from './engine/receiver';
import { Sender } from './engine/sender';
import { defaultConfig, type EngineConfig, type EngineOptions, type TransportConfig } from './engine/types';
import type { FlipMatch, FlipPart, SimCamStats } from './types';

export type { EngineConfig, EngineOptions, TraceHeader } from './engine/types';

export class ProtocolEngine implements Device {
  readonly maxPayloadLimit: number;
  config: EngineConfig;
  private defaultConfig: EngineConfig;
  lastLockMs = 0;
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

  /** Registered channels by id; ids ≥ channelsCount count as unknown (omv_protocol_find_channel). */
  readonly channels: (DeviceChannel | undefined)[] = new Array(MAX_CHANNELS).fill(undefined);
  channelsCount = 0;

  private link: ByteLink | null = null;
  /** The host has spoken on this link (USB: the port is open at 921600 with DTR). */
  private hostSeen = false;
  private unlisten: (() => void)[] = [];
  /** A command (or an event with wait_ack) is running: the RX state machine is parked. */
  private inCommand = false;
  private stallTimer: unknown = null;
  private stalledUntil = 0;
  private idleQueue: (() => void)[] = [];
  private closed = false;
  private readonly flips: FlipQueue;
  private readonly rx: Receiver;
  private readonly tx: Sender;

  constructor(readonly options: EngineOptions) {
    this.maxPayloadLimit = options.bufferSize - HEADER_SIZE - PAYLOAD_CRC_SIZE;
    this.defaultConfig = defaultConfig(this.maxPayloadLimit);
    this.config = { ...this.defaultConfig };
    this.flips = new FlipQueue(this.stats);
    this.rx = new Receiver(options.bufferSize, {
      clock: options.clock,
      stats: this.stats,
      trace: options.trace,
      config: () => this.config,
      seq: () => this.tx.seq,
      isActive: () => this.isActive(),
      stalledUntil: () => this.stalledUntil,
      inCommand: () => this.inCommand,
      sendStatus: (channel, opcode, status) => this.sendStatus(channel, opcode, status),
      sync: () => this.sync(),
      runCommand: (pkt, length) => this.runCommand(pkt, length),
    });
    this.tx = new Sender({
      stats: this.stats,
      trace: options.trace,
      rx: this.rx,
      flips: this.flips,
      config: () => this.config,
      link: () => this.link,
      isActive: () => this.isActive(),
      reset: () => this.reset(),
    });
  }

  // ---- transport ------------------------------------------------------------------------------

  /**
   * The defaults a transport passes to omv_protocol_init() (restored by every SYNC). USB: all caps on,
   * max_payload = buffer − 14; the network transport example: ack off, max_payload 1400.
   */
  setTransportDefaults(d: TransportConfig): void {
    const next: EngineConfig = { ...defaultConfig(this.maxPayloadLimit), ...d };
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
    this.rx.attach();
    this.unlisten.push(
      link.onData((chunk) => {
        if (chunk.length === 0) return;
        this.hostSeen = true;
        this.rx.push(chunk);
      }),
      link.onClose(() => {
        if (this.link === link) this.detach();
      }),
    );
  }

  detach(): void {
    for (const u of this.unlisten.splice(0)) u();
    this.link = null;
    this.rx.detach();
  }

  /**
   * The transport is active: attached, open, and the host has sent something since (the stand-in for
   * USB's 921600 baud + DTR), so nothing is queued for a port nobody has opened yet.
   */
  isActive(): boolean {
    return !!this.link && !this.link.closed && !this.closed && this.hostSeen;
  }

  get busy(): boolean {
    return this.inCommand || this.rx.waiting || this.stalledUntil !== 0;
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
    const clock = this.options.clock;
    this.stalledUntil = Math.max(this.stalledUntil, clock.now() + ms);
    if (this.stallTimer !== null) clock.clearTimeout(this.stallTimer);
    this.stallTimer = clock.setTimeout(
      () => {
        this.stallTimer = null;
        this.stalledUntil = 0;
        this.afterCommand();
        this.rx.task();
      },
      Math.max(0, this.stalledUntil - clock.now()),
    );
  }

  close(): void {
    this.detach();
    this.closed = true;
    if (this.stallTimer !== null) this.options.clock.clearTimeout(this.stallTimer);
    this.idleQueue = [];
  }

  /** Bytes waiting in the transport and not yet in the protocol buffer (transport channel size()). */
  get pendingBytes(): number {
    return this.rx.pendingBytes;
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

  findChannel(id: number): DeviceChannel | undefined {
    return id < this.channelsCount ? this.channels[id] : undefined;
  }

  // ---- protocol state -------------------------------------------------------------------------

  /**
   * omv_protocol_init() with the defaults: state, seq, lock time, config, and no channels (soft reboot
   * and power-up register the static ones again).
   */
  init(): void {
    this.tx.seq = 0;
    this.lastLockMs = 0;
    this.rx.reset();
    this.config = { ...this.defaultConfig };
    this.channels.fill(undefined);
    this.channelsCount = 0;
  }

  /** omv_protocol_reset(): seq 0, buffer cleared, wait cancelled, default config, channels unlocked. */
  reset(): void {
    this.tx.seq = 0;
    this.rx.reset();
    this.config = { ...this.defaultConfig };
    for (let i = 0; i < this.channelsCount; i++) this.channels[i]?.unlock?.();
  }

  /** A valid SYNC: reset, then the ACK, which goes out as seq 0 and leaves seq at 0. */
  private sync(): void {
    this.reset();
    this.sendStatus(0, Opcode.PROTO_SYNC, Status.SUCCESS);
    this.tx.seq = 0;
  }

  ticks(): number {
    return Math.floor(this.options.clock.now()) >>> 0;
  }

  // ---- commands -------------------------------------------------------------------------------

  private runCommand(pkt: Uint8Array, length: number): void {
    this.stats.recvPackets++;
    this.inCommand = true;
    processCommand(new Command(this, pkt, length))
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
    if (!this.busy) this.rx.scheduleTask();
  }

  // ---- TX ---------------------------------------------------------------------------------------

  /** A reply or event (see Sender.send): 0 when it went out (and was ACKed), else −1. */
  send(opcode: number, channel: number, data: Uint8Array | null, flags: number): Promise<number> {
    return this.tx.send(opcode, channel, data, flags);
  }

  sendStatus(channel: number, opcode: number, status: number): void {
    this.tx.sendStatus(channel, opcode, status);
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

  // ---- fault: flip one bit of one transmission -------------------------------------------------

  flipNext(part: FlipPart, match: FlipMatch = {}): void {
    this.flips.push(part, match);
  }

  get pendingFlips(): number {
    return this.flips.pending;
  }
}
