// ProtocolClient: the one owner of a link. Stop-and-wait command queue (control > user > poll, duplicate
// polls merged), fixed per-command deadlines, the firmware's one-counter sequence model, ACK of every
// ACK_REQ packet, RTX duplicate handling, fragment reassembly with a size cap, NAK → typed errors, and
// recovery from a corrupted device packet: abandon the exchange and resync at once (never NAK it).
import {
  EMPTY,
  Flag,
  HEADER_SIZE,
  MIN_PAYLOAD,
  Opcode,
  OPCODE_NAMES,
  PacketParser,
  SYNC0,
  SYNC1,
  Status,
  crc16,
  decodeCaps,
  decodeEventCode,
  encodeCaps,
  packetSize,
  readU16,
  writePacket,
} from '../protocol';
import type { ByteLink, Caps, CorruptHeader, Packet } from '../protocol';
import { Emitter } from './emitter';
import {
  ChecksumError,
  DeviceResponseError,
  DisconnectedError,
  HostError,
  ProtocolError,
  RebootError,
  SequenceError,
  TimeoutError,
  needsResync,
} from './errors';
import { RttWindow } from './stats';
import type { HostStats } from './stats';
import type { Transport } from './transport';

export type Priority = 'control' | 'user' | 'poll';
const PRIO: Record<Priority, number> = { control: 0, user: 1, poll: 2 };

export interface RequestOptions {
  priority?: Priority;
  /** Poll-priority requests with the same key share one exchange while queued. */
  key?: string;
  /** Silence allowed before the reply (or between its fragments). Default: the client's timeoutMs. */
  timeoutMs?: number;
  /** Largest reply accepted; more is a hostile device (reassembly cap). */
  maxBytes?: number;
  /** Bytes the reply should carry (a READ's length): pre-sizes reassembly and sets the total deadline. */
  expectBytes?: number;
  /**
   * A packet of this reply arrives corrupted: 'resync' (default) abandons the exchange and resyncs at once;
   * 'await-rtx' waits for the camera's retransmission (its 500 ms timer) when ACKs are on. For reads that
   * consume what they read on the camera (stdout), where a resync would lose the rest of the data.
   */
  onCorrupt?: 'resync' | 'await-rtx';
}

export interface ClientOptions {
  /** Reply deadline: silence allowed before a reply or between its fragments. Default 1000 ms. */
  timeoutMs?: number;
  /** How long a request may wait in the queue before it is rejected. Default 10 × timeoutMs. */
  queueTimeoutMs?: number;
  /** Our wish for max_payload; the device's value caps it. Default 8178 (the largest board). */
  maxPayload?: number;
  /** Caps flags to ask for. Default all on; ack defaults off for packetized (UDP) transports. */
  caps?: Partial<Omit<Caps, 'maxPayload'>>;
  /** Cap on any reassembled reply. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Injected clock (ms, monotonic). Default performance.now. */
  now?: () => number;
  /** Runs a callback after the current I/O turn; used to flush an ACK nobody folded. Default setImmediate. */
  defer?: (fn: () => void) => void;
}

export interface DeviceEvent {
  channel: number;
  /** u16 event code; 0xFFFF = NOTIFY. */
  code: number;
}

export interface ClientEvents {
  event: DeviceEvent;
  /** The link state is unknown (timeout, sequence/CRC error, reboot): resync before the next command. */
  'resync-needed': string;
  close: Error | undefined;
}

