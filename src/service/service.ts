// The camera service both carriers drive: a hub holding any number of cameras, each a CameraUnit (a
// LocalCamera on this machine — camera-unit.ts — or another camdeck's camera through openRemote). It opens
// and closes them, routes every camera request by id, re-emits their events with the id beside the payload
// and their frames (meta.camera; held-units.ts), and watches the port list for hot-plug. Targets (auto, the
// demo cameras, the port list) come from targets.ts, shared with the CLI.
import type { Transport } from '../host';
import {
  DEMO_TARGET,
  cameraIdOf,
  demoIndex,
  demoTarget,
  type CameraId,
  type CameraInfo,
  type PortInfo,
} from '../model';
import { createSimCam, embeddedDemoOptions } from '../simcam';
import type { SimCamOptions } from '../simcam';
import type {
  EventListener,
  EventName,
  FrameDemand,
  FrameListener,
  OpenOptions,
  RequestContext,
  Unsubscribe,
} from '../shared/contract';
import type { CamdeckService } from './api';
import type { CameraUnit, OpenRemote } from './camera-unit-api';
import { LocalCamera } from './camera-unit';
import { ServiceError, toAppError } from './errors';
import { FrameDemands } from './frame-demand';
import { HeldUnits } from './held-units';
import type { Held } from './held-units';
import { Listeners } from './listeners';
import { PortWatch } from './port-watch';
import { SerialList } from './serial-list';
import { replugResolver } from './resolve';
import { SnapshotFolder } from './snapshot';
import type { SnapshotLimits } from './snapshot';
import {
  attachedCamera,
  expandExtraPorts,
  inProcessCamera,
  portList,
  serialPorts,
  shownTarget,
  targetKind,
  targetOpener,
  vetTarget,
} from './targets';
import type { TargetOpener, TargetRules } from './targets';

export type { SimCamOptions } from '../simcam';

export interface ServiceOptions {
  /** Where saveSnapshot writes files. */
  snapshotsDir: string;
  /**
   * Opened at start, each like openCamera (failures are `error` events with camera null): targets, `demo`,
   * `demo:2`…, or `auto` (the one attached camera, else the demo camera). Serial paths named here are opened
   * like extra ports.
   */
  open?: string[];
  /** The former single start target: one entry of `open` (kept for callers not migrated yet). */
  defaultTarget?: string;
  /** Extra ports listed by listPorts() (e.g. a socat pty), from CAMDECK_EXTRA_PORTS; a trailing `*` globs. */
  extraPorts?: string[];
  /**
   * openCamera() of tcp://, udp:// and camdeck:// targets (`camdeck serve --allow-network`; the desktop app sets
   * it). Serial paths are always limited to the listed ports, the extra ports and those named in `open`.
   */
  allowNetwork?: boolean;
  /** Rate and folder budget of saveSnapshot, for all cameras together (defaults: SNAPSHOT_LIMITS). */
  snapshotLimits?: Partial<SnapshotLimits>;
  /** How many demo cameras are listed (`demo`, `demo:2`, …); default 1. Each is simulated in this process. */
  demoCameras?: number;
  /** Options of the first demo camera (default embeddedDemoOptions(1)). */
  demo?: SimCamOptions;
  /** Opens `camdeck://host:port/<id>` targets (src/service/remote-camera.ts); without it they are refused. */
  openRemote?: OpenRemote;
  /** Seams for tests: the demo cameras' links, other targets' transports, the serial port list. */
  openDemo?: (n: number) => Transport;
  openTransport?: (target: string) => Promise<Transport>;
  listSerial?: () => Promise<PortInfo[]>;
  backoffMs?: number[];
  statsIntervalMs?: number;
  /** The hot-plug poll (port-watch.ts): interval and how long a vanished port is kept. */
  portWatch?: { intervalMs?: number; settleMs?: number };
}

class Service implements CamdeckService {
  private readonly listeners = new Listeners<EventName | 'frame'>();
  private readonly demands = new FrameDemands((camera) => this.units.wake(camera));
  private readonly units: HeldUnits = new HeldUnits(
    (name, payload, camera) => this.emit(name, payload, camera),
    (meta, image) => this.listeners.emit('frame', meta, image),
    (camera) => this.demands.wanted(camera),
  );
  /** openCamera calls under way, by target: a second call for the same target waits for the first. */
  private readonly opening = new Map<string, Promise<CameraInfo>>();
  private readonly targets: TargetOpener;
  private readonly rules: TargetRules;
  private readonly snapshots: SnapshotFolder;
  private readonly demoCameras: number;
  private readonly watch: PortWatch;
  private readonly serial: SerialList;
  private readonly resolve: (unit: LocalCamera) => Promise<string>;
  private closed = false;

