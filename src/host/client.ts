// ProtocolClient: the one owner of a link. Stop-and-wait command queue (control > user > poll, duplicate
// polls merged), fixed per-command deadlines, the firmware's one-counter sequence model, ACK of every
// ACK_REQ packet, RTX duplicate handling, fragment reassembly with a size cap, NAK → typed errors, and
// recovery from a corrupted device packet: abandon the exchange and resync at once (never NAK it).
// This is the public entry and the send side; the parts beside it: command-queue (queue, deadlines),
// resync (resync policy), ack-writer (writes), receiver (each device packet), reassembly (fragments,
// stale tails), corruption (damaged packets), client-state (seq, caps, figures).
import { EMPTY, MIN_PAYLOAD, Opcode, OPCODE_NAMES, PacketParser, decodeCaps, encodeCaps } from '../protocol';
import type { ByteLink, Caps } from '../protocol';
import type { HostStats } from '../model';
import { AckWriter } from './ack-writer';
import { ClientState, defaultCaps } from './client-state';
import type { RecoveryStats } from './client-state';
import { CommandQueue, PRIO, createPending } from './command-queue';
import type { Pending, RequestOptions } from './command-queue';
import { Emitter } from './emitter';
import { DisconnectedError, RebootError, TimeoutError } from './errors';
import { StaleReplies } from './reassembly';
import { Receiver } from './receiver';
import { ResyncPolicy } from './resync';
import type { Transport } from './transport';

export type { Priority, RequestOptions } from './command-queue';
export type { RecoveryStats } from './client-state';
export { repairHeaders } from './corruption';

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
  close: Error | undefined;
}

const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_MAX_PAYLOAD = 8178;
const DEFAULT_MAX_RESPONSE = 64 << 20;