interface Pending {
  opcode: number;
  channel: number;
  payload: Uint8Array;
  prio: number;
  key?: string;
  timeoutMs: number;
  maxBytes: number;
  expectBytes: number;
  queueDeadline: number;
  sentAt: number;
  idleDeadline: number;
  totalDeadline: number;
  isSync: boolean;
  onAccept?: () => void;
  /** Packets of an abandoned reply arrived while this request was out (the read() path's tail). */
  sawTail: boolean;
  /** Sent a second time after the device refused it unread (NAK SEQUENCE behind a tail). */
  resent: boolean;
  /** On a corrupted packet of the reply, wait for the retransmission instead of resyncing. */
  awaitRtx: boolean;
  buf?: Uint8Array;
  parts?: Uint8Array[];
  received: number;
  resolve: (body: Uint8Array) => void;
  reject: (err: Error) => void;
  promise: Promise<Uint8Array>;
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_PAYLOAD = 8178;
const DEFAULT_MAX_RESPONSE = 64 << 20;
/** Abandoned exchanges remembered at once (a fault during the resync adds its own). */
const MAX_STALE = 4;
/** How long an 'await-rtx' reply waits after a corrupted packet: the camera re-sends after 500 ms, 1 s, … */
const RTX_WAIT_MS = 1600;

/** How the client recovered from faults (beside HostStats, which the UI shows). */
export interface RecoveryStats {
  /** Exchanges failed at once because a packet of their reply was corrupted (or oversize). */
  abandoned: number;
  /** Late packets of abandoned replies discarded (ACKed when they asked, after the SYNC). */
  stalePackets: number;
  /** Requests sent again after the device refused them unread (NAK SEQUENCE behind a stale tail). */
  tailResends: number;
  /** Device resets noticed without being told (ACK_REQ with ACKs off). */
  resetsDetected: number;
  /** Corrupted packets of an 'await-rtx' reply left to the camera's retransmission. */
  awaitedRtx: number;
}

export class ProtocolClient extends Emitter<ClientEvents> {
  readonly transport: Transport;
  private link: ByteLink;
  private parser: PacketParser;
  private readonly opts: Required<Omit<ClientOptions, 'caps'>> & { caps: Omit<Caps, 'maxPayload'> };
  private readonly now: () => number;
  /** Host sequence counter H. */
  private seq = 0;
  private linkCaps: Caps;
  private negotiated = false;
  private queue: Pending[] = [];
  private current: Pending | null = null;
  private pendingAck: { seq: number; channel: number; opcode: number } | null = null;
  private ackFlushScheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private closedReason: Error | null = null;
  private resyncWanted: string | null = 'not synced';
  private resyncCause_: Error | null = null;
  private resyncHandler: (() => Promise<void>) | null = null;
  private resyncRunning = false;
  private rtt = new RttWindow();
  /** Exchanges we gave up on: their late packets are not replies to anything (see dropStale). */
  private stale: Array<{ opcode: number; channel: number }> = [];
  /** The SYNC ACK came after the stale exchanges were abandoned: the device now counts from 0 again. */
  private staleAfterSync = false;
  private syncEpoch_ = 0;
  /** The chunk before this one: a damaged header may start in it. */
  private prevChunk: Uint8Array | null = null;
  private recovery_: RecoveryStats = {
    abandoned: 0,
    stalePackets: 0,
    tailResends: 0,
    resetsDetected: 0,
    awaitedRtx: 0,
  };
  private counters = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    retransmits: 0,
    duplicates: 0,
    foldedAcks: 0,
    resyncs: 0,
    timeouts: 0,
    sequenceErrors: 0,
    naks: 0,
    naksSent: 0,
    busy: 0,
    events: 0,
    commands: 0,
  };
  private unsubs: Array<() => void> = [];

  constructor(transport: Transport, opts: ClientOptions = {}) {
    super();
    this.transport = transport;
    this.link = transport.link;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxPayload = Math.max(MIN_PAYLOAD, opts.maxPayload ?? DEFAULT_MAX_PAYLOAD);
    this.opts = {
      timeoutMs,
      queueTimeoutMs: opts.queueTimeoutMs ?? 10 * timeoutMs,
      maxPayload,
      maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE,
      now: opts.now ?? (() => performance.now()),
      defer: opts.defer ?? ((fn) => setImmediate(fn)),
      caps: { crc: true, seq: true, ack: !transport.packetized, events: true, ...opts.caps },
    };
    this.now = this.opts.now;
    this.linkCaps = { crc: true, seq: true, ack: true, events: true, maxPayload };
    this.parser = new PacketParser({ maxPayload, crc: true });
    this.unsubs.push(this.link.onData((chunk) => this.onData(chunk)));
    this.unsubs.push(this.link.onClose((reason) => this.onLinkClosed(reason)));
    if (this.link.closed) this.onLinkClosed();
  }

