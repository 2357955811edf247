// Paced frames for one page (`watch(ids, { paced: true })`): one frame of each camera in flight at a time; while
// it is out, the camera's newest frame waits here (newest wins) and goes when the page credits the last one. A
// page that draws 4 frames a second of a 30 fps camera is then sent about 4, not 30 it would throw away — its
// receive work, the socket and the server's sends follow what it shows. Unpaced, every frame goes at once.
import type { CameraId } from '../shared/contract';
import type { FrameMessage } from './messages';

export class FramePacing {
  private paced = false;
  private readonly out = new Set<CameraId>();
  private readonly waiting = new Map<CameraId, FrameMessage>();

  constructor(private readonly send: (m: FrameMessage) => void) {}

  /** A new watch: pacing on or off; nothing is owed for the cameras watched now (each may send one at once). */
  reset(paced: boolean, watched: ReadonlySet<CameraId>): void {
    this.paced = paced;
    this.out.clear();
    for (const c of [...this.waiting.keys()]) if (!paced || !watched.has(c)) this.waiting.delete(c);
  }

  offer(m: FrameMessage): void {
    if (!this.paced) return this.send(m);
    const camera = m.meta.camera;
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
  }

  /** Frames held back (for tests and limits: at most one per watched camera). */
  get held(): number {
    return this.waiting.size;
  }
}
