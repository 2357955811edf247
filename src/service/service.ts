// The camera service both carriers drive: one CameraSession (the single owner of the link, auto-reconnect),
// a FrameSource delivering the newest frame only, and beside it the config service, the stats ticker and
// stdout. Targets (auto, demo, the port list) come from targets.ts, shared with the CLI.
import { CameraSession, FrameSource } from '../host';
import type { Camera, Frame, Transport } from '../host';
import {
  DEMO_TARGET,
  type ConfigSnapshot,
  type ConfigValues,
  type ConnectionKind,
  type ConnectionState,
  type DeviceSummary,
  type FrameMeta,
  type PortInfo,
  type SnapshotResult,
  type StatsSnapshot,
} from '../model';
import { ChannelId } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCamOptions } from '../simcam';
import type { CamdeckEvents, EventName, Unsubscribe } from '../shared/contract';
import type { CamdeckService } from './api';
import { ConfigService } from './config-service';
import { ConnectMask } from './connect-mask';
import { ServiceError, asServiceError, toAppError } from './errors';
import { SnapshotFolder } from './snapshot';
import type { SnapshotLimits } from './snapshot';
import { StatsTicker } from './stats-ticker';
import { attachedCamera, inProcessCamera, portList, serialPorts, targetOpener, vetTarget } from './targets';
import type { TargetOpener, TargetRules } from './targets';

export type { SimCamOptions } from '../simcam';

export interface ServiceOptions {
  /** Where saveSnapshot writes files. */
  snapshotsDir: string;
  /** Connect at start: a target, `demo`, or `auto` (the one attached camera, else the demo camera). */
  defaultTarget?: string;
  /** Extra ports listed by listPorts() (e.g. a socat pty), from CAMDECK_EXTRA_PORTS. */
  extraPorts?: string[];
  /**
   * connect() to tcp:// and udp:// targets (`camdeck serve --allow-network`; the desktop app sets it). Serial
   * paths are always limited to the listed ports, CAMDECK_EXTRA_PORTS and defaultTarget.
   */
  allowNetwork?: boolean;
  /** Rate and folder budget of saveSnapshot (defaults: SNAPSHOT_LIMITS). */
  snapshotLimits?: Partial<SnapshotLimits>;
  /** Options of the embedded demo camera. */
  demo?: SimCamOptions;
  /** Seams for tests. */
  openDemo?: () => Transport;
  listSerial?: () => Promise<PortInfo[]>;
  backoffMs?: number[];
  statsIntervalMs?: number;
}

type AnyListener = (payload: never) => void;

/**
 * Frames kept for saveSnapshot(format, seq): the UI shows a frame behind the newest (a few on a loaded machine,
 * with frames queued on the WebSocket), so keep a couple of seconds' worth, bounded in bytes.
 */
const RECENT_FRAMES = 90;
const RECENT_BYTES = 16 * 1024 * 1024;

class Service implements CamdeckService {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private readonly frameListeners = new Set<(meta: FrameMeta, image: Uint8Array) => void>();
  private readonly targets: TargetOpener;
  private readonly session: CameraSession;
  private readonly camera: Camera;
  private readonly frames: FrameSource;
  private readonly config: ConfigService;
  private readonly stats: StatsTicker;
  private readonly rules: TargetRules;
  /** The target connect() last vetted: the session's reconnects reopen it unchecked. */
  private vetted: string | null = null;
  private readonly mask = new ConnectMask();
  private readonly snapshots: SnapshotFolder;
  private latest: Frame | null = null;
  /** The last few frames, so a snapshot saves the frame the UI shows (it may be one or two behind). */
  private recent: Frame[] = [];
  private recentBytes = 0;
  /** Set when the session leaves connected/resyncing: the next 'connected' is a new connection. */
  private linkWentAway = true;
  private lastStateKind: ConnectionKind = 'disconnected';
  private streamingWanted = true;
  private stdoutReading = false;
  private stdoutDirty = false;
  private closed = false;
  private lastFrameErrorAt = 0;