  /** Caps in force on the link (after negotiation: what SET_CAPS set). */
  get caps(): Readonly<Caps> {
    return this.linkCaps;
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /** The error behind the pending resync (a fault of the exchange in flight), when there was one. */
  get resyncCause(): Error | null {
    return this.resyncWanted === null ? null : this.resyncCause_;
  }

  /** Why the link must be resynced before the next command, or null when it is in step. */
  get resyncReason(): string | null {
    return this.resyncWanted;
  }

  get stats(): HostStats {
    const p = this.parser.stats;
    return {
      ...this.counters,
      crcErrors: p.headerCrcErrors + p.payloadCrcErrors,
      rttMsP50: this.rtt.percentile(50),
      rttMsP99: this.rtt.percentile(99),
    };
  }

  get recovery(): Readonly<RecoveryStats> {
    return this.recovery_;
  }

  /**
   * +1 per SYNC ACK. A SYNC unlocks every channel on the device, so a lock taken in an older epoch is
   * already gone (and an UNLOCK would only race the next frame).
   */
  get syncEpoch(): number {
    return this.syncEpoch_;
  }

  /** Queued requests (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Who restores the link when it is out of step. While set, queued user/poll requests wait until it
   * settles; without one, requests go out as they are (raw use).
   */
  setResyncHandler(handler: (() => Promise<void>) | null): void {
    this.resyncHandler = handler;
  }

  /** Ask for a resync before the next user command (SOFT_REBOOT, hostile input, …). */
  requestResync(reason: string, cause: Error | null = null): void {
    if (this.resyncWanted === null) {
      this.resyncWanted = reason;
      this.resyncCause_ = cause;
      // Queued polls are stale after a fault; user commands survive and run after the resync.
      this.purge((c) => c.prio === PRIO.poll, new HostError(`poll dropped: ${reason}`, 'purged'));
      this.emit('resync-needed', reason);
    }
    // Restore the link now, not at the next user command: events (frames) only flow on a synced link.
    if (this.resyncHandler && !this.current) this.startResync();
    this.pump();
  }

  /**
   * The camera is rebooting (SOFT_REBOOT): the request in flight will not be answered, so fail it now with a
   * RebootError (its late packets count as stale) rather than at its deadline, and resync.
   */
  abandonForReboot(reason: string): void {
    const cur = this.current;
    if (!cur || cur.isSync) {
      this.requestResync(reason);
      return;
    }
    this.fault(
      new RebootError(`${OPCODE_NAMES[cur.opcode] ?? cur.opcode} on channel ${cur.channel}`),
      reason,
    );
  }

  private startResync(): void {
    if (this.resyncRunning || !this.resyncHandler || this.closedReason) return;
    this.resyncRunning = true;
    const handler = this.resyncHandler;
    void handler()
      .then(() => {
        this.resyncWanted = null;
      })
      .catch((err: unknown) => {
        // The link could not be restored: fail what waits for it rather than let it hang.
        const e = err instanceof Error ? err : new Error(String(err));
        this.purge((c) => c.prio !== PRIO.control, e);
      })
      .finally(() => {
        this.resyncRunning = false;
        this.pump();
      });
  }

  /**
   * SYNC → GET_CAPS → SET_CAPS (our flags, max_payload = min(ours, device)); the parser switches after the
   * SET_CAPS ACK. Runs at control priority, ahead of anything queued.
   */
  async sync(): Promise<Caps> {
    await this.enqueue(Opcode.PROTO_SYNC, 0, EMPTY, { priority: 'control' }, true);
    const dev = decodeCaps(await this.request(Opcode.PROTO_GET_CAPS, 0, EMPTY, { priority: 'control' }));
    const want: Caps = {
      ...this.opts.caps,
      maxPayload: Math.max(MIN_PAYLOAD, Math.min(this.opts.maxPayload, dev.maxPayload)),
    };
    await this.enqueue(Opcode.PROTO_SET_CAPS, 0, encodeCaps(want), { priority: 'control' }, false, () => {
      this.linkCaps = want;
      this.negotiated = true;
      this.parser.configure({ crc: want.crc, maxPayload: want.maxPayload });
    });
    this.counters.resyncs++;
    // Inside a resync handler, user requests wait until the handler (re-list, restore) is done.
    if (!this.resyncRunning) this.resyncWanted = null;
    this.pump();
    return want;
  }

  /** Whether a SYNC + SET_CAPS has completed on this link. */
  get synced(): boolean {
    return this.negotiated && this.resyncWanted === null;
  }

  /** Send one request and resolve with its (reassembled) reply payload; ACK replies resolve empty. */
  request(
    opcode: number,
    channel = 0,
    payload: Uint8Array = EMPTY,
    opts: RequestOptions = {},
  ): Promise<Uint8Array> {
    if (opts.priority === 'poll' && opts.key !== undefined) {
      const same = this.queue.find((c) => c.key === opts.key && c.prio === PRIO.poll);
      if (same) return same.promise;
    }
    return this.enqueue(opcode, channel, payload, opts, false);
  }

  /** Close the link; everything pending rejects with DisconnectedError. */
  close(reason = 'closed by host'): void {
    if (this.closedReason) return;
    this.flushAck();
    this.shutdown(new DisconnectedError(reason));
    this.link.close();
  }

  // ---- queue -------------------------------------------------------------------------------------

  private enqueue(
    opcode: number,
    channel: number,
    payload: Uint8Array,
    opts: RequestOptions,
    isSync: boolean,
    onAccept?: () => void,
  ): Promise<Uint8Array> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    const maxRequest = this.linkCaps.maxPayload;
    if (payload.length > maxRequest) {
      return Promise.reject(
        new RangeError(`request payload of ${payload.length} B exceeds max_payload ${maxRequest}`),
      );
    }
    let resolve!: (b: Uint8Array) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<Uint8Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const now = this.now();
    const prio = PRIO[opts.priority ?? 'user'];
    const cmd: Pending = {
      opcode,
      channel,
      payload,
      prio,
      key: opts.key,
      timeoutMs: opts.timeoutMs ?? this.opts.timeoutMs,
      maxBytes: Math.min(opts.maxBytes ?? this.opts.maxResponseBytes, this.opts.maxResponseBytes),
      expectBytes: opts.expectBytes ?? 0,
      queueDeadline: now + this.opts.queueTimeoutMs,
      sentAt: 0,
      idleDeadline: Infinity,
      totalDeadline: Infinity,
      isSync,
      onAccept,
      sawTail: false,
      resent: false,
      awaitRtx: opts.onCorrupt === 'await-rtx',
      received: 0,
      resolve,
      reject,
      promise,
    };
    // Stable priority insert: after every queued request of the same or a higher priority.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.prio > prio) i--;
    this.queue.splice(i, 0, cmd);
    this.pump();
    this.arm();
    return promise;
  }

