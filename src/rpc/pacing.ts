// Paced frames for one page (`watch(ids, { paced: true })`): one frame of each camera in flight at a time; while
// it is out, the camera's newest frame waits here (newest wins) and goes when the page credits the last one. A
// page that draws 4 frames a second of a 30 fps camera is then sent about 4, not 30 it would throw away — its
// receive work, the socket and the server's sends follow what it shows. Unpaced, every frame goes at once.
// It is also the page's FrameDemand: a camera with a frame out and the next one waiting needs no more frames
// for this page, so the service need not read one (until the credit; the waiting frame goes then, and the read
// that refills the slot overlaps the page's decode).
import type { CameraId, FrameDemand, Unsubscribe } from '../shared/contract';
import type { FrameMessage } from './messages';

export class FramePacing implements FrameDemand {
  private paced = false;
  private watched: ReadonlySet<CameraId> = new Set();
  private readonly out = new Set<CameraId>();
  private readonly waiting = new Map<CameraId, FrameMessage>();
  private readonly changed = new Set<(camera: CameraId | null) => void>();

  constructor(private readonly send: (m: FrameMessage) => void) {}

  /** A new watch: pacing on or off; nothing is owed for the cameras watched now (each may send one at once). */
  reset(paced: boolean, watched: ReadonlySet<CameraId>): void {
    this.paced = paced;
    this.watched = watched;
    this.out.clear();
    for (const c of [...this.waiting.keys()]) if (!paced || !watched.has(c)) this.waiting.delete(c);
    this.tell(null);
  }

  watches(camera: CameraId): boolean {
    return this.watched.has(camera);
  }

  /** Room for a frame of `camera`: watched, and not already one out and one waiting. */
  wants(camera: CameraId): boolean {
    return this.watched.has(camera) && !(this.paced && this.waiting.has(camera));
  }

  onChange(listener: (camera: CameraId | null) => void): Unsubscribe {
    this.changed.add(listener);
    return () => this.changed.delete(listener);
  }

  /** A frame of a camera watched here (others are not this page's). */
  offer(m: FrameMessage): void {
    const camera = m.meta.camera;
    if (!this.watched.has(camera)) return;
    if (!this.paced) return this.send(m);
    if (this.out.has(camera)) {
      this.waiting.set(camera, m); // newest wins
      return;
    }
    this.out.add(camera);
    this.send(m);
  }

  /** The page took the camera's last frame: its newest waiting one goes now, or the next one that comes. */
  credit(camera: CameraId): void {
    const next = this.waiting.get(camera);
    if (!next) {
      this.out.delete(camera);
      return;
    }
    this.waiting.delete(camera);
    this.send(next);
    this.tell(camera); // the slot is free again: a frame may be read for it
  }

  /** Frames held back (for tests and limits: at most one per watched camera). */
  get held(): number {
    return this.waiting.size;
  }

  private tell(camera: CameraId | null): void {
    for (const l of [...this.changed]) l(camera);
  }
}