  constructor(private readonly opts: ServiceOptions) {
    this.demoCameras = Math.max(1, Math.floor(opts.demoCameras ?? 1));
    const openDemo = opts.openDemo;
    this.targets = targetOpener(
      (n) =>
        openDemo
          ? { open: () => openDemo(n), close: () => undefined }
          : inProcessCamera(
              createSimCam(n === 1 && opts.demo ? opts.demo : embeddedDemoOptions(n)),
              `demo camera ${n}`,
            ),
      opts.openTransport,
    );
    const starting = opts.open ?? (opts.defaultTarget ? [opts.defaultTarget] : []);
    const named = [...(opts.extraPorts ?? []), ...starting.filter((t) => t !== 'auto')];
    this.rules = { named, allowNetwork: opts.allowNetwork ?? false, listSerial: opts.listSerial };
    this.snapshots = new SnapshotFolder(opts.snapshotsDir, opts.snapshotLimits);
    // (a test's own listing is read afresh every time: nothing to watch)
    this.serial = new SerialList({
      list: () => serialPorts(opts.listSerial),
      ...(opts.listSerial ? { devDir: null } : {}),
    });
    this.resolve = replugResolver({
      listSerial: () => this.serial.watched(),
      extraPorts: () => this.extraPorts(),
      heldByOther: (target, id) => this.units.heldBy(target) !== null && this.units.heldBy(target) !== id,
      open: (t) => this.targets.open(t),
    });
    this.watch = new PortWatch({
      list: async () => portList(await this.serial.watched(), await this.extraPorts(), this.demoCameras),
      changed: (ports) => this.emit('ports', ports, null),
      ...opts.portWatch,
    });
    for (const t of starting) void this.openAtStart(t);
  }

  // ---- events ------------------------------------------------------------------------------------

  on<K extends EventName>(name: K, listener: EventListener<K>): Unsubscribe {
    const off = this.listeners.on(name, listener);
    // The port list is polled while someone listens for its changes (every page does).
    if (name === 'ports' && !this.closed) this.watch.start();
    return () => {
      off();
      if (name === 'ports' && this.listeners.count('ports') === 0) this.watch.stop();
    };
  }

  onFrame(listener: FrameListener, demand?: FrameDemand): Unsubscribe {
    const offs = [this.listeners.on('frame', listener), this.demands.add(demand)];
    return () => {
      for (const off of offs) off();
    };
  }

  private emit<K extends EventName>(
    name: K,
    payload: Parameters<EventListener<K>>[0],
    camera: CameraId | null,
  ): void {
    this.listeners.emit(name, payload, camera);
  }

  // ---- ports -------------------------------------------------------------------------------------

  async listPorts(): Promise<PortInfo[]> {
    return portList(await this.serialPorts(), await this.extraPorts(), this.demoCameras);
  }

  private serialPorts(): Promise<PortInfo[]> {
    return this.serial.fresh();
  }

  private extraPorts(): Promise<string[]> {
    return expandExtraPorts(this.opts.extraPorts ?? []);
  }

  // ---- cameras -----------------------------------------------------------------------------------

  async listCameras(): Promise<CameraInfo[]> {
    return this.units.list();
  }

  private async openAtStart(target: string): Promise<void> {
    try {
      // auto: the one attached camera, else (none, or several to choose from) the demo camera
      const t = target === 'auto' ? (attachedCamera(await this.serialPorts()).target ?? DEMO_TARGET) : target;
      await this.openCamera(t);
    } catch (err) {
      // nobody awaits this open: report its failure as the service's error event
      if (!this.closed) this.emit('error', toAppError(err), null);
    }
  }

  openCamera(target: string, options?: OpenOptions, _context?: RequestContext): Promise<CameraInfo> {
    if (this.closed) return Promise.reject(new ServiceError('closed', 'the service is shutting down'));
    const already = this.opening.get(target);
    if (already) return already;
    const run = this.open(target, options).finally(() => this.opening.delete(target));
    this.opening.set(target, run);
    return run;
  }

