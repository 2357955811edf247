// Another camdeck's camera as a unit of this one's hub: `camdeck://host:port/<id>` is camera <id> of the
// `camdeck serve` at host:port. It is reached like a page reaches its server — the RPC core's contractClient
// over that server's WebSocket (remote-port.ts), `watch([id])` for its frames — and re-emits that camera's
// events and frames under its own id. It reconnects with capped backoff while the other camdeck is away, and
// closing it here closes only the socket: the camera stays open over there for whoever else watches it.
import { ApiError, contractClient } from '../rpc';
import type { ContractClient } from '../rpc';
import { isErrorCode } from '../model';
import type { CameraId, CameraInfo, ConfigSnapshot, ConfigValues, ConnectionState } from '../model';
import type { SnapshotResult, StatsSnapshot } from '../model';
import type { FrameListener, Unsubscribe } from '../shared/contract';
import type { CameraEventListener, CameraEventName, CameraUnit, OpenRemote } from './camera-unit-api';
import { ServiceError } from './errors';
import { Listeners } from './listeners';
import { RecentFrames } from './recent-frames';
import type { HeldFrame } from './recent-frames';
import { remotePort, unreachable } from './remote-port';
import type { RemotePort } from './remote-port';
import { parseRemoteTarget, remoteCameraId } from './remote-target';
import type { RemoteTarget } from './remote-target';
import { SnapshotFolder } from './snapshot';
import type { SnapshotLimits } from './snapshot';

export { DEFAULT_REMOTE_PORT, parseRemoteTarget, remoteCameraId } from './remote-target';
export type { RemoteTarget } from './remote-target';

export interface SnapshotSink {
  save(frame: HeldFrame, format: 'jpeg' | 'png'): Promise<SnapshotResult>;
}

export interface RemoteCameraDeps {
  /** Where saveSnapshot writes: a remote camera's snapshot is saved on this machine, not on the other one. */
  snapshots?: SnapshotSink;
  /** Waits between reconnect attempts; the last one repeats. */
  backoffMs?: readonly number[];
  /** Per attempt: the WebSocket upgrade must finish within this. */
  handshakeTimeoutMs?: number;
  /** How often the socket is pinged; one unanswered ping drops it. */
  keepaliveMs?: number;
  /** Backstop per forwarded request (the other camdeck has its own, shorter ones). */
  requestTimeoutMs?: number;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];

/** The camera events the other camdeck pushes that are passed on as they are. */
const PASSED = ['config', 'channels', 'stdout', 'stats', 'error'] as const;

/** A failure of the other camdeck (an ApiError off the wire) as this camdeck's own. */
function fromRemote(err: unknown, at: string): ServiceError {
  if (err instanceof ServiceError) return err;
  if (err instanceof ApiError) {
    if (err.code === 'server-lost' || err.code === 'timeout')
      return unreachable(at, err.code === 'timeout' ? 'no answer in time' : 'the connection was lost');
    return new ServiceError(isErrorCode(err.code) ? err.code : 'request-failed', err.message, err.hint);
  }
  return new ServiceError('internal', err instanceof Error ? err.message : String(err));
}

/** A reconnecting state's reason: the failure and what to do, as one text. */
function reasonOf(err: ServiceError): string {
  return err.hint ? `${err.message} ${err.hint}` : err.message;
}