export class ProtocolClient extends Emitter<ClientEvents> {
  readonly transport: Transport;
  private link: ByteLink;
  private parser: PacketParser;
  private readonly opts: Required<Omit<ClientOptions, 'caps'>> & { caps: Omit<Caps, 'maxPayload'> };
  private readonly now: () => number;
  private readonly state: ClientState;
  private readonly queue: CommandQueue;
  private readonly resync: ResyncPolicy;
  private readonly acks: AckWriter;
  private readonly receiver: Receiver;
  /** Exchanges we gave up on: their late packets are not replies to anything. */
  private readonly stale = new StaleReplies();
  private closedReason: Error | null = null;
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
    const state = (this.state = new ClientState(maxPayload));
    this.parser = new PacketParser({ maxPayload, crc: true });
    this.queue = new CommandQueue(this.now, this.opts.queueTimeoutMs, (cur, now) => {
      state.counters.timeouts++;
      const name = OPCODE_NAMES[cur.opcode] ?? `opcode ${cur.opcode}`;
      this.fault(new TimeoutError(`${name} on channel ${cur.channel}`, now - cur.sentAt));
    });
    const closed = (): boolean => this.closed;
    const pump = (): void => this.pump();
    this.resync = new ResyncPolicy(this.queue, closed, pump);
    this.acks = new AckWriter({
      link: this.link,
      packetized: transport.packetized,
      counters: state.counters,
      crc: () => state.caps.crc,
      defer: this.opts.defer,
      closed,
      onWriteError: (err) => this.onLinkClosed(err),
    });
    this.receiver = new Receiver({
      state,
      parser: this.parser,
      queue: this.queue,
      acks: this.acks,
      stale: this.stale,
      now: this.now,
      closed,
      fault: (err) => this.fault(err),
      requestResync: (reason) => this.requestResync(reason),
      pump,
      send: (cmd) => this.send(cmd),
      event: (channel, code) => this.emit('event', { channel, code }),
    });
    this.unsubs.push(this.link.onData((chunk) => this.receiver.onData(chunk)));
    this.unsubs.push(this.link.onClose((reason) => this.onLinkClosed(reason)));
    if (this.link.closed) this.onLinkClosed();
  }

  /** Caps in force on the link (after negotiation: what SET_CAPS set). */
  get caps(): Readonly<Caps> {
    return this.state.caps;
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /** The error behind the pending resync (a fault of the exchange in flight), when there was one. */
  get resyncCause(): Error | null {
    return this.resync.cause;
  }

  /** Why the link must be resynced before the next command, or null when it is in step. */
  get resyncReason(): string | null {
    return this.resync.reason;
  }

  get stats(): HostStats {
    return this.state.stats(this.parser.stats);
  }

  get recovery(): Readonly<RecoveryStats> {
    return this.state.recovery;
  }

  /**
   * +1 per SYNC ACK. A SYNC unlocks every channel on the device, so a lock taken in an older epoch is
   * already gone (and an UNLOCK would only race the next frame).
   */
  get syncEpoch(): number {
    return this.state.syncEpoch;
  }

  /** Queued requests (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether a SYNC + SET_CAPS has completed on this link. */
  get synced(): boolean {
    return this.state.negotiated && this.resync.reason === null;
  }

  /**
   * Who restores the link when it is out of step. While set, queued user/poll requests wait until it
   * settles; without one, requests go out as they are (raw use).
   */
  setResyncHandler(handler: (() => Promise<void>) | null): void {
    this.resync.setHandler(handler);
  }

  /** Ask for a resync before the next user command (SOFT_REBOOT, hostile input, …). */
  requestResync(reason: string, cause: Error | null = null): void {
    this.resync.want(reason, cause);
    this.pump();
  }

  /**
   * The camera is rebooting (SOFT_REBOOT): the request in flight will not be answered, so fail it now with a
   * RebootError (its late packets count as stale) rather than at its deadline, and resync.
   */
  abandonForReboot(reason: string): void {
    const cur = this.queue.current;
    if (!cur || cur.isSync) {
      this.requestResync(reason);
      return;
    }
    this.fault(
      new RebootError(`${OPCODE_NAMES[cur.opcode] ?? cur.opcode} on channel ${cur.channel}`),
      reason,
    );
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
      this.state.caps = want;
      this.state.negotiated = true;
      this.parser.configure({ crc: want.crc, maxPayload: want.maxPayload });
    });
    this.state.counters.resyncs++;
    this.resync.synced();
    this.pump();
    return want;
  }

  /** Send one request and resolve with its (reassembled) reply payload; ACK replies resolve empty. */
  request(
    opcode: number,
    channel = 0,
    payload: Uint8Array = EMPTY,
    opts: RequestOptions = {},
  ): Promise<Uint8Array> {
    if (opts.priority === 'poll' && opts.key !== undefined) {
      const same = this.queue.findPoll(opts.key);
      if (same) return same.promise;
    }
    return this.enqueue(opcode, channel, payload, opts, false);
  }

  /** Close the link; everything pending rejects with DisconnectedError. */
  close(reason = 'closed by host'): void {
    if (this.closedReason) return;
    this.acks.flush();
    this.shutdown(new DisconnectedError(reason));
    this.link.close();
  }

  // ---- send --------------------------------------------------------------------------------------

  private enqueue(
    opcode: number,
    channel: number,
    payload: Uint8Array,
    opts: RequestOptions,
    isSync: boolean,
    onAccept?: () => void,
  ): Promise<Uint8Array> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    const maxRequest = this.state.caps.maxPayload;
    if (payload.length > maxRequest) {
      return Promise.reject(
        new RangeError(`request payload of ${payload.length} B exceeds max_payload ${maxRequest}`),
      );
    }
    const max = this.opts.maxResponseBytes;
    const cmd = createPending({
      opcode,
      channel,
      payload,
      prio: PRIO[opts.priority ?? 'user'],
      key: opts.key,
      timeoutMs: opts.timeoutMs ?? this.opts.timeoutMs,
      maxBytes: Math.min(opts.maxBytes ?? max, max),
      expectBytes: opts.expectBytes ?? 0,
      queueDeadline: this.now() + this.opts.queueTimeoutMs,
      isSync,
      onAccept,
      awaitRtx: opts.onCorrupt === 'await-rtx',
    });
    this.queue.add(cmd);
    this.pump();
    this.queue.arm();
    return cmd.promise;
  }

  private pump(): void {
    if (this.queue.current || this.closedReason || !this.queue.length) return;
    if (this.resync.holds(this.queue.peek()!)) return;
    this.send(this.queue.shift()!);
  }

  private send(cmd: Pending): void {
    const now = this.now();
    cmd.sentAt = now;
    cmd.idleDeadline = now + cmd.timeoutMs;
    // Total budget: one timeout per expected fragment (each may need a device retransmission) plus one.
    const frags = cmd.expectBytes ? Math.ceil(cmd.expectBytes / Math.max(1, this.state.caps.maxPayload)) : 0;
    cmd.totalDeadline = now + cmd.timeoutMs * (1 + frags);
    this.queue.current = cmd;
    this.state.counters.commands++;
    if (cmd.isSync) {
      // SYNC resets the device; anything half-received or owed is void. H is 0 before and after.
      this.acks.drop();
      this.state.seq = 0;
      this.parser.reset();
      this.parser.configure({ crc: true, maxPayload: this.opts.maxPayload });
      this.state.caps = defaultCaps(this.opts.maxPayload);
      this.state.negotiated = false;
    }
    const pkt = {
      seq: this.state.seq,
      channel: cmd.channel,
      flags: 0,
      opcode: cmd.opcode,
      payload: cmd.payload,
    };
    if (this.acks.send(pkt)) this.queue.arm();
  }

  /** The exchange in flight failed in a way that leaves the link out of step. */
  private fault(err: Error, reason = err.message): void {
    const cur = this.queue.take();
    // Its reply may still be on its way: late packets of it must not pass for anything else.
    if (cur && !cur.isSync) this.stale.abandon(cur);
    if (cur) cur.reject(err);
    // this fault's reason and cause replace any older one: the resync handler reads them
    this.resync.want(reason, err, true);
    this.pump();
  }

  // ---- teardown ----------------------------------------------------------------------------------

  private onLinkClosed(reason?: Error): void {
    if (this.closedReason) return;
    this.shutdown(new DisconnectedError(reason ? reason.message : 'link closed'));
  }

  private shutdown(err: Error): void {
    this.closedReason = err;
    this.queue.stop();
    for (const u of this.unsubs) u();
    const cur = this.queue.take();
    cur?.reject(err);
    this.queue.purge(() => true, err);
    this.emit('close', err);
  }
}