  private async open(target: string, options: OpenOptions | undefined): Promise<CameraInfo> {
    const held = this.units.byTarget(target);
    if (held) return held.unit.info();
    const kind = targetKind(target);
    if (kind === 'remote') return this.openRemote(target, options?.token);
    const n = demoIndex(target);
    if (n !== null && n > this.demoCameras)
      throw new ServiceError(
        'port-not-found',
        `There is no demo camera ${shownTarget(target)} here.`,
        this.demoCameras === 1
          ? 'This camdeck has one demo camera: demo.'
          : `This camdeck has ${this.demoCameras} demo cameras: demo to ${demoTarget(this.demoCameras)}.`,
      );
    // the same camera on another path (a by-id link): its USB serial says so before anything is opened
    const ports = kind === 'serial' ? await this.serialPorts() : [];
    const port = ports.find((p) => p.path === target || p.target === target);
    const same = port?.serialNumber && this.units.bySerial(port.serialNumber);
    if (same) return same.unit.info();

    const unit = new LocalCamera(target, {
      targets: this.targets,
      rules: this.rules,
      snapshots: this.snapshots,
      resolve: (u) => this.resolve(u),
      ...(this.opts.backoffMs ? { backoffMs: this.opts.backoffMs } : {}),
      ...(this.opts.statsIntervalMs ? { statsIntervalMs: this.opts.statsIntervalMs } : {}),
    });
    const h = this.units.hold(unit);
    this.units.connecting.add(unit);
    try {
      const device = await unit.connect();
      if (this.closed) throw new ServiceError('closed', 'the service is shutting down');
      // the id comes from the serial: the port list's USB serial for this path, else the board's uid
      const serial = port?.serialNumber ?? device.uid;
      const id = cameraIdOf(serial, target);
      const dup = this.units.get(id) ?? (serial ? this.units.bySerial(serial) : undefined);
      if (dup) {
        this.units.release(h);
        await unit.close('the camera is open already');
        return dup.unit.info();
      }
      unit.bind(id, serial, port?.board);
      return this.units.register(h);
    } catch (err) {
      this.units.release(h);
      await unit.close('connect failed');
      if (n !== null) this.targets.close(target);
      throw err;
    } finally {
      this.units.connecting.delete(unit);
    }
  }

  private async openRemote(target: string, token: string | undefined): Promise<CameraInfo> {
    await vetTarget(target, this.rules);
    if (!this.opts.openRemote)
      throw new ServiceError(
        'bad-target',
        `This camdeck cannot open another camdeck's camera (${shownTarget(target)}) yet.`,
        'Open the camera on the camdeck it is attached to, or use a serial port or the demo camera here.',
      );
    const unit = await this.opts.openRemote(target, token);
    const h = this.units.hold(unit);
    if (this.closed || this.units.has(unit.id)) {
      this.units.release(h);
      await unit.close(this.closed ? 'the service is shutting down' : 'the camera is open already');
      if (this.closed) throw new ServiceError('closed', 'the service is shutting down');
      return this.units.get(unit.id)!.unit.info();
    }
    return this.units.register(h);
  }

  async closeCamera(camera: CameraId, context?: RequestContext): Promise<void> {
    const h = this.unit(camera);
    this.units.drop(h, { reason: `closed by ${context?.peer ?? 'camdeck'}` });
    await h.unit.close('closed');
    if (h.unit instanceof LocalCamera && demoIndex(h.unit.opened) !== null) this.targets.close(h.unit.opened);
  }

  private unit(camera: CameraId): Held {
    const h = this.units.get(camera);
    if (h) return h;
    throw new ServiceError(
      'no-camera',
      `No camera "${shownTarget(String(camera))}" is open in this camdeck.`,
      'It was closed or unplugged for good; pick it again from the port list.',
    );
  }

  // ---- camera requests, routed by id ---------------------------------------------------------------

  async getState(camera: CameraId) {
    return this.unit(camera).unit.getState();
  }

  async readConfig(camera: CameraId) {
    return this.unit(camera).unit.readConfig();
  }

  async writeConfig(camera: CameraId, patch: Parameters<CameraUnit['writeConfig']>[0]) {
    return this.unit(camera).unit.writeConfig(patch);
  }

  async readChannel(camera: CameraId, name: string) {
    return this.unit(camera).unit.readChannel(name);
  }

  async writeChannel(camera: CameraId, name: string, data: Uint8Array) {
    return this.unit(camera).unit.writeChannel(name, data);
  }

  async setStreaming(camera: CameraId, enable: boolean) {
    return this.unit(camera).unit.setStreaming(enable);
  }

  async saveSnapshot(camera: CameraId, format: 'jpeg' | 'png', seq?: number) {
    return this.unit(camera).unit.saveSnapshot(format, seq);
  }

  async getStats(camera: CameraId) {
    return this.unit(camera).unit.getStats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch.stop();
    this.serial.close();
    const all = [...this.units.values()];
    this.units.clear();
    for (const h of all) {
      this.units.release(h);
      this.emit('closed', { reason: 'the service is shutting down' }, h.unit.id);
    }
    await Promise.all([
      ...all.map((h) => h.unit.close('closing')),
      ...[...this.units.connecting].map((u) => u.close('closing')),
    ]);
    this.targets.close();
    this.listeners.clear();
  }
}

export function createCamdeckService(opts: ServiceOptions): CamdeckService {
  return new Service(opts);
}
