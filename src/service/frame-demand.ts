// Which cameras' frames the hub's listeners want now, joined over all of them (every page port, each with its
// paced watch as its FrameDemand). A camera is read while any listener has room for its frame, or while no
// listener with a demand watches it (nobody said: a snapshot, the stats and a listener without a demand still
// get every frame). When a demand rises the camera is woken and reads the newest frame at once.
import type { CameraId } from '../model';
import type { FrameDemand, Unsubscribe } from '../shared/contract';

export class FrameDemands {
  /** Listeners that gave no demand: they want every frame. */
  private plain = 0;
  private readonly demands = new Set<FrameDemand>();

  /** `rose(camera)`: the demand for that camera (null: any) may have risen. */
  constructor(private readonly rose: (camera: CameraId | null) => void) {}

  add(demand: FrameDemand | undefined): Unsubscribe {
    let on = true;
    if (!demand) {
      this.plain++;
      return () => {
        if (on) this.plain--;
        on = false;
      };
    }
    this.demands.add(demand);
    const off = demand.onChange((camera) => this.rose(camera));
    return () => {
      if (!on) return;
      on = false;
      off();
      this.demands.delete(demand);
      this.rose(null); // a camera it alone watched (and had no room for) is read again
    };
  }

  wanted(camera: CameraId): boolean {
    if (this.plain > 0) return true;
    let watched = false;
    for (const d of this.demands) {
      if (d.wants(camera)) return true;
      watched ||= d.watches(camera);
    }
    return !watched;
  }
}
