// One camera on this machine (a serial port, a network address, a demo camera): one CameraSession (the single
// owner of the link, auto-reconnect), a FrameSource delivering the newest frame only, and beside it the config
// service, the stats ticker, stdout and the recent frames a snapshot picks from. The hub (service.ts) makes
// one per camera, connects it once, then gives it its id (bind): the id comes from the camera's serial, known
// only once it answered.
import { CameraSession, FrameSource } from '../host';
import type { Camera, Frame, Transport } from '../host';
import {
  cameraLabel,
  demoIndex,
  type CameraInfo,
  type ConfigSnapshot,
  type ConfigValues,
  type ConnectionKind,
  type ConnectionState,
  type DeviceSummary,
  type FrameMeta,
  type SnapshotResult,
  type StatsSnapshot,
} from '../model';
import { ChannelId } from '../protocol';
import type { FrameListener, Unsubscribe } from '../shared/contract';
import type { CameraEventListener, CameraEventName, CameraUnit } from './camera-unit-api';
import { ConfigService } from './config-service';
import { ConnectMask } from './connect-mask';
import { ServiceError, asServiceError, toAppError } from './errors';
import { Listeners } from './listeners';
import type { SnapshotFolder } from './snapshot';
import { StatsTicker } from './stats-ticker';
import { vetTarget } from './targets';
import type { TargetOpener, TargetRules } from './targets';

export interface LocalCameraDeps {
  targets: TargetOpener;
  rules: TargetRules;
  /** The service's one snapshot folder (its rate and budget are the service's). */
  snapshots: SnapshotFolder;
  backoffMs?: number[];
  statsIntervalMs?: number;
  /**
   * Where the camera is now, asked before each reconnect once the unit has its id: its target, or the path
   * it was replugged on (resolve.ts).
   */
  resolve?: (unit: LocalCamera) => Promise<string>;
}

/**
 * Frames kept for saveSnapshot(format, seq): the UI shows a frame behind the newest (a few on a loaded machine,
 * with frames queued on the WebSocket), so keep a couple of seconds' worth, bounded in bytes.
 */
const RECENT_FRAMES = 90;
const RECENT_BYTES = 16 * 1024 * 1024;
/**
 * After a config write, every frame is read (newest wins) for this long, whatever the pages have room for: the
 * frames at the new setting reach a page without waiting behind one read before the change.
 */
export const READ_EVERY_AFTER_CONFIG_MS = 1000;

type Shown = { meta: FrameMeta; image: Uint8Array };

/** The board name a demo camera shows (its USB id says H7 Plus). */
export function demoBoardName(target: string): string | undefined {
  const n = demoIndex(target);
  if (n === null) return undefined;
  return n === 1 ? 'Demo camera (simulated)' : `Demo camera ${n} (simulated)`;
}

export class LocalCamera implements CameraUnit {
  private readonly events = new Listeners<CameraEventName | 'frame'>();
  private readonly session: CameraSession;
  private readonly camera: Camera;
  private readonly frames: FrameSource;
  /** Whether a page has room for a frame now (the hub's demand); every frame until the hub says. */
  private framesWanted: () => boolean = () => true;
  private readonly config: ConfigService;
  private readonly stats: StatsTicker;
  private readonly mask = new ConnectMask();
  private id_ = '';
  private serial_: string | undefined;
  private portBoard: string | undefined;
  /** What the camera is reached by now: the target opened, or where it was found after a replug. */
  private target_: string;
  private vetted = false;
  private latest: Shown | null = null;
  /** The last few frames, so a snapshot saves the frame the UI shows (it may be one or two behind). */
  private recent: Shown[] = [];
  private recentBytes = 0;
  /** Set when the session leaves connected/resyncing: the next 'connected' is a new connection. */
  private linkWentAway = true;
  private lastStateKind: ConnectionKind = 'disconnected';
  private streamingWanted = true;
  private stdoutReading = false;
  private stdoutDirty = false;
  private closed = false;
  private lastFrameErrorAt = 0;

