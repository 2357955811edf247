// The receive side of omv_protocol_task(): transport FIFO → one RX buffer of the board's size → the
// SYNC → HEADER → PAYLOAD (→ SYNC_RECOVERY) state machine with the firmware's checks in its order, and
// the WAIT_ACK scan for the ACK/NAK of the packet being sent (or a SYNC, which aborts it).
import {
  Flag,
  HEADER_SIZE,
  LAST_SYSTEM_OPCODE,
  Opcode,
  Status,
  SYNC0,
  SYNC1,
  crc16,
  crc32,
  packetSize,
} from '../../protocol';
import type { Clock } from '../clock';
import type { SimCamStats } from '../types';
import { tracePacket, type AckResult, type EngineConfig, type Trace } from './types';

/** What the receiver needs of the rest of the engine. */
export interface ReceiverHost {
  readonly clock: Clock;
  readonly stats: SimCamStats;
  readonly trace?: Trace;
  config(): EngineConfig;
  /** The device's sequence number (what a request's seq must match). */
  seq(): number;
  isActive(): boolean;
  /** When a stall ends on the clock, 0 when the device is not stalled. */
  stalledUntil(): number;
  /** A command is running: the state machine stays parked until it ends. */
  inCommand(): boolean;
  sendStatus(channel: number, opcode: number, status: number): void;
  /** A valid SYNC: protocol reset, then the ACK (stamped seq 0, not advancing it). */
  sync(): void;
  /** A valid request (not SYNC) sits at the start of `pkt`, with `length` payload bytes. */
  runCommand(pkt: Uint8Array, length: number): void;
}

const enum State {
  SYNC,
  HEADER,
  PAYLOAD,
  SYNC_RECOVERY,
}

interface AckWait {
  opcode: number;
  seq: number;
  resolve: (r: AckResult) => void;
  timer: unknown;
}

const payloadLength = (buf: Uint8Array, o = 0): number => buf[o + 6]! | (buf[o + 7]! << 8);

export class Receiver {
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
  private taskScheduled = false;

  constructor(
    bufferSize: number,
    private readonly host: ReceiverHost,
  ) {
    this.buf = new Uint8Array(bufferSize);
    this.cmd = new Uint8Array(bufferSize);
  }

  /** A new link: nothing buffered from the old one. */
  attach(): void {
    this.dropFifo();
    this.len = 0;
    this.state = State.SYNC;
  }

  /** The transport went inactive: its bytes are gone, an ACK wait fails like omv_protocol_task() → −1. */
  detach(): void {
    this.dropFifo();
    this.finishWait('abort');
  }

  /** The protocol state of omv_protocol_init/reset: buffer cleared, wait cancelled, back to SYNC. */
  reset(): void {
    this.scanOffset = 0;
    this.finishWait('abort');
    this.state = State.SYNC;
    this.len = 0;
  }

  /** Bytes from the transport. */
  push(chunk: Uint8Array): void {
    this.fifo.push(chunk);
    this.task();
  }

  /** An ACK wait is outstanding (WAIT_ACK). */
  get waiting(): boolean {
    return !!this.wait;
  }

  /** Bytes waiting in the transport and not yet in the protocol buffer (transport channel size()). */
  get pendingBytes(): number {
    let n = -this.fifoHead;
    for (const c of this.fifo) n += c.length;
    return n;
  }

  private dropFifo(): void {
    this.fifo = [];
    this.fifoHead = 0;
  }

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

  scheduleTask(): void {
    if (this.taskScheduled) return;
    this.taskScheduled = true;
    queueMicrotask(() => {
      this.taskScheduled = false;
      this.task();
    });
  }

