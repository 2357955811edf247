// The camera service both carriers drive: one CameraSession (the single owner of the link, auto-reconnect),
// a ConfigChannel for the JSON config, a FrameSource delivering the newest frame only, stdout and stats.
// The demo target is the simulated camera, in process, over an in-memory link pair.
import {
  CameraSession,
  ConfigChannel,
  FrameSource,
  listPorts as listSerialPorts,
  memoryTransport,
  openTransport,
  pickCamera,
} from '../host';
import type { Camera, Frame, Transport } from '../host';
import {
  DEMO_TARGET,
  DropCounter,
  emptyHostStats,
  emptyStats,
  mergeSchema,
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
import { ChannelId, createLinkPair } from '../protocol';
import { createSimCam } from '../simcam';
import type { CamdeckEvents, EventName, Unsubscribe } from '../shared/contract';
import type { CamdeckService } from './api';
import { ServiceError, asServiceError, toAppError } from './errors';
import { FrameRateEstimator } from './frame-rate';
import { saveSnapshotFile } from './snapshot';

export type { SimCamOptions } from '../simcam';
import type { SimCamOptions } from '../simcam';

export interface ServiceOptions {
  /** Where saveSnapshot writes files. */
  snapshotsDir: string;
  /** Connect at start: a target, `demo`, or `auto` (the one attached camera, else the demo camera). */
  defaultTarget?: string;
  /** Extra ports listed by listPorts() (e.g. a socat pty), from CAMDECK_EXTRA_PORTS. */
  extraPorts?: string[];
  /** Options of the embedded demo camera. */
  demo?: SimCamOptions;
  /** Seams for tests. */
  openDemo?: () => Transport;
  listSerial?: () => Promise<PortInfo[]>;
  backoffMs?: number[];
  statsIntervalMs?: number;
}

export const DEMO_PORT: PortInfo = {
  target: DEMO_TARGET,
  path: DEMO_TARGET,
  board: 'Demo camera',
  manufacturer: 'camdeck (simulated)',
  isCamera: true,
};

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
  private readonly session: CameraSession;
  private readonly camera: Camera;
  private readonly frames: FrameSource;
  private sim: ReturnType<typeof createSimCam> | null = null;
  private latest: Frame | null = null;
  /** The last few frames, so a snapshot saves the frame the UI shows (it may be one or two behind). */
  private recent: Frame[] = [];
  private recentBytes = 0;
  private readonly rate = new FrameRateEstimator();
  /** Set when the session leaves connected/resyncing: the next 'connected' is a new connection. */
  private linkWentAway = true;
  private readonly drops = new DropCounter();
  private lastStateKind: ConnectionKind = 'disconnected';
  private schemaCache: Promise<ConfigSnapshot['schema']> | null = null;
  private configQueue: Promise<unknown> = Promise.resolve();
  private streamingWanted = true;
  private stdoutReading = false;
  private stdoutDirty = false;
  private stats: StatsSnapshot = emptyStats();
  private statsTimer: ReturnType<typeof setInterval>;
  private closed = false;
  private lastFrameErrorAt = 0;

  constructor(private readonly opts: ServiceOptions) {
    this.session = new CameraSession({
      open: (t) => this.openTarget(t),
      boardName: (t) => (t === DEMO_TARGET ? 'Demo camera (simulated)' : undefined),
      ...(opts.backoffMs ? { backoffMs: opts.backoffMs } : {}),
    });
    this.camera = this.session.camera;
    this.frames = new FrameSource(this.camera);
    this.frames.on('frame', (f) => {
      this.latest = f;
      this.recent.push(f);
      this.recentBytes += f.image.length;
      while (
        this.recent.length > 1 &&
        (this.recent.length > RECENT_FRAMES || this.recentBytes > RECENT_BYTES)
      )
        this.recentBytes -= this.recent.shift()!.image.length;
      this.rate.add({
        captureTime: f.meta.captureTime,
        headerFps: f.meta.cameraFps,
        hostMs: performance.now(),
        bytes: f.meta.bytes,
      });
      this.drops.add(f.meta.cameraFrame);
      for (const l of this.frameListeners) l(f.meta, f.image);
    });
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
    this.camera.events.onChannel('config', () => void this.pushConfig(true));
    this.camera.on('reboot', () => (this.schemaCache = null));
    this.statsTimer = setInterval(() => this.tickStats(), opts.statsIntervalMs ?? 1000);
    this.statsTimer.unref?.();
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

  // ---- connection --------------------------------------------------------------------------------

  private async openTarget(target: string): Promise<Transport> {
    if (target !== DEMO_TARGET) return openTransport(target);
    if (this.opts.openDemo) return this.opts.openDemo();
    this.sim ??= createSimCam(this.opts.demo);
    const [host, device] = createLinkPair();
    this.sim.attach(device);
    return memoryTransport(host, 'demo camera');
  }

  private async connectDefault(target: string): Promise<void> {
    let t = target;
    if (t === 'auto') {
      const picked = pickCamera(await this.serialPorts());
      t = 'port' in picked ? picked.port.target : DEMO_TARGET;
    }
    // nobody awaits this connect: report its failure as an event
    await this.connect(t).catch((err: unknown) => this.emit('error', toAppError(err)));
  }

  private emitChannels(): void {
    this.emit('channels', this.camera.channels());
  }

  private onSessionState(s: ConnectionState): void {
    const prev = this.lastStateKind;
    this.lastStateKind = s.kind;
    // A new connection counts from zero; a resync is the same connection going on. A reconnect passes
    // through 'resyncing' too, so remember that the link went away rather than looking at the last state.
    if (s.kind !== 'connected' && s.kind !== 'resyncing') this.linkWentAway = true;
    if (s.kind === 'connected' && this.linkWentAway) {
      this.linkWentAway = false;
      this.rate.reset();
      this.drops.reset();
      this.recent = [];
      this.recentBytes = 0;
    }
    this.emit('state', s);
    if (s.kind !== 'connected' && s.kind !== 'resyncing' && prev === 'connected') {
      // the stream stopped: say so at once (fps 0), not a second later
      this.tickStats(true);
    }
    if (s.kind === 'connected') {
      this.schemaCache = null;
      this.emitChannels();
      void this.startFrames();
      void this.pushConfig(false); // a UI reads the config itself on connect and reports failures
      this.drainStdout();
    }
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
    const serial = await this.serialPorts();
    // the demo camera is listed once, first, whatever else names it
    const seen = new Set([DEMO_TARGET, ...serial.map((p) => p.target)]);
    const extra: PortInfo[] = (this.opts.extraPorts ?? [])
      .filter((p) => p && !seen.has(p) && (seen.add(p), true))
      .map((p) => ({ target: p, path: p, board: 'Extra port (CAMDECK_EXTRA_PORTS)', isCamera: true }));
    const real = serial.filter((p) => p.target !== DEMO_TARGET);
    return [DEMO_PORT, ...real.filter((p) => p.isCamera), ...extra, ...real.filter((p) => !p.isCamera)];
  }

  private async serialPorts(): Promise<PortInfo[]> {
    try {
      return await (this.opts.listSerial ?? listSerialPorts)();
    } catch {
      return []; // no serial support on this machine: the demo and extra ports still list
    }
  }

  async connect(target: string): Promise<DeviceSummary> {
    if (this.closed) throw new ServiceError('closed', 'the service is shutting down');
    try {
      await this.session.connect(target);
    } catch (err) {
      throw asServiceError(err); // the caller shows it; no duplicate error event
    }
    return this.camera.deviceSummary();
  }

  async disconnect(): Promise<void> {
    this.frames.stop();
    await this.session.disconnect();
    this.latest = null;
    this.recent = [];
    this.recentBytes = 0;
  }

  async getState(): Promise<ConnectionState> {
    return this.session.state;
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

  // ---- config ------------------------------------------------------------------------------------

  private configChannel(): ConfigChannel {
    this.requireConnected();
    if (!this.camera.hasChannel('config'))
      throw new ServiceError('no-config', 'this camera script registers no "config" channel');
    return new ConfigChannel(this.camera, 'config');
  }

  private schemaFor(cfg: ConfigChannel): Promise<ConfigSnapshot['schema']> {
    this.schemaCache ??= cfg
      .schema()
      .then((s) => s ?? { properties: {} })
      .catch((err: unknown) => {
        this.schemaCache = null;
        this.emit('error', toAppError(err));
        return { properties: {} };
      });
    return this.schemaCache;
  }

  private async snapshot(cfg: ConfigChannel, values: ConfigValues): Promise<ConfigSnapshot> {
    const published = await this.schemaFor(cfg);
    return { channel: cfg.name, values, schema: mergeSchema(values, published) };
  }

  /** Config reads and writes run one at a time, in order: a write is sent once and never overlaps another. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.configQueue.then(job, job);
    this.configQueue = run.catch(() => undefined);
    return run;
  }

  async readConfig(): Promise<ConfigSnapshot> {
    return this.serial(async () => {
      const cfg = this.configChannel();
      try {
        return await this.snapshot(cfg, await cfg.read());
      } catch (err) {
        throw asServiceError(err);
      }
    });
  }

  async writeConfig(patch: ConfigValues): Promise<ConfigSnapshot> {
    const snap = await this.serial(async () => {
      const cfg = this.configChannel();
      try {
        return await this.snapshot(cfg, await cfg.write(patch));
      } catch (err) {
        throw asServiceError(err);
      }
    });
    this.emit('config', snap);
    return snap;
  }

  /** Background read after connect / a config event: pushes the snapshot (and, if asked, failures as events). */
  private async pushConfig(reportErrors: boolean): Promise<void> {
    if (!this.camera.connected || !this.camera.hasChannel('config')) return;
    try {
      this.emit('config', await this.readConfig());
    } catch (err) {
      if (reportErrors && this.camera.connected) this.emit('error', toAppError(err));
    }
  }

  // ---- raw channels, streaming, snapshot ----------------------------------------------------------

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
    return saveSnapshotFile(this.opts.snapshotsDir, f, format);
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

  private tickStats(always = false): void {
    this.stats = this.measureStats();
    if (always || this.session.state.kind !== 'disconnected') this.emit('stats', this.stats);
  }

  /** The figures as of now (the periodic event and getStats() both come from here). */
  private measureStats(): StatsSnapshot {
    const r = this.rate.estimate(performance.now());
    const live = this.camera.connected;
    return {
      host: this.camera.hostStats ?? emptyHostStats(),
      frames: {
        received: this.drops.received,
        dropped: this.drops.dropped,
        // not connected: no frames are coming, whatever the window last saw
        fps: r.fps === null ? null : live ? Math.round(r.fps * 10) / 10 : 0,
        kbps: r.kbps === null ? null : live ? Math.round(r.kbps) : 0,
        clock: r.clock,
      },
    };
  }

  async getStats(): Promise<StatsSnapshot> {
    // measured now: the last periodic snapshot may predate a reconnect
    this.stats = this.measureStats();
    return this.stats;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    this.frames.stop();
    await this.session.disconnect('closing');
    this.sim?.close();
    this.listeners.clear();
    this.frameListeners.clear();
  }
}

export function createCamdeckService(opts: ServiceOptions): CamdeckService {
  return new Service(opts);
}