  constructor(
    /** The target it was opened by (the session keeps it; a replug is resolved from it). */
    readonly opened: string,
    private readonly deps: LocalCameraDeps,
  ) {
    this.target_ = opened;
    this.session = new CameraSession({
      open: (t) => this.open(t),
      boardName: demoBoardName,
      ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
    });
    this.camera = this.session.camera;
    this.config = new ConfigService(this.camera, {
      session: this.session,
      requireConnected: () => this.requireConnected(),
      config: (snap) => this.emit('config', snap),
      error: (err) => this.emit('error', err),
    });
    this.stats = new StatsTicker(
      this.camera,
      () => this.session.state.kind !== 'disconnected',
      (s) => this.emit('stats', s),
      deps.statsIntervalMs,
    );
    this.frames = new FrameSource(this.camera, { wanted: () => this.framesWanted() });
    this.frames.on('frame', (f) => this.deliver(f));
    this.frames.on('skipped', () => this.stats.skipped());
    this.frames.on('error', (err) => {
      // a burst of read errors during a resync is one problem, not dozens of toasts
      const now = Date.now();
      if (now - this.lastFrameErrorAt > 5000 && this.camera.connected) {
        this.lastFrameErrorAt = now;
        this.emit('error', toAppError(err));
      }
    });
    this.session.on('state', (s) => this.onSessionState(s));
    this.camera.on('channels', () => this.emitChannels());
    this.camera.events.onStdout(() => this.drainStdout());
    this.camera.events.onChannel('config', () => void this.config.push(true));
    this.camera.on('reboot', () => this.config.forgetSchema());
  }

  // ---- identity ----------------------------------------------------------------------------------

  get id(): string {
    return this.id_;
  }

  /** The serial number the id came from (USB serial, else the board's uid), once bound. */
  get serial(): string | undefined {
    return this.serial_;
  }

  /** Where the camera is reached now. */
  get target(): string {
    return this.target_;
  }

  /** The device as the first connect found it (board, uid). */
  device(): DeviceSummary {
    return this.camera.deviceSummary();
  }

  /** Give the unit its id, once connected: frames and events from here on are this camera's. */
  bind(id: string, serial: string | undefined, portBoard: string | undefined): void {
    this.id_ = id;
    this.serial_ = serial;
    this.portBoard = portBoard;
  }

  info(): CameraInfo {
    const s = this.shownState(this.session.state);
    const device = this.camera.cachedVersion ? this.camera.deviceSummary() : undefined;
    const board = device?.board ?? this.portBoard;
    return {
      id: this.id_,
      target: this.target_,
      ...(board ? { board } : {}),
      ...(this.serial_ ? { serial: this.serial_ } : {}),
      label: cameraLabel(board, this.serial_, this.target_),
      state: s,
      ...(device ? { device } : {}),
    };
  }

  // ---- events ------------------------------------------------------------------------------------

  on<K extends CameraEventName>(name: K, listener: CameraEventListener<K>): Unsubscribe {
    return this.events.on(name, listener);
  }

  onFrame(listener: FrameListener): Unsubscribe {
    return this.events.on('frame', listener);
  }

  paceFrames(wanted: () => boolean): void {
    this.framesWanted = wanted;
  }

  wakeFrames(): void {
    this.frames.wake();
  }

  private emit<K extends CameraEventName>(name: K, payload: Parameters<CameraEventListener<K>>[0]): void {
    this.events.emit(name, payload);
  }

  private deliver(f: Frame): void {
    const shown: Shown = { meta: { ...f.meta, camera: this.id_ }, image: f.image };
    this.latest = shown;
    this.recent.push(shown);
    this.recentBytes += f.image.length;
    while (this.recent.length > 1 && (this.recent.length > RECENT_FRAMES || this.recentBytes > RECENT_BYTES))
      this.recentBytes -= this.recent.shift()!.image.length;
    this.stats.frame(shown.meta);
    this.events.emit('frame', shown.meta, shown.image);
  }

  // ---- connection --------------------------------------------------------------------------------

  private emitChannels(): void {
    this.emit('channels', this.camera.channels());
  }

  /** A state names where the camera is now (after a replug, not the path the session was opened with). */
  private here(s: ConnectionState): ConnectionState {
    return 'target' in s && s.target !== this.target_ ? { ...s, target: this.target_ } : s;
  }

  private shownState(raw: ConnectionState): ConnectionState {
    return this.here(this.mask.current(raw));
  }

  private onSessionState(raw: ConnectionState): void {
    const masked = this.mask.show(raw);
    if (!masked) return;
    const s = this.here(masked);
    const prev = this.lastStateKind;
    this.lastStateKind = s.kind;
    // A new connection counts from zero; a resync is the same connection going on. A reconnect passes
    // through 'resyncing' too, so remember that the link went away rather than looking at the last state.
    if (s.kind !== 'connected' && s.kind !== 'resyncing') this.linkWentAway = true;
    if (s.kind === 'connected' && this.linkWentAway) {
      this.linkWentAway = false;
      this.stats.reset();
      this.recent = [];
      this.recentBytes = 0;
    }
    this.emit('state', s);
    if (s.kind !== 'connected' && s.kind !== 'resyncing' && prev === 'connected') {
      // the stream stopped: say so at once (fps 0), not a second later
      this.stats.tick(true);
    }
    if (s.kind === 'connected') this.refresh();
  }

