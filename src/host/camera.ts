// Camera: the typed, promise-based API over one ProtocolClient (what openmv-python's Camera offers),
// plus connect/resync orchestration: SYNC + caps + channel list, restoring streaming after a resync.
import {
  ChannelFlag,
  ChannelId,
  EMPTY,
  Ioctl,
  Opcode,
  PixFormat,
  decodeChannelList,
  decodeMemory,
  decodeStats,
  decodeStreamHeader,
  decodeSysInfo,
  decodeVersion,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU32s,
  u32s,
} from '../protocol';
import type { Caps, DeviceStats, MemoryEntry, StreamHeader, SysInfo, VersionInfo } from '../protocol';
import { CHANNEL_FLAG_NAMES } from '../model';
import type { ChannelFlagName, ChannelInfo, ConnectionState, DeviceSummary, HostStats } from '../model';
import { ProtocolClient } from './client';
import type { ClientOptions, RequestOptions } from './client';
import { DeviceEventRouter } from './device-events';
import { summarizeDevice } from './device-summary';
import { Emitter } from './emitter';
import {
  ChannelNotFoundError,
  ChecksumError,
  DeviceResponseError,
  DisconnectedError,
  NoAnswerError,
  ProtocolError,
  needsResync,
} from './errors';
import type { Transport } from './transport';

export type ChannelRef = string | number;

export interface StreamFrame {
  header: StreamHeader;
  /** The image bytes (JPEG/PNG as encoded, or raw pixels). */
  image: Uint8Array;
  format: 'jpeg' | 'png' | 'raw';
}

export interface CameraEvents {
  state: ConnectionState;
  channels: ChannelInfo[];
  /** The camera soft-rebooted (script ended); dynamic channels are gone until the re-list. */
  reboot: void;
  /** Resync failed for good or the link closed: this Camera needs a new transport. */
  lost: Error;
}

export interface CameraOptions extends ClientOptions {
  /** SYNC attempts at connect and per resync. Default 3. */
  syncAttempts?: number;
  /** Largest channel size accepted for a read. Default 16 MiB. */
  maxReadBytes?: number;
  /** Retry a BUSY LOCK no earlier than this long after the last granted lock (the firmware grants one per 11 ms). */
  lockPaceMs?: number;
  /** Pause after a SOFT_REBOOT event before resyncing. Default 30 ms. */
  rebootSettleMs?: number;
  /** Injected sleep (for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Board name for a target its USB id does not tell (the embedded demo camera reports an H7 Plus id). */
  boardName?: (target: string) => string | undefined;
}

const FLAG_NAMES = CHANNEL_FLAG_NAMES.map((n) => [ChannelFlag[n], n] as const);
export const decodeChannelFlags = (flags: number): ChannelFlagName[] =>
  FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);

const REBOOT_REASON = 'camera soft reboot';
const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const DEFAULT_MAX_READ = 16 << 20;

export class Camera extends Emitter<CameraEvents> {
  private client_: ProtocolClient | null = null;
  private list: ChannelInfo[] = [];
  private readonly opts: CameraOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private wantStreaming: boolean | null = null;
  private lastLockAt = -Infinity;
  private state_: ConnectionState = { kind: 'disconnected' };
  /** What this camera was reached by (the session's target, else the transport's description). */
  private target_ = '';
  private info: { version?: VersionInfo; sysInfo?: SysInfo } = {};
  private scriptRunning_ = false;
  private explicitClose = false;
  private relisting: Promise<ChannelInfo[]> | null = null;
  /** A SOFT_REBOOT came since the last resync began: the next one re-lists and restores, whatever its cause. */
  private rebootSeen = false;
  /** The one subscriber to the link's device events: consumers hook the events they own here. */
  readonly events = new DeviceEventRouter((id) => this.channelById(id)?.name);

  constructor(transport?: Transport, opts: CameraOptions = {}) {
    super();
    this.opts = opts;
    this.sleep = opts.sleep ?? realSleep;
    // The camera's own events, hooked first: the list and the link state are right before anyone else reads.
    this.events.onReboot(() => this.onReboot());
    this.events.onChannelRegistered(() => void this.refreshChannels().catch(() => undefined));
    this.events.onScript((running) => (this.scriptRunning_ = running));
    if (transport) this.attach(transport);
  }