  private pump(): void {
    if (this.current || this.closedReason || !this.queue.length) return;
    const next = this.queue[0]!;
    if (this.resyncWanted !== null && next.prio !== PRIO.control && this.resyncHandler) {
      this.startResync();
      return;
    }
    this.queue.shift();
    this.send(next);
  }

  private send(cmd: Pending): void {
    const now = this.now();
    cmd.sentAt = now;
    cmd.idleDeadline = now + cmd.timeoutMs;
    // Total budget: one timeout per expected fragment (each may need a device retransmission) plus one.
    const frags = cmd.expectBytes ? Math.ceil(cmd.expectBytes / Math.max(1, this.linkCaps.maxPayload)) : 0;
    cmd.totalDeadline = now + cmd.timeoutMs * (1 + frags);
    this.current = cmd;
    this.counters.commands++;
    if (cmd.isSync) {
      // SYNC resets the device; anything half-received or owed is void. H is 0 before and after.
      this.pendingAck = null;
      this.seq = 0;
      this.parser.reset();
      this.parser.configure({ crc: true, maxPayload: this.opts.maxPayload });
      this.linkCaps = { crc: true, seq: true, ack: true, events: true, maxPayload: this.opts.maxPayload };
      this.negotiated = false;
    }
    const crc = this.linkCaps.crc;
    const pkt = { seq: this.seq, channel: cmd.channel, flags: 0, opcode: cmd.opcode, payload: cmd.payload };
    const size = packetSize(cmd.payload.length);
    const ack = this.pendingAck;
    this.pendingAck = null;
    try {
      if (ack && !this.transport.packetized) {
        // Fold the ACK of the previous reply's last packet into this write: the firmware takes both.
        const out = new Uint8Array(HEADER_SIZE + size);
        writePacket(
          out,
          0,
          { seq: ack.seq, channel: ack.channel, opcode: ack.opcode, flags: Flag.ACK },
          { crc },
        );
        writePacket(out, HEADER_SIZE, pkt, { crc });
        this.counters.foldedAcks++;
        this.countSent(2, out.length);
        this.link.write(out);
      } else {
        if (ack) this.writeAck(ack);
        const out = new Uint8Array(size);
        writePacket(out, 0, pkt, { crc });
        this.countSent(1, size);
        this.link.write(out);
      }
    } catch (err) {
      this.onLinkClosed(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.arm();
  }

  private countSent(packets: number, bytes: number): void {
    this.counters.packetsSent += packets;
    this.counters.bytesSent += bytes;
  }

  private writeAck(a: { seq: number; channel: number; opcode: number }): void {
    const out = new Uint8Array(HEADER_SIZE);
    writePacket(
      out,
      0,
      { seq: a.seq, channel: a.channel, opcode: a.opcode, flags: Flag.ACK },
      { crc: this.linkCaps.crc },
    );
    this.countSent(1, HEADER_SIZE);
    try {
      this.link.write(out);
    } catch (err) {
      this.onLinkClosed(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private flushAck(): void {
    this.ackFlushScheduled = false;
    const a = this.pendingAck;
    if (!a || this.closedReason) return;
    this.pendingAck = null;
    this.writeAck(a);
  }

  /** The last packet of a reply: ACK it with the next request, or alone if none follows this turn. */
  private deferAck(p: Packet): void {
    if (this.transport.packetized) {
      this.writeAck(p);
      return;
    }
    if (this.pendingAck) this.writeAck(this.pendingAck);
    this.pendingAck = { seq: p.seq, channel: p.channel, opcode: p.opcode };
    if (!this.ackFlushScheduled) {
      this.ackFlushScheduled = true;
      this.opts.defer(() => this.flushAck());
    }
  }

  // ---- receive -----------------------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    if (this.closedReason) return;
    this.counters.bytesReceived += chunk.length;
    const ps = this.parser.stats;
    const [garbage0, oversize0, header0, payload0] = [
      ps.garbageBytes,
      ps.oversize,
      ps.headerCrcErrors,
      ps.payloadCrcErrors,
    ];
    const prev = this.prevChunk;
    this.prevChunk = chunk;
    // Damage in this chunk can only belong to an exchange already in flight (not one sent meanwhile).
    const inFlight = this.current;
    const packets = this.parser.push(chunk);
    for (const p of packets) {
      this.onPacket(p);
      if (this.closedReason) return;
    }
    if ((ps.garbageBytes === garbage0 && ps.oversize === oversize0) || this.current !== inFlight) return;
    // Something on the line was not a packet: a CRC error, a length over max_payload, or a hit sync byte.
    const headers: CorruptHeader[] = [];
    if (ps.headerCrcErrors !== header0 && this.linkCaps.crc) {
      // a header may start in the previous chunk
      const tail = prev ? prev.subarray(Math.max(0, prev.length - (HEADER_SIZE - 1))) : EMPTY;
      const bytes = tail.length ? concat([tail, chunk], tail.length + chunk.length) : chunk;
      headers.push(...repairHeaders(bytes));
    }
    if (ps.payloadCrcErrors !== payload0 && this.parser.lastCorrupt) headers.push(this.parser.lastCorrupt);
    this.corrupted(headers, ps.oversize !== oversize0);
  }

  /**
   * A corrupted device packet while a reply is due. Never NAK it: the firmware answers a NAK with all its
   * retransmissions back to back and then resets its protocol state (§2.3), and a status reply (LOCK,
   * WRITE, …) is never re-sent at all. Abandon the exchange instead and resync at once: the device takes a
   * SYNC even while it waits for an ACK. `headers` are what the damaged packets said (a payload CRC error
   * leaves the header intact; a one-bit header error is undone by its CRC). With none readable (more bits
   * hit, a sync byte hit) or a header longer than our max_payload (a device back at its default caps), the
   * damage counts as this reply's; otherwise only a header of this reply does, never an event's.
   */
  private corrupted(headers: CorruptHeader[], oversize: boolean): void {
    const cur = this.current;
    if (!cur || cur.isSync) return; // until the SYNC ACK everything else is void anyway
    let ours = oversize || headers.length === 0;
    for (const bad of headers) {
      if (bad.flags & Flag.EVENT) continue;
      if (this.isStale(bad, cur)) {
        // a tail packet we cannot read: still ACK it so the device moves on, it is discarded anyway
        this.dropStale(bad, cur);
        continue;
      }
      if (bad.opcode !== cur.opcode || bad.channel !== cur.channel) continue;
      if (this.linkCaps.seq && bad.seq !== this.seq) continue; // an RTX duplicate of a packet we have
      ours = true;
    }
    if (!ours) return;
    if (cur.awaitRtx && this.linkCaps.ack && !oversize) {
      // The camera waits for our ACK and re-sends the packet, clean, after its 500 ms timer (then 1 s, …):
      // give it that long before calling the reply lost.
      this.recovery_.awaitedRtx++;
      const until = this.now() + Math.max(cur.timeoutMs, RTX_WAIT_MS);
      cur.idleDeadline = Math.max(cur.idleDeadline, until);
      cur.totalDeadline = Math.max(cur.totalDeadline, until);
      this.arm();
      return;
    }
    this.recovery_.abandoned++;
    this.fault(new ChecksumError(`${OPCODE_NAMES[cur.opcode] ?? cur.opcode} on channel ${cur.channel}`));
  }

  /** A packet of an exchange we abandoned (and not of the request in flight, when it is the same kind). */
  private isStale(p: { opcode: number; channel: number }, cur: Pending | null): boolean {
    if (!this.stale.length) return false;
    if (cur && cur.opcode === p.opcode && cur.channel === p.channel) return false;
    return this.stale.some((s) => s.opcode === p.opcode && s.channel === p.channel);
  }

  /**
   * Discard a late packet of an abandoned reply. Before our SYNC is answered the device's wait ends with
   * the SYNC, so nothing is owed. After it, the firmware's read() path (stdout, Python read() channels)
   * keeps sending its remaining pieces with fresh sequence numbers, each waiting for its ACK: ACK them and
   * count them (the device did), so the request behind them stays in step.
   */
  private dropStale(
    p: { seq: number; channel: number; opcode: number; flags: number },
    cur: Pending | null,
  ): void {
    this.recovery_.stalePackets++;
    if (!this.staleAfterSync) return;
    if (p.flags & Flag.ACK_REQ) this.writeAck(p);
    this.seq = (p.seq + 1) & 0xff;
    if (cur) {
      cur.sawTail = true;
      cur.idleDeadline = this.now() + cur.timeoutMs; // the device is busy with the tail, not silent
    }
  }

  private onPacket(p: Packet): void {
    this.counters.packetsReceived++;
    const f = p.flags;
    if (f & Flag.EVENT) {
      if (f & Flag.ACK_REQ) this.writeAck(p);
      this.counters.events++;
      this.emit('event', { channel: p.channel, code: decodeEventCode(p.payload) });
      return;
    }
    if (f & Flag.RTX) this.counters.retransmits++;
    const cur = this.current;
    if (cur?.isSync) {
      // Until the SYNC ACK, everything else is the tail of what the SYNC cancelled.
      if (p.opcode === Opcode.PROTO_SYNC && f & Flag.ACK) {
        this.seq = 0;
        this.syncEpoch_++;
        this.staleAfterSync = this.stale.length > 0;
        this.finish(cur);
        cur.resolve(EMPTY);
      }
      return;
    }
    if (this.isStale(p, cur)) {
      this.dropStale(p, cur);
      return;
    }
    if (f & Flag.ACK_REQ && !this.linkCaps.ack && this.negotiated && !cur?.isSync) {
      // We turned ACKs off, so the device is back at its defaults: it reset behind our back (a NAK burst,
      // RTX exhaustion, a reboot). Take this packet as it is, then restore the caps.
      this.recovery_.resetsDetected++;
      this.negotiated = false;
      this.requestResync('camera reset its protocol state (ACK_REQ with ACKs off)');
    }
    if (f & Flag.RTX && p.seq !== this.seq) {
      // Our ACK was lost: the device repeats a packet we already took. ACK it with its own seq, drop it.
      this.counters.duplicates++;
      if (f & Flag.ACK_REQ) this.writeAck(p);
      return;
    }
    if (this.linkCaps.seq && p.seq !== this.seq && cur?.sawTail && f & Flag.NAK && p.opcode === cur.opcode) {
      // the device counted a tail packet we never saw whole: its NAK tells where it stands
      this.seq = p.seq;
    }
    if (this.linkCaps.seq && p.seq !== this.seq) {
      if (f & Flag.ACK_REQ) this.writeAck(p);
      this.counters.sequenceErrors++;
      this.fault(new SequenceError(this.seq, p.seq));
      return;
    }
    if (!cur) {
      if (f & Flag.ACK_REQ) this.writeAck(p);
      this.seq = (this.seq + 1) & 0xff;
      this.requestResync(`unexpected ${OPCODE_NAMES[p.opcode] ?? p.opcode} packet with no request pending`);
      return;
    }
    if (p.opcode !== cur.opcode) {
      if (f & Flag.ACK_REQ) this.writeAck(p);
      this.fault(
        new DeviceResponseError(
          `reply opcode ${OPCODE_NAMES[p.opcode] ?? p.opcode} does not match request ${OPCODE_NAMES[cur.opcode]}`,
        ),
      );
      return;
    }
    this.seq = (this.seq + 1) & 0xff;
    if (f & Flag.NAK) {
      // A NAK ends the reply, even after some fragments (read()-based channels).
      const status = p.payload.length >= 2 ? readU16(p.payload) : Status.UNKNOWN;
      if (status === Status.SEQUENCE && cur.sawTail && !cur.resent && cur.received === 0) {
        // Our request reached the device while it was still sending a stale tail: refused unread, so it
        // is safe to send again, now in step.
        cur.resent = true;
        cur.sawTail = false;
        this.recovery_.tailResends++;
        this.finish(cur);
        this.send(cur);
        return;
      }
      const err = new ProtocolError(status, cur.opcode, cur.channel);
      this.counters.naks++;
      if (err.busy) this.counters.busy++;
      this.finish(cur);
      cur.reject(err);
      if (needsResync(err)) this.requestResync(err.message);
      else this.pump();
      return;
    }
    if (f & Flag.FRAGMENT) {
      if (f & Flag.ACK_REQ) this.writeAck(p);
      if (!this.append(cur, p.payload)) return;
      cur.idleDeadline = this.now() + cur.timeoutMs;
      return;
    }
    if (f & Flag.ACK_REQ) this.deferAck(p);
    if (!this.append(cur, p.payload)) return;
    let body: Uint8Array;
    if (cur.buf) body = cur.received === cur.buf.length ? cur.buf : cur.buf.subarray(0, cur.received);
    else if (cur.parts) body = concat(cur.parts, cur.received);
    else body = p.payload;
    this.rtt.add(this.now() - cur.sentAt);
    // The device answered a request sent after the SYNC: whatever it still owed an abandoned reply is done.
    if (this.staleAfterSync) {
      this.stale = [];
      this.staleAfterSync = false;
    }
    cur.onAccept?.();
    this.finish(cur);
    cur.resolve(body);
    this.pump();
  }

  /** Reassemble; false (and a fault) when the reply outgrows its cap. */
  private append(cur: Pending, payload: Uint8Array): boolean {
    const total = cur.received + payload.length;
    if (total > cur.maxBytes) {
      this.fault(
        new DeviceResponseError(`reply to ${OPCODE_NAMES[cur.opcode]} exceeds ${cur.maxBytes} bytes`),
      );
      return false;
    }
    if (payload.length === 0) return true;
    if (cur.received === 0 && !(cur.expectBytes > 0) && !cur.parts) {
      // Single-packet replies (the common case) need no copy.
      cur.parts = [payload];
    } else if (cur.expectBytes > 0 && cur.expectBytes <= cur.maxBytes && total <= cur.expectBytes) {
      cur.buf ??= new Uint8Array(cur.expectBytes);
      cur.buf.set(payload, cur.received);
    } else {
      if (cur.buf) {
        cur.parts = [cur.buf.subarray(0, cur.received)];
        cur.buf = undefined;
      }
      (cur.parts ??= []).push(payload);
    }
    cur.received = total;
    return true;
  }

  private finish(cur: Pending): void {
    if (this.current === cur) this.current = null;
  }

  /** The exchange in flight failed in a way that leaves the link out of step. */
  private fault(err: Error, reason = err.message): void {
    const cur = this.current;
    this.current = null;
    if (cur && !cur.isSync) {
      // Its reply may still be on its way: late packets of it must not pass for anything else.
      if (!this.isStale(cur, null)) this.stale.push({ opcode: cur.opcode, channel: cur.channel });
      if (this.stale.length > MAX_STALE) this.stale.shift();
      this.staleAfterSync = false;
    }
    if (cur) cur.reject(err);
    this.resyncWanted = null; // make requestResync fire its notification for this fault
    this.requestResync(reason, err);
  }

  private purge(match: (c: Pending) => boolean, err: Error): void {
    const keep: Pending[] = [];
    for (const c of this.queue) {
      if (match(c)) c.reject(err);
      else keep.push(c);
    }
    this.queue = keep;
  }

  // ---- deadlines ---------------------------------------------------------------------------------

  private nextDeadline(): number {
    let d = Infinity;
    if (this.current) d = Math.min(this.current.idleDeadline, this.current.totalDeadline);
    for (const c of this.queue) if (c.queueDeadline < d) d = c.queueDeadline;
    return d;
  }

  /** One lazily re-armed timer covers every deadline: no timer churn per command. */
  private arm(): void {
    const d = this.nextDeadline();
    if (d === Infinity || this.closedReason) return;
    if (this.timer && this.timerAt <= d) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = d;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, d - this.now()) + 1);
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.now();
    const cur = this.current;
    if (cur && now >= Math.min(cur.idleDeadline, cur.totalDeadline)) {
      this.counters.timeouts++;
      const name = OPCODE_NAMES[cur.opcode] ?? `opcode ${cur.opcode}`;
      this.fault(new TimeoutError(`${name} on channel ${cur.channel}`, now - cur.sentAt));
    }
    const expired = this.queue.filter((c) => now >= c.queueDeadline);
    if (expired.length) {
      this.purge(
        (c) => expired.includes(c),
        new TimeoutError('request waited in the queue', this.opts.queueTimeoutMs),
      );
    }
    this.arm();
  }

  // ---- teardown ----------------------------------------------------------------------------------

  private onLinkClosed(reason?: Error): void {
    if (this.closedReason) return;
    this.shutdown(new DisconnectedError(reason ? reason.message : 'link closed'));
  }

  private shutdown(err: Error): void {
    this.closedReason = err;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const u of this.unsubs) u();
    const cur = this.current;
    this.current = null;
    cur?.reject(err);
    this.purge(() => true, err);
    this.emit('close', err);
  }
}

/**
 * Headers in `bytes` (AA D5 …) that fail their CRC-16 but pass it with one bit of bytes 2..9 flipped back:
 * the CRC corrects a single-bit error, so what a damaged header said is known exactly.
 */
export function repairHeaders(bytes: Uint8Array): CorruptHeader[] {
  const out: CorruptHeader[] = [];
  const crcOk = (h: Uint8Array): boolean => crc16(h, 0, 8) === (h[8]! | (h[9]! << 8));
  for (
    let i = bytes.indexOf(SYNC0);
    i >= 0 && i + HEADER_SIZE <= bytes.length;
    i = bytes.indexOf(SYNC0, i + 1)
  ) {
    if (bytes[i + 1] !== SYNC1) continue;
    const h = bytes.slice(i, i + HEADER_SIZE);
    if (crcOk(h)) continue;
    search: for (let b = 2; b < HEADER_SIZE; b++) {
      for (let bit = 0; bit < 8; bit++) {
        h[b]! ^= 1 << bit;
        if (crcOk(h)) {
          out.push({ seq: h[2]!, channel: h[3]!, flags: h[4]!, opcode: h[5]!, length: h[6]! | (h[7]! << 8) });
          break search;
        }
        h[b]! ^= 1 << bit;
      }
    }
  }
  return out;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