  /**
   * Connected (first, again after a reconnect, or after a resync): re-read what the camera may have
   * changed meanwhile — channels, frames, the config (read once, pushed), stdout.
   */
  private refresh(): void {
    this.config.forgetSchema();
    this.emitChannels();
    void this.startFrames();
    void this.config.push(true); // the one read on connect; a failure reaches the page as an error event
    this.drainStdout();
  }

  private async startFrames(): Promise<void> {
    if (!this.streamingWanted) return;
    this.frames.start();
    if (!this.camera.hasChannel('frame') && this.camera.channelById(ChannelId.STREAM)) {
      await this.camera.streaming(true).catch((err: unknown) => this.emit('error', toAppError(err)));
    }
    this.frames.kick();
  }

  /** The first connect: rejects when it fails (nothing retries then), with the page's one sentence. */
  async connect(): Promise<DeviceSummary> {
    if (this.closed) throw new ServiceError('closed', 'the service is shutting down');
    const masked = this.mask.begin(this.opened);
    try {
      await this.session.connect(this.opened);
    } catch (err) {
      throw this.mask.error(masked, asServiceError(err)); // the caller shows it; no duplicate error event
    } finally {
      this.mask.end(masked);
    }
    return this.camera.deviceSummary();
  }

  /**
   * The session's opener: the target is vetted on the first connect (a refused one fails like a missing
   * port); a reconnect asks where the camera is now.
   */
  private async open(target: string): Promise<Transport> {
    if (!this.vetted) {
      await vetTarget(target, this.deps.rules);
      this.vetted = true;
    } else if (this.id_ && this.deps.resolve) {
      this.target_ = await this.deps.resolve(this);
    }
    const now = this.target_;
    return this.mask.open(now, () => this.deps.targets.open(now));
  }

  async getState(): Promise<ConnectionState> {
    return this.shownState(this.session.state);
  }

  private requireConnected(): void {
    if (!this.camera.connected) {
      throw new ServiceError(
        'not-connected',
        'the camera is not connected',
        'Wait until it shows connected (check the cable), or open it again from the port list.',
      );
    }
  }

  // ---- config, raw channels, streaming, snapshot --------------------------------------------------

  readConfig(): Promise<ConfigSnapshot> {
    return this.config.read();
  }

  writeConfig(patch: ConfigValues): Promise<ConfigSnapshot> {
    // someone is tuning: once the camera has the new setting, its frames are read as they come, not only as
    // pages have room (a refused write changes nothing)
    return this.config.write(patch).then((snap) => {
      this.frames.readEvery(READ_EVERY_AFTER_CONFIG_MS);
      return snap;
    });
  }

  async readChannel(name: string): Promise<Uint8Array> {
    this.requireConnected();
    try {
      return await this.camera.channelRead(name);
    } catch (err) {
      throw asServiceError(err);
    }
  }

  async writeChannel(name: string, data: Uint8Array): Promise<void> {
    this.requireConnected();
    try {
      await this.camera.channelWrite(name, data);
    } catch (err) {
      throw asServiceError(err);
    }
  }

  async setStreaming(enable: boolean): Promise<void> {
    this.streamingWanted = enable;
    if (!enable) this.frames.stop();
    if (!this.camera.connected) return;
    if (enable) await this.startFrames();
    else if (!this.camera.hasChannel('frame')) await this.camera.streaming(false).catch(() => undefined);
  }

  async saveSnapshot(format: 'jpeg' | 'png', seq?: number | null): Promise<SnapshotResult> {
    const f = (typeof seq === 'number' && this.recent.find((r) => r.meta.seq === seq)) || this.latest;
    if (!f)
      throw new ServiceError(
        'no-frame',
        'no frame to save yet',
        'Wait for the first frame of this camera, then save again.',
      );
    return this.deps.snapshots.save(f, format);
  }

  // ---- stdout and stats --------------------------------------------------------------------------

  private drainStdout(): void {
    this.stdoutDirty = true;
    if (this.stdoutReading) return;
    this.stdoutReading = true;
    void (async () => {
      try {
        while (this.stdoutDirty && this.camera.connected) {
          this.stdoutDirty = false;
          const text = await this.camera.readStdout();
          if (text) this.emit('stdout', text);
        }
      } catch {
        // the link owner resyncs; the next stdout event drains again
      } finally {
        this.stdoutReading = false;
      }
    })();
  }

  /** The pushed 'stats' figures, measured now (see StatsTicker). */
  async getStats(): Promise<StatsSnapshot> {
    return this.stats.measure();
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.mask.end();
    this.stats.stop();
    this.frames.stop();
    await this.session.disconnect(reason);
    this.latest = null;
    this.recent = [];
    this.recentBytes = 0;
    this.events.clear();
  }
}