  get client(): ProtocolClient {
    if (!this.client_) throw new DisconnectedError('camera has no link');
    return this.client_;
  }

  get state(): ConnectionState {
    return this.state_;
  }

  get connected(): boolean {
    return this.state_.kind === 'connected';
  }

  get caps(): Readonly<Caps> {
    return this.client.caps;
  }

  get scriptRunning(): boolean {
    return this.scriptRunning_;
  }

  /** Streaming as last requested by the user (restored after every resync/reconnect); null = never set. */
  get streamingWanted(): boolean | null {
    return this.wantStreaming;
  }

  get hostStats(): HostStats | null {
    return this.client_?.stats ?? null;
  }

  get cachedVersion(): VersionInfo | undefined {
    return this.info.version;
  }

  get cachedSysInfo(): SysInfo | undefined {
    return this.info.sysInfo;
  }

  /**
   * Use a (new) transport, reached as `target`; the old client, if any, is closed. Subscribers and wanted
   * state carry over.
   */
  attach(transport: Transport, target = transport.describe): void {
    this.target_ = target;
    const old = this.client_;
    this.client_ = null; // the old link's close is not a loss
    old?.close('replaced by a new link');
    const client = new ProtocolClient(transport, this.opts);
    this.client_ = client;
    this.explicitClose = false;
    client.on('event', (e) => {
      if (this.client_ === client) this.events.route(e);
    });
    client.on('close', (err) => {
      if (this.client_ !== client) return;
      this.setState({ kind: 'disconnected', reason: err?.message });
      if (!this.explicitClose) this.emit('lost', err ?? new DisconnectedError());
    });
    client.setResyncHandler(() => this.resync(client));
  }

  private setState(s: ConnectionState): void {
    this.state_ = s;
    this.emit('state', s);
  }

  private setConnecting(step: string, progress: number): void {
    this.setState({ kind: 'connecting', target: this.target_, step, progress });
  }

  private setConnected(): void {
    this.setState({ kind: 'connected', target: this.target_, device: this.deviceSummary() });
  }

  /** Who is at the other end: board, versions, USB id, payload size and channels (as of the last list). */
  deviceSummary(): DeviceSummary {
    return summarizeDevice({
      ...this.info,
      maxPayload: this.client.caps.maxPayload,
      channels: this.list,
      board: this.opts.boardName?.(this.target_),
    });
  }

  /** Open the protocol: SYNC + caps (retried), CHANNEL_LIST, PROTO_VERSION, SYS_INFO, restore streaming. */
  async connect(transport?: Transport, target?: string): Promise<void> {
    if (transport) this.attach(transport, target);
    const client = this.client;
    this.setConnecting('sync', 0.1);
    try {
      await this.syncWithRetries(client, (attempt) =>
        this.setConnecting(attempt ? `sync (try ${attempt + 1})` : 'sync', 0.2),
      );
      this.setConnecting('channels', 0.5);
      await this.listChannels('control');
      this.setConnecting('version', 0.7);
      this.info.version = decodeVersion(
        await client.request(Opcode.PROTO_VERSION, 0, EMPTY, { priority: 'control' }),
      );
      this.setConnecting('system info', 0.85);
      this.info.sysInfo = decodeSysInfo(
        await client.request(Opcode.SYS_INFO, 0, EMPTY, { priority: 'control' }),
      );
      await this.restore(client);
      this.setConnected();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.setState({ kind: 'disconnected', reason: e.message });
      throw e;
    }
  }

  /** Close the link. No automatic recovery afterwards. */
  disconnect(reason = 'disconnected by user'): void {
    this.explicitClose = true;
    const c = this.client_;
    if (c && !c.closed) c.close(reason);
    this.setState({ kind: 'disconnected', reason });
  }