  constructor(private readonly opts: ServiceOptions) {
    const openDemo = opts.openDemo;
    this.targets = targetOpener(() =>
      openDemo
        ? { open: openDemo, close: () => undefined }
        : inProcessCamera(createSimCam(opts.demo), 'demo camera'),
    );
    const named = [...(opts.extraPorts ?? [])];
    if (opts.defaultTarget && opts.defaultTarget !== 'auto') named.push(opts.defaultTarget);
    this.rules = { named, allowNetwork: opts.allowNetwork ?? false, listSerial: opts.listSerial };
    this.snapshots = new SnapshotFolder(opts.snapshotsDir, opts.snapshotLimits);
    this.session = new CameraSession({
      open: (t) => this.open(t),
      boardName: (t) => (t === DEMO_TARGET ? 'Demo camera (simulated)' : undefined),
      ...(opts.backoffMs ? { backoffMs: opts.backoffMs } : {}),
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
      opts.statsIntervalMs,
    );
    this.frames = new FrameSource(this.camera);
    this.frames.on('frame', (f) => this.deliver(f));
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
    if (opts.defaultTarget) {
      void this.connectDefault(opts.defaultTarget);
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  on<K extends EventName>(name: K, listener: (payload: CamdeckEvents[K]) => void): Unsubscribe {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as AnyListener);
    return () => void set.delete(listener as AnyListener);
  }

  onFrame(listener: (meta: FrameMeta, image: Uint8Array) => void): Unsubscribe {
    this.frameListeners.add(listener);
    return () => void this.frameListeners.delete(listener);
  }

  private emit<K extends EventName>(name: K, payload: CamdeckEvents[K]): void {
    for (const l of [...(this.listeners.get(name) ?? [])]) {
      try {
        (l as (p: CamdeckEvents[K]) => void)(payload);
      } catch (err) {
        console.error(`camdeck: ${name} listener failed:`, err);
      }
    }
  }

  private deliver(f: Frame): void {
    this.latest = f;
    this.recent.push(f);
    this.recentBytes += f.image.length;
    while (this.recent.length > 1 && (this.recent.length > RECENT_FRAMES || this.recentBytes > RECENT_BYTES))
      this.recentBytes -= this.recent.shift()!.image.length;
    this.stats.frame(f.meta);
    for (const l of this.frameListeners) l(f.meta, f.image);
  }

  // ---- connection --------------------------------------------------------------------------------

  private async connectDefault(target: string): Promise<void> {
    // auto: the one attached camera, else (none, or several to choose from) the demo camera
    const t = target === 'auto' ? (attachedCamera(await this.serialPorts()).target ?? DEMO_TARGET) : target;
    // nobody awaits this connect: report its failure as an event
    await this.connect(t).catch((err: unknown) => this.emit('error', toAppError(err)));
  }

  private emitChannels(): void {
    this.emit('channels', this.camera.channels());
  }

  private onSessionState(raw: ConnectionState): void {
    const s = this.mask.show(raw);
    if (!s) return;
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

  async listPorts(): Promise<PortInfo[]> {
    return portList(await this.serialPorts(), this.opts.extraPorts);
  }

  private serialPorts(): Promise<PortInfo[]> {
    return serialPorts(this.opts.listSerial);
  }

  async connect(target: string): Promise<DeviceSummary> {
    if (this.closed) throw new ServiceError('closed', 'the service is shutting down');
    // the session's own switching disconnect first, so that only this connect's states are masked
    if (this.session.state.kind !== 'disconnected') await this.session.disconnect('switching target');
    this.vetted = null;
    const masked = this.mask.begin(target);
    try {
      await this.session.connect(target);
    } catch (err) {
      throw this.mask.error(masked, asServiceError(err)); // the caller shows it; no duplicate error event
    } finally {
      this.mask.end(masked);
    }
    return this.camera.deviceSummary();
  }

  /** The session's opener: a target connect() names is vetted first (refused ones fail like a missing port). */
  private async open(target: string): Promise<Transport> {
    if (target !== this.vetted) {
      await vetTarget(target, this.rules);
      this.vetted = target;
    }
    return this.mask.open(target, () => this.targets.open(target));
  }

  async disconnect(): Promise<void> {
    this.mask.end();
    this.frames.stop();
    await this.session.disconnect();
    this.latest = null;
    this.recent = [];
    this.recentBytes = 0;
  }

  async getState(): Promise<ConnectionState> {
    return this.mask.current(this.session.state);
  }

  private requireConnected(): void {
    if (!this.camera.connected) {
      throw new ServiceError(
        'not-connected',
        'no camera connected',
        'Pick a port (or the demo camera) and connect.',
      );
    }
  }

  // ---- config, raw channels, streaming, snapshot --------------------------------------------------

  readConfig(): Promise<ConfigSnapshot> {
    return this.config.read();
  }

  writeConfig(patch: ConfigValues): Promise<ConfigSnapshot> {
    return this.config.write(patch);
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
        'Connect a camera and wait for the first frame.',
      );
    return this.snapshots.save(f, format);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stats.stop();
    this.frames.stop();
    await this.session.disconnect('closing');
    this.targets.close();
    this.listeners.clear();
    this.frameListeners.clear();
  }
}

export function createCamdeckService(opts: ServiceOptions): CamdeckService {
  return new Service(opts);
}