  /** One pass of the receive state machine; re-entered whenever bytes arrive or a command ends. */
  task(): void {
    const host = this.host;
    if (!host.isActive() || host.stalledUntil() !== 0) return;
    this.siphon();
    if (this.wait) {
      this.scanForAck();
      return;
    }
    while (!host.inCommand() && !this.wait && this.len >= 2) {
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
          if (!this.headerCrcOk(buf, 0)) {
            // Silently dropped: no NAK, the host times out.
          } else if (payloadLength(buf) > host.config().maxPayload) {
            host.sendStatus(buf[3]!, buf[5]!, Status.OVERFLOW);
          } else if (!this.seqOk(buf[2]!, buf[4]!, buf[5]!)) {
            host.sendStatus(buf[3]!, buf[5]!, Status.SEQUENCE);
          } else {
            this.state = State.PAYLOAD;
          }
          if (this.state !== State.PAYLOAD) this.consume(1);
          break;
        }

        case State.PAYLOAD: {
          const length = payloadLength(buf);
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
          this.accept(this.cmd, length);
          break;
        }

        case State.SYNC_RECOVERY: {
          if (this.len >= packetSize(payloadLength(buf))) {
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

  /** A whole packet passed the header checks: the payload checks, then it runs. */
  private accept(cmd: Uint8Array, length: number): void {
    const channel = cmd[3]!;
    const flags = cmd[4]!;
    const opcode = cmd[5]!;
    if (!this.payloadCrcOk(cmd, length)) {
      this.host.sendStatus(channel, opcode, Status.CHECKSUM);
    } else if (channel !== 0 && opcode <= LAST_SYSTEM_OPCODE) {
      this.host.sendStatus(channel, opcode, Status.INVALID);
    } else if (flags & (Flag.ACK | Flag.NAK)) {
      // A stray ACK/NAK outside WAIT_ACK: ignored.
    } else {
      tracePacket(this.host.trace, 'rx', cmd, length);
      if (opcode === Opcode.PROTO_SYNC) this.processSync(cmd[2]!, true);
      else this.host.runCommand(cmd, length);
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
        tracePacket(this.host.trace, 'rx', buf.subarray(o), payloadLength(buf, o));
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
    if (!this.host.config().crc) return true;
    return crc16(buf, o, o + 8) === (buf[o + 8]! | (buf[o + 9]! << 8));
  }

  private payloadCrcOk(pkt: Uint8Array, length: number): boolean {
    if (!length || !this.host.config().crc) return true;
    const t = HEADER_SIZE + length;
    const want = (pkt[t]! | (pkt[t + 1]! << 8) | (pkt[t + 2]! << 16) | (pkt[t + 3]! << 24)) >>> 0;
    return crc32(pkt, HEADER_SIZE, t) === want;
  }

  private seqOk(seq: number, flags: number, opcode: number): boolean {
    return (
      !this.host.config().seq ||
      seq === this.host.seq() ||
      !!(flags & (Flag.ACK | Flag.NAK)) ||
      opcode === Opcode.SYS_EVENT ||
      opcode === Opcode.CHANNEL_EVENT ||
      opcode === Opcode.PROTO_SYNC
    );
  }

  private processSync(seq: number, traced = false): void {
    this.host.stats.recvPackets++;
    if (!traced) this.host.trace?.('rx', { seq, channel: 0, flags: 0, opcode: 0, length: 0 });
    this.host.sync();
  }

  // ---- WAIT_ACK ---------------------------------------------------------------------------------

  /** Wait for the ACK/NAK of the packet (opcode, seq) just sent; a timeout after `timeoutMs`. */
  waitAck(opcode: number, seq: number, timeoutMs: number): Promise<AckResult> {
    const clock = this.host.clock;
    return new Promise<AckResult>((resolve) => {
      const fire = (): void => {
        const w = this.wait;
        if (!w || w.resolve !== resolve) return;
        // A stalled device does nothing; its timeout check runs (and fires) once the stall is over.
        const stalledUntil = this.host.stalledUntil();
        if (stalledUntil !== 0) {
          w.timer = clock.setTimeout(fire, Math.max(0, stalledUntil - clock.now()));
          return;
        }
        this.wait = null;
        resolve('timeout');
      };
      const timer = clock.setTimeout(fire, timeoutMs + 1); // ticks − start > timeout
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
  pollAck(opcode: number, seq: number): AckResult | null {
    if (!this.host.isActive()) return 'abort';
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
    this.host.clock.clearTimeout(w.timer);
    w.resolve(r);
  }
}