  private async syncWithRetries(
    client: ProtocolClient,
    onAttempt?: (attempt: number) => void,
  ): Promise<void> {
    const attempts = this.opts.syncAttempts ?? 3;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      onAttempt?.(i);
      try {
        await client.sync();
        return;
      } catch (err) {
        last = err;
        if (client.closed) throw err;
        await this.sleep(100 * 2 ** i);
      }
    }
    throw new NoAnswerError(
      `camera not answering SYNC after ${attempts} attempts: ${last instanceof Error ? last.message : String(last)}`,
      'connect',
      'check that the camera runs OpenMV firmware 5.x and that no other program holds the port',
    );
  }

  /** Resync (SYNC + caps + list + streaming), run by the client whenever the link is out of step. */
  private async resync(client: ProtocolClient): Promise<void> {
    // A SOFT_REBOOT seen since the last resync is the cause, even when a request that was in flight then
    // failed on the camera's reset sequence counter and became the client's latest reason.
    const reason = this.rebootSeen ? REBOOT_REASON : (client.resyncReason ?? 'resync');
    // A corrupted packet left the camera as it was: SYNC + caps put the link back, and the channels and
    // stream settings survive a SYNC (a STREAM_CTRL would even discard the pending frame). After a
    // reboot, or anything that may have been one, re-list and restore as well.
    const light = client.resyncCause instanceof ChecksumError && !this.rebootSeen;
    this.rebootSeen = false;
    if (!this.info.version) {
      // Not connected yet: connect() drives the sync itself and reports failures.
      await this.syncWithRetries(client);
      return;
    }
    const attempts = this.opts.syncAttempts ?? 3;
    let last: unknown;
    this.setState({ kind: 'resyncing', target: this.target_, reason, attempt: 1 });
    // The firmware resets its protocol state just after announcing the reboot: let it finish first.
    if (reason === REBOOT_REASON) await this.sleep(this.opts.rebootSettleMs ?? 30);
    for (let i = 0; i < attempts; i++) {
      if (i) this.setState({ kind: 'resyncing', target: this.target_, reason, attempt: i + 1 });
      try {
        await client.sync();
        if (!light || i > 0) {
          await this.listChannels('control');
          await this.restore(client);
        }
        this.setConnected();
        return;
      } catch (err) {
        last = err;
        if (client.closed) throw err;
        // A corrupted packet during the resync itself is noise, not a silent camera: go again at once.
        if (!(err instanceof ChecksumError) || i > 0) await this.sleep(100 * 2 ** i);
      }
    }
    const err = new NoAnswerError(
      `camera stopped answering (${reason}); ${attempts} resyncs failed: ${last instanceof Error ? last.message : String(last)}`,
      'resync',
    );
    this.setState({ kind: 'disconnected', reason: err.message });
    if (!this.explicitClose) this.emit('lost', err);
    throw err;
  }

  private async restore(client: ProtocolClient): Promise<void> {
    if (this.wantStreaming !== null && this.channelById(ChannelId.STREAM)) {
      await client.request(
        Opcode.CHANNEL_IOCTL,
        ChannelId.STREAM,
        encodeIoctlRequest(Ioctl.STREAM_CTRL, u32s(this.wantStreaming ? 1 : 0)),
        { priority: 'control' },
      );
    }
  }

  private onReboot(): void {
    this.scriptRunning_ = false;
    this.rebootSeen = true;
    // Dynamic channels are gone and the device protocol state is back to defaults.
    this.list = this.list.filter((c) => !(c.flags & ChannelFlag.DYNAMIC));
    this.emit('reboot', undefined);
    this.client_?.abandonForReboot(REBOOT_REASON);
  }

  /** Re-list channels once, however many CHANNEL_REGISTERED events arrive meanwhile. */
  refreshChannels(): Promise<ChannelInfo[]> {
    this.relisting ??= this.listChannels('control').finally(() => (this.relisting = null));
    return this.relisting;
  }

  // ---- channels ----------------------------------------------------------------------------------

  /** The channel list as last read (flags decoded). */
  channels(): ChannelInfo[] {
    return this.list;
  }

  async listChannels(priority: RequestOptions['priority'] = 'user'): Promise<ChannelInfo[]> {
    const body = await this.client.request(Opcode.CHANNEL_LIST, 0, EMPTY, { priority, maxBytes: 32 * 16 });
    let entries;
    try {
      entries = decodeChannelList(body);
    } catch (err) {
      throw new DeviceResponseError(`bad channel list: ${(err as Error).message}`);
    }
    this.list = entries.map((e) => ({ ...e, flagNames: decodeChannelFlags(e.flags) }));
    // A re-list while connected (a channel registered): the state's device says so too, without a new state.
    if (this.state_.kind === 'connected') this.state_ = { ...this.state_, device: this.deviceSummary() };
    this.emit('channels', this.list);
    return this.list;
  }

  channelById(id: number): ChannelInfo | undefined {
    return this.list.find((c) => c.id === id);
  }

  /** Look a channel up by name (ids are not stable across scripts) or by id. */
  channel(ref: ChannelRef): ChannelInfo {
    const c = typeof ref === 'number' ? this.channelById(ref) : this.list.find((x) => x.name === ref);
    if (!c)
      throw new ChannelNotFoundError(
        ref,
        this.list.map((x) => x.name),
      );
    return c;
  }

  hasChannel(name: string): boolean {
    return this.list.some((c) => c.name === name);
  }

  private id(ref: ChannelRef): number {
    if (typeof ref === 'number') return ref;
    return this.channel(ref).id;
  }

  /** Idempotent requests are retried once after a resync; others report their failure. */
  private async call(
    opcode: number,
    channel: number,
    payload: Uint8Array = EMPTY,
    opts: RequestOptions & { idempotent?: boolean } = {},
  ): Promise<Uint8Array> {
    try {
      return await this.client.request(opcode, channel, payload, opts);
    } catch (err) {
      if (opts.idempotent && needsResync(err) && !this.client.closed) {
        return this.client.request(opcode, channel, payload, opts);
      }
      throw err;
    }
  }

  async channelSize(ref: ChannelRef, opts: RequestOptions = {}): Promise<number> {
    const body = await this.call(Opcode.CHANNEL_SIZE, this.id(ref), EMPTY, {
      ...opts,
      idempotent: true,
      maxBytes: 4,
    });
    if (body.length < 4) throw new DeviceResponseError(`SIZE reply of ${body.length} bytes`);
    return readU32s(body)[0]!;
  }

  async channelShape(ref: ChannelRef): Promise<number[]> {
    return readU32s(
      await this.call(Opcode.CHANNEL_SHAPE, this.id(ref), EMPTY, { idempotent: true, maxBytes: 64 }),
    );
  }

  /**
   * Read `length` bytes at `offset`; without a length, SIZE first and read it all. Sizes above
   * maxReadBytes (a hostile or broken device) are refused before any data is requested.
   */
  async channelRead(
    ref: ChannelRef,
    opts: { offset?: number; length?: number } & RequestOptions = {},
  ): Promise<Uint8Array> {
    const id = this.id(ref);
    const length = opts.length ?? (await this.channelSize(id, opts));
    const limit = this.opts.maxReadBytes ?? DEFAULT_MAX_READ;
    if (length > limit) {
      throw new DeviceResponseError(
        `channel ${ref} reports ${length} bytes, above the ${limit}-byte read limit`,
      );
    }
    if (length === 0) return EMPTY;
    return this.call(Opcode.CHANNEL_READ, id, encodeReadRequest(opts.offset ?? 0, length), {
      ...opts,
      maxBytes: length,
      expectBytes: length,
    });
  }

  /** Write `data` in chunks of max_payload − 8 (one WRITE each, at its offset). Never retried. */
  async channelWrite(ref: ChannelRef, data: Uint8Array, offset = 0): Promise<void> {
    const id = this.id(ref);
    const chunk = this.client.caps.maxPayload - 8;
    if (data.length === 0) throw new RangeError('nothing to write');
    for (let o = 0; o < data.length; o += chunk) {
      const part = data.subarray(o, Math.min(data.length, o + chunk));
      await this.client.request(Opcode.CHANNEL_WRITE, id, encodeWriteRequest(offset + o, part));
    }
  }

  async channelIoctl(ref: ChannelRef, request: number, arg: Uint8Array = EMPTY): Promise<void> {
    await this.client.request(Opcode.CHANNEL_IOCTL, this.id(ref), encodeIoctlRequest(request, arg));
  }

  /** LOCK: true when granted, false on BUSY (try later). */
  async channelLock(ref: ChannelRef): Promise<boolean> {
    try {
      await this.client.request(Opcode.CHANNEL_LOCK, this.id(ref));
      return true;
    } catch (err) {
      if (err instanceof ProtocolError && err.busy) return false;
      throw err;
    }
  }

  async channelUnlock(ref: ChannelRef): Promise<boolean> {
    try {
      await this.client.request(Opcode.CHANNEL_UNLOCK, this.id(ref));
      return true;
    } catch (err) {
      if (err instanceof ProtocolError && err.busy) return false;
      throw err;
    }
  }

  /** CHANNEL_POLL as a bitmask (bit i = channel i has something). Polls merge while queued. */
  async poll(): Promise<number> {
    const body = await this.call(Opcode.CHANNEL_POLL, 0, EMPTY, {
      priority: 'poll',
      key: 'poll',
      idempotent: true,
      maxBytes: 4,
    });
    return body.length >= 4 ? readU32s(body)[0]! : 0;
  }

  // ---- stream ------------------------------------------------------------------------------------

  /**
   * Read one frame from the stream channel: LOCK → SIZE → READ → UNLOCK (always). LOCK is paced to the
   * firmware's 11 ms lock grid (not sent sooner than `lockPaceMs` after our last grant) and a BUSY retried
   * until `timeoutMs`; resolves null when no frame came. A link fault (a corrupted packet, a timeout) is
   * followed by a resync; the whole read is idempotent, so it is tried once more on the restored link.
   */
  async readFrame(
    opts: {
      timeoutMs?: number;
      channel?: ChannelRef;
      /** false: give up at once when no frame is ready. */ waitForFrame?: boolean;
    } = {},
  ): Promise<StreamFrame | null> {
    const id = opts.channel === undefined ? ChannelId.STREAM : this.id(opts.channel);
    try {
      return await this.readFrameOnce(id, opts);
    } catch (err) {
      if (!needsResync(err) || this.client.closed) throw err;
      // Queued behind the resync: runs once the link is back in step.
      return this.readFrameOnce(id, opts);
    }
  }

  private async readFrameOnce(
    id: number,
    opts: { timeoutMs?: number; waitForFrame?: boolean },
  ): Promise<StreamFrame | null> {
    const now = (): number => performance.now();
    const deadline = now() + (opts.timeoutMs ?? 1000);
    const pace = this.opts.lockPaceMs ?? 8.5;
    // Reading faster than the grid: the first LOCK would only earn a BUSY, so it waits for the pace too.
    const early = pace - (now() - this.lastLockAt);
    if (early > 0) await this.sleep(Math.min(early, deadline - now()));
    for (;;) {
      const sent = now();
      const granted = await this.channelLock(id).catch((err: unknown) => {
        this.lastLockAt = sent; // its reply was lost, but it may have been granted: pace from it
        throw err;
      });
      if (granted) break;
      const t = now();
      if (t >= deadline) return null;
      const since = t - this.lastLockAt;
      // Right after a grant the device answers BUSY until 11 ms have passed: wait instead of hammering.
      if (since < pace) await this.sleep(Math.min(pace - since, deadline - t));
      // Long after the last grant, BUSY means no frame is ready yet: poll gently, or leave it to the event.
      else if (since > 14) {
        if (opts.waitForFrame === false) return null;
        await this.sleep(1);
      }
    }
    this.lastLockAt = now();
    const client = this.client;
    const epoch = client.syncEpoch;
    let lockLost = false;
    try {
      // SIZE not retried on its own: after a resync the lock is gone, the whole read starts over
      const body = await client.request(Opcode.CHANNEL_SIZE, id, EMPTY, { maxBytes: 4 });
      if (body.length < 4) throw new DeviceResponseError(`SIZE reply of ${body.length} bytes`);
      const size = readU32s(body)[0]!;
      if (size === 0) return null;
      const data = await this.channelRead(id, { length: size });
      return parseStreamFrame(data);
    } catch (err) {
      lockLost = needsResync(err); // the resync's SYNC unlocks every channel
      throw err;
    } finally {
      // An UNLOCK after a SYNC released the lock could only discard a frame published since.
      if (!lockLost && client.syncEpoch === epoch) await this.channelUnlock(id).catch(() => undefined);
    }
  }

  /** STREAM_CTRL: start/stop the preview stream. Remembered and restored after resyncs and reconnects. */
  async streaming(enable: boolean): Promise<void> {
    this.wantStreaming = enable;
    await this.channelIoctl(ChannelId.STREAM, Ioctl.STREAM_CTRL, u32s(enable ? 1 : 0));
  }

  // ---- scripts and stdout ------------------------------------------------------------------------

  /** Upload and run a script: RESET → WRITE chunks → EXEC on stdin. */
  async exec(script: string): Promise<void> {
    const data = new TextEncoder().encode(script);
    await this.channelIoctl(ChannelId.STDIN, Ioctl.STDIN_RESET);
    if (data.length) await this.channelWrite(ChannelId.STDIN, data);
    await this.channelIoctl(ChannelId.STDIN, Ioctl.STDIN_EXEC);
  }

  /** Interrupt the running script (the camera then soft-reboots and we resync). */
  async stop(): Promise<void> {
    await this.channelIoctl(ChannelId.STDIN, Ioctl.STDIN_STOP);
  }

  /** Drain stdout (READ consumes): SIZE then READ. */
  async readStdout(): Promise<string> {
    const size = await this.channelSize(ChannelId.STDOUT);
    if (!size) return '';
    // READ consumes stdout: after a corrupted piece wait for the camera's retransmission rather than
    // resync, which would lose the rest of the text.
    const body = await this.channelRead(ChannelId.STDOUT, { length: size, onCorrupt: 'await-rtx' });
    return new TextDecoder().decode(body);
  }

  // ---- info --------------------------------------------------------------------------------------

  async version(): Promise<VersionInfo> {
    this.info.version = decodeVersion(
      await this.call(Opcode.PROTO_VERSION, 0, EMPTY, { idempotent: true, maxBytes: 64 }),
    );
    return this.info.version;
  }

  async systemInfo(): Promise<SysInfo> {
    this.info.sysInfo = decodeSysInfo(
      await this.call(Opcode.SYS_INFO, 0, EMPTY, { idempotent: true, maxBytes: 256 }),
    );
    return this.info.sysInfo;
  }

  async deviceStats(): Promise<DeviceStats> {
    return decodeStats(await this.call(Opcode.PROTO_STATS, 0, EMPTY, { idempotent: true, maxBytes: 64 }));
  }

  async memory(): Promise<MemoryEntry[]> {
    return decodeMemory(
      await this.call(Opcode.SYS_MEMORY, 0, EMPTY, { idempotent: true, maxBytes: 4 + 24 * 255 }),
    );
  }
}

/** Split a stream-channel read into header and image, using the header's own offset field. */
export function parseStreamFrame(data: Uint8Array): StreamFrame {
  if (data.length < 20) throw new DeviceResponseError(`stream frame of ${data.length} bytes has no header`);
  const header = decodeStreamHeader(data);
  if (header.offset < 20 || header.offset > data.length) {
    throw new DeviceResponseError(
      `stream header offset ${header.offset} outside a ${data.length}-byte frame`,
    );
  }
  const compressed = header.pixfmt === PixFormat.JPEG || header.pixfmt === PixFormat.PNG;
  const end = compressed ? header.offset + header.size : data.length;
  if (end > data.length) {
    throw new DeviceResponseError(
      `stream header claims ${header.size} image bytes, frame holds ${data.length - header.offset}`,
    );
  }
  return {
    header,
    image: data.subarray(header.offset, end),
    format: header.pixfmt === PixFormat.JPEG ? 'jpeg' : header.pixfmt === PixFormat.PNG ? 'png' : 'raw',
  };
}
