// The one name of a snapshot file: the service's copy and the browser's download of the same frame share it.
import type { FrameMeta } from './frames';

/** A frame saved by the service. */
export interface SnapshotResult {
  path: string;
  /** The file's name (what a browser download of the same frame is called too). */
  name: string;
  /** FrameMeta.seq of the frame saved. */
  seq: number;
  bytes: number;
  format: 'jpeg' | 'png';
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

/** `camdeck-20261201-203015-042-1234.jpg`: local time of the save, then the frame's host sequence number. */
export function snapshotFileName(meta: Pick<FrameMeta, 'seq'>, format: 'jpeg' | 'png', now: Date): string {
  return `camdeck-${stamp(now)}-${meta.seq}.${format === 'jpeg' ? 'jpg' : 'png'}`;
}
