// The hub's cameras as it holds them, split from service.ts (which opens, closes and routes requests to them):
// each unit's events wait until it is registered (its first connect's progress is openCamera's own) and are
// forwarded with its id from then on, a change of what it is (target, board, serial, label) is pushed as a new
// `cameras` list, and a unit that closes by itself is dropped. Units still connecting hold their targets too.
import type { CameraId, CameraInfo } from '../model';
import type { CamdeckEvents, EventListener, EventName, FrameListener, Unsubscribe } from '../shared/contract';
import { CAMERA_EVENT_NAMES } from './camera-unit-api';
import type { CameraEventName, CameraUnit } from './camera-unit-api';
import type { LocalCamera } from './camera-unit';

/** A unit the hub forwards events of; until it is registered, its events wait (and its frames are dropped). */
export interface Held {
  unit: CameraUnit;
  live: boolean;
  queue: Array<() => void>;
  offs: Unsubscribe[];
  /** What `cameras` last said of it (target, board, serial, label): a change is pushed. */
  identity: string;
}

/** The hub's own emit: an event and the camera it is about (null: the service's). */
export type HubEmit = <K extends EventName>(
  name: K,
  payload: Parameters<EventListener<K>>[0],
  camera: CameraId | null,
) => void;

/** Events a unit sends before it is registered, at most (its first config, channels, stdout). */
const HELD_EVENTS = 64;

const identityOf = (i: CameraInfo): string =>
  JSON.stringify([i.target, i.board, i.serial, i.label, i.remote, i.device?.uid]);

export class HeldUnits {
  private readonly units = new Map<CameraId, Held>();
  /** Units connecting (not yet registered): their targets are held too. */
  readonly connecting = new Set<LocalCamera>();

  constructor(
    private readonly emit: HubEmit,
    private readonly frame: FrameListener,
    /** Whether someone wants a frame of the camera now (frame-demand.ts). */
    private readonly wanted: (camera: CameraId) => boolean,
  ) {}

  get(camera: CameraId): Held | undefined {
    return this.units.get(camera);
  }

  has(camera: CameraId): boolean {
    return this.units.has(camera);
  }

  values(): IterableIterator<Held> {
    return this.units.values();
  }

  clear(): void {
    this.units.clear();
  }

  list(): CameraInfo[] {
    return [...this.units.values()].map((h) => h.unit.info());
  }

  emitCameras(): void {
    this.emit('cameras', this.list(), null);
  }

  /** The registered unit at `target` now, if any. */
  byTarget(target: string): Held | undefined {
    for (const h of this.units.values()) if (h.unit.info().target === target) return h;
    return undefined;
  }

  bySerial(serial: string): Held | undefined {
    const s = serial.toLowerCase();
    for (const h of this.units.values()) if (h.unit.info().serial?.toLowerCase() === s) return h;
    return undefined;
  }

  /** Which camera holds `target` now (registered, or connecting: null id ''), or null. */
  heldBy(target: string): CameraId | null {
    const h = this.byTarget(target);
    if (h) return h.unit.id;
    for (const u of this.connecting) if (u.target === target) return '';
    return null;
  }

  /** The demand for `camera`'s frames (null: any camera's) may have risen. */
  wake(camera: CameraId | null): void {
    if (camera === null) for (const h of this.units.values()) h.unit.wakeFrames();
    else this.units.get(camera)?.unit.wakeFrames();
  }

  /** Subscribe to a unit; its events are held until `register` and forwarded with its id from then on. */
  hold(unit: CameraUnit): Held {
    const h: Held = { unit, live: false, queue: [], offs: [], identity: '' };
    unit.paceFrames(() => this.wanted(unit.id)); // (read at each call: the id is fixed once registered)
    const forward = <K extends CameraEventName>(name: K): Unsubscribe =>
      unit.on(name, (payload: CamdeckEvents[K]) => {
        if (name === 'closed') return void this.gone(h, payload as CamdeckEvents['closed']);
        const send = (): void => {
          this.emit(name, payload, unit.id);
          if (name === 'state') this.identityChanged(h);
        };
        // before registration a state is the first connect's own progress: the page sees it as openCamera's
        if (h.live) send();
        else if (name !== 'state' && name !== 'stats' && h.queue.length < HELD_EVENTS) h.queue.push(send);
      });
    for (const name of CAMERA_EVENT_NAMES) h.offs.push(forward(name));
    h.offs.push(
      unit.onFrame((meta, image) => {
        if (h.live) this.frame(meta, image);
      }),
    );
    return h;
  }

  register(h: Held): CameraInfo {
    this.units.set(h.unit.id, h);
    const info = h.unit.info();
    h.identity = identityOf(info);
    this.emitCameras();
    h.live = true;
    for (const send of h.queue.splice(0)) send();
    return info;
  }

  release(h: Held): void {
    for (const off of h.offs.splice(0)) off();
    h.live = false;
  }

  /** A registered unit leaves the hub: its events stop, every page gets `closed` and the new camera list. */
  drop(h: Held, closed: CamdeckEvents['closed']): void {
    this.units.delete(h.unit.id);
    this.release(h);
    this.emit('closed', closed, h.unit.id);
    this.emitCameras();
  }

  private identityChanged(h: Held): void {
    const now = identityOf(h.unit.info());
    if (now === h.identity) return;
    h.identity = now;
    this.emitCameras();
  }

  /** A unit closed by itself (a remote camdeck closed the camera): gone for every page. */
  private gone(h: Held, closed: CamdeckEvents['closed']): void {
    if (this.units.get(h.unit.id) !== h) return;
    this.drop(h, closed);
    void h.unit.close(closed.reason);
  }
}