class RemoteCamera implements CameraUnit {
  readonly id: CameraId;
  private readonly port: RemotePort;
  private readonly client: ContractClient;
  private readonly events = new Listeners<CameraEventName>();
  private readonly frames = new Set<FrameListener>();
  private readonly recent = new RecentFrames();
  private readonly backoffMs: readonly number[];
  /** The camera as the other camdeck last described it. */
  private remote: CameraInfo | null = null;
  private state: ConnectionState;
  /** Watching the remote camera now: its events and frames are ours. */
  private attached = false;
  private streaming = true;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly t: RemoteTarget,
    token: string | undefined,
    private readonly deps: RemoteCameraDeps,
  ) {
    this.id = remoteCameraId(t);
    this.backoffMs = deps.backoffMs?.length ? deps.backoffMs : BACKOFF_MS;
    this.state = {
      kind: 'connecting',
      target: t.target,
      step: `reaching the camdeck at ${t.at}`,
      progress: 0,
    };
    this.port = remotePort({
      host: t.host,
      port: t.port,
      token,
      ...(deps.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: deps.handshakeTimeoutMs } : {}),
      ...(deps.keepaliveMs !== undefined ? { keepaliveMs: deps.keepaliveMs } : {}),
    });
    this.client = contractClient(this.port, {
      carrier: 'browser',
      peer: `the camdeck at ${t.at}`,
      ...(deps.requestTimeoutMs !== undefined ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
    });
    this.wire();
  }

  /** The other camdeck's pushes about our camera become ours; the rest is another camera's business. */
  private wire(): void {
    const mine = (camera: CameraId | null) => camera === this.t.camera && !this.closed;
    for (const name of PASSED)
      this.client.on(name, (payload, camera) => {
        if (mine(camera) && this.attached) this.events.emit(name, payload);
      });
    this.client.on('state', (s, camera) => {
      if (!mine(camera)) return;
      if (this.remote) this.remote = { ...this.remote, state: s };
      if (this.attached) this.setState(this.local(s));
    });
    this.client.on('cameras', (list) => {
      const info = list.find((c) => c.id === this.t.camera);
      if (info && !this.closed) this.remote = info;
    });
    this.client.on('closed', (c, camera) => {
      if (!mine(camera)) return;
      // closed over there for every page: gone here too (the hub drops the unit and tells its pages)
      this.events.emit('closed', { reason: `The camdeck at ${this.t.at} closed it (${c.reason}).` });
      void this.close(`closed on ${this.t.at}`);
    });
    this.client.onFrame((meta, image) => {
      if (!this.attached || !this.streaming || meta.camera !== this.t.camera || this.closed) return;
      // delivered as it arrives: each page's sender keeps only the newest, nothing queues here
      const f = { meta: { ...meta, camera: this.id }, image };
      this.recent.push(f);
      for (const l of this.frames) l(f.meta, f.image);
    });
    this.port.onClose(() => {
      if (this.closed || !this.attached) return; // an attempt under way fails and schedules the next
      this.attached = false;
      this.scheduleRetry(unreachable(this.t.at, 'the connection was lost'));
    });
  }

  /** A state of the remote camera, said with this camdeck's target for it. */
  private local(s: ConnectionState): ConnectionState {
    return s.kind === 'disconnected' ? s : { ...s, target: this.t.target };
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    this.events.emit('state', s);
  }

  private noCamera(list: CameraInfo[]): ServiceError {
    const there = list
      .map((c) => c.id)
      .join(', ')
      .slice(0, 200);
    return new ServiceError(
      'no-camera',
      `The camdeck at ${this.t.at} has no camera "${this.t.camera}" open${there ? ` (it has ${there})` : ''}.`,
      'Open the camera on that camdeck first, then add it here by the id its camera list shows.',
    );
  }

  /** One attempt: the socket, the camera in the other camdeck's list, its frames watched. */
  async attach(): Promise<void> {
    try {
      await this.port.open();
      const list = await this.client.request('listCameras');
      const info = list.find((c) => c.id === this.t.camera);
      if (!info) throw this.noCamera(list);
      await this.client.request('watch', this.streaming ? [this.t.camera] : []);
      if (this.closed) return;
      this.remote = info;
      this.attached = true;
      this.failures = 0;
      this.recent.clear();
      this.setState(this.local(info.state));
      this.refresh(info);
    } catch (err) {
      throw fromRemote(err, this.t.at);
    }
  }

  /**
   * (Re)attached: what the camera has now, as a local camera pushes it on connect — its channels, and its config
   * (read once; a camera without a config channel has none to push).
   */
  private refresh(info: CameraInfo): void {
    if (info.device) this.events.emit('channels', info.device.channels);
    if (info.state.kind !== 'connected') return;
    this.client.request('readConfig', this.t.camera).then(
      (snap) => {
        if (this.attached) this.events.emit('config', snap);
      },
      () => undefined,
    );
  }

  private scheduleRetry(err: ServiceError): void {
    if (this.closed) return;
    if (this.retry) clearTimeout(this.retry);
    const nextInMs = this.backoffMs[Math.min(this.failures, this.backoffMs.length - 1)]!;
    this.failures++;
    this.setState({
      kind: 'reconnecting',
      target: this.t.target,
      reason: reasonOf(err),
      attempt: this.failures,
      nextInMs,
    });
    this.retry = setTimeout(() => {
      this.retry = null;
      this.attach().catch((e: unknown) => this.scheduleRetry(fromRemote(e, this.t.at)));
    }, nextInMs);
  }

  // ---- CameraUnit ----------------------------------------------------------------------------------

  /**
   * No `serial`: the id does not come from it here, and the hub takes one serial for one camera — a demo camera
   * here and one over there may share theirs. The label still shows its last digits.
   */
  info(): CameraInfo {
    const r = this.remote;
    return {
      id: this.id,
      target: this.t.target,
      ...(r?.board !== undefined ? { board: r.board } : {}),
      label: r?.label ?? `${this.t.camera} on ${this.t.at}`,
      remote: this.t.at,
      state: this.state,
      ...(r?.device ? { device: r.device } : {}),
    };
  }

  on<K extends CameraEventName>(name: K, listener: CameraEventListener<K>): Unsubscribe {
    return this.events.on(name, listener);
  }

  onFrame(listener: FrameListener): Unsubscribe {
    this.frames.add(listener);
    return () => void this.frames.delete(listener);
  }

  // The remote camdeck reads its camera for its own pages; this unit's watch there is one of them, unpaced.
  paceFrames(): void {}

  wakeFrames(): void {}

  async getState(): Promise<ConnectionState> {
    return this.state;
  }

  /** A request for the remote camera, named by its id over there; refused at once while it is away. */
  private async forward<T>(call: (camera: CameraId) => Promise<T>): Promise<T> {
    if (this.closed) throw new ServiceError('closed', 'This remote camera was closed.', 'Add it again.');
    if (!this.attached)
      throw new ServiceError(
        'reconnecting',
        this.state.kind === 'reconnecting'
          ? this.state.reason
          : `The camdeck at ${this.t.at} is not connected.`,
        'camdeck reconnects by itself when the other camdeck is back; try again then.',
      );
    try {
      return await call(this.t.camera);
    } catch (err) {
      throw fromRemote(err, this.t.at);
    }
  }

  readConfig(): Promise<ConfigSnapshot> {
    return this.forward((c) => this.client.request('readConfig', c));
  }

  writeConfig(patch: ConfigValues): Promise<ConfigSnapshot> {
    return this.forward((c) => this.client.request('writeConfig', c, patch));
  }

  readChannel(name: string): Promise<Uint8Array> {
    return this.forward((c) => this.client.request('readChannel', c, name));
  }

  writeChannel(name: string, data: Uint8Array): Promise<void> {
    return this.forward((c) => this.client.request('writeChannel', c, name, data));
  }

  /** Frames off here are frames not watched over there: the camera keeps streaming for its other watchers. */
  async setStreaming(enable: boolean): Promise<void> {
    this.streaming = enable;
    if (this.attached) await this.forward((c) => this.client.request('watch', enable ? [c] : []));
  }

  async saveSnapshot(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult> {
    const f = this.recent.pick(seq);
    if (!f)
      throw new ServiceError(
        'no-frame',
        'There is no frame of this camera to save yet.',
        'Wait for the first frame from the other camdeck.',
      );
    if (!this.deps.snapshots)
      throw new ServiceError(
        'snapshot-failed',
        'This camdeck has no snapshots folder for cameras of other camdecks.',
        'Save the snapshot on the camdeck the camera is attached to.',
      );
    return this.deps.snapshots.save(f, format);
  }

  getStats(): Promise<StatsSnapshot> {
    return this.forward((c) => this.client.request('getStats', c));
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.attached = false;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.state = { kind: 'disconnected', reason };
    this.client.dispose(reason);
    this.port.close();
    this.recent.clear();
    this.events.clear();
    this.frames.clear();
  }
}

