// Camera: the typed, promise-based API over one ProtocolClient (what openmv-python's Camera offers). Its
// parts: the channel API (channel-api.ts, the base class), opening and re-establishing the protocol
// (connector.ts), stream-channel frame reads (stream-reader.ts); device events arrive through its one
// DeviceEventRouter. This file keeps the link, the connection state and the script/stdout/info requests.
import {
  ChannelFlag,
  ChannelId,
  EMPTY,
  Ioctl,
  Opcode,
  decodeMemory,
  decodeStats,
  decodeSysInfo,
  decodeVersion,
  u32s,
} from '../protocol';
import type { Caps, DeviceStats, MemoryEntry, SysInfo, VersionInfo } from '../protocol';
import type { ChannelInfo, ConnectionState, DeviceSummary, HostStats } from '../model';
import type { CameraOptions } from './camera-options';
import { ChannelApi } from './channel-api';
import type { ChannelRef } from './channel-api';
import { ProtocolClient } from './client';
import { Connector, REBOOT_REASON } from './connector';
import { DeviceEventRouter } from './device-events';
import { summarizeDevice } from './device-summary';
import { DisconnectedError } from './errors';
import { StreamReader } from './stream-reader';
import type { StreamFrame, StreamReadOptions } from './stream-reader';
import type { Transport } from './transport';

export type { CameraEvents, CameraOptions } from './camera-options';
export { decodeChannelFlags } from './channel-api';
export type { ChannelRef } from './channel-api';
export { parseStreamFrame } from './stream-reader';
export type { StreamFrame } from './stream-reader';

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Camera extends ChannelApi {
  private readonly opts: CameraOptions;
  private readonly connector: Connector;
  private readonly stream: StreamReader;
  private wantStreaming: boolean | null = null;
  private state_: ConnectionState = { kind: 'disconnected' };
  /** What this camera was reached by (the session's target, else the transport's description). */
  private target_ = '';
  private readonly info: { version?: VersionInfo; sysInfo?: SysInfo } = {};
  private scriptRunning_ = false;
  private explicitClose = false;
  private relisting: Promise<ChannelInfo[]> | null = null;
  /** The one subscriber to the link's device events: consumers hook the events they own here. */
  readonly events = new DeviceEventRouter((id) => this.channelById(id)?.name);

  constructor(transport?: Transport, opts: CameraOptions = {}) {
    super(opts.maxReadBytes);
    this.opts = opts;
    const sleep = opts.sleep ?? realSleep;
    this.connector = new Connector(
      {
        info: this.info,
        target: () => this.target_,
        setState: (s) => this.setState(s),
        setConnected: () => this.setConnected(),
        listChannels: () => this.listChannels('control'),
        streamingWanted: () => this.wantStreaming,
        hasStream: () => this.channelById(ChannelId.STREAM) !== undefined,
        lost: (err) => {
          this.setState({ kind: 'disconnected', reason: err.message });
          if (!this.explicitClose) this.emit('lost', err);
        },
      },
      opts,
      sleep,
    );
    this.stream = new StreamReader(this, opts.lockPaceMs ?? 8.5, sleep);
    // The camera's own events, hooked first: the list and the link state are right before anyone else reads.
    this.events.onReboot(() => this.onReboot());
    this.events.onChannelRegistered(() => void this.refreshChannels().catch(() => undefined));
    this.events.onScript((running) => (this.scriptRunning_ = running));
    if (transport) this.attach(transport);
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
    client.setResyncHandler(() => this.connector.reestablish(client));
  }

  private setState(s: ConnectionState): void {
    this.state_ = s;
    this.emit('state', s);
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
    try {
      await this.connector.open(client);
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

  private onReboot(): void {
    this.scriptRunning_ = false;
    this.connector.noteReboot();
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

  protected listed(): void {
    // A re-list while connected (a channel registered): the state's device says so too, without a new state.
    if (this.state_.kind === 'connected') this.state_ = { ...this.state_, device: this.deviceSummary() };
  }

  // ---- stream ------------------------------------------------------------------------------------

  /** One frame from the stream channel (or `channel`); see StreamReader.read. Null when none came. */
  readFrame(opts: StreamReadOptions & { channel?: ChannelRef } = {}): Promise<StreamFrame | null> {
    const id = opts.channel === undefined ? ChannelId.STREAM : this.id(opts.channel);
    return this.stream.read(id, opts);
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