/**
 * Open camera <id> of the camdeck at host:port: resolves with a unit that watches it (connected and streaming
 * when the camera is, over there), or rejects with a ServiceError — bad-target (the target's shape),
 * remote-refused (the token), remote-unreachable (nobody answers), no-camera (no such camera open there).
 */
export async function openRemoteCamera(
  target: string,
  token: string | undefined,
  deps: RemoteCameraDeps = {},
): Promise<CameraUnit> {
  const unit = new RemoteCamera(parseRemoteTarget(target), token, deps);
  try {
    await unit.attach();
  } catch (err) {
    await unit.close('open failed');
    throw err;
  }
  return unit;
}

export interface RemoteOpenerOptions extends Omit<RemoteCameraDeps, 'snapshots'> {
  /** This machine's snapshots folder (the one the service saves its own cameras' snapshots in). */
  snapshotsDir: string;
  snapshotLimits?: Partial<SnapshotLimits>;
}

/** ServiceOptions.openRemote for a carrier: every remote camera it opens saves into one bounded folder. */
export function remoteCameraOpener(opts: RemoteOpenerOptions): OpenRemote {
  const { snapshotsDir, snapshotLimits, ...deps } = opts;
  const snapshots = new SnapshotFolder(snapshotsDir, snapshotLimits);
  return (target, token) => openRemoteCamera(target, token, { ...deps, snapshots });
}
