// The cameras a service holds: each has an id that names it in every request, event and frame. The id follows
// the camera, not the port: it comes from the camera's serial number (the USB serial the port list shows, else
// the board's unique id from SYS_INFO), so a replug that renames /dev/ttyACM0 to /dev/ttyACM1 is the same camera.
import type { ConnectionState } from './connection';
import type { DeviceSummary } from './device';

/** Short, URL-safe (`[a-z0-9-]`), stable across replugs and restarts. */
export type CameraId = string;

export const CAMERA_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface CameraInfo {
  id: CameraId;
  /** What the camera is reached by now (the serial path after a replug, `demo:2`, `camdeck://…`). */
  target: string;
  /** Board name, when known (from the port list or the camera itself). */
  board?: string;
  /** The serial number the id came from, when the camera has one. */
  serial?: string;
  /** What a tile calls it: board and the serial's last digits, e.g. "OpenMV Cam H7 Plus · 3f2a". */
  label: string;
  /** Where it lives when it is another camdeck's camera ("host:7410"), else absent. */
  remote?: string;
  state: ConnectionState;
  /** Set once connected (kept through reconnects). */
  device?: DeviceSummary;
}

/** Why a camera went away for every page that watched it (pushed as the `closed` event). */
export interface CameraClosed {
  /** A sentence: "closed by a browser page at 127.0.0.1", "the service is shutting down". */
  reason: string;
}

/** A camera id made from a serial number (and, when there is no serial, from the target). */
export function cameraIdOf(serial: string | undefined, target: string): CameraId {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const fromSerial = serial ? clean(serial) : '';
  if (fromSerial) return fromSerial.slice(-32).replace(/^-+/, '');
  // no serial: the target, hashed to keep it short and free of path characters
  let h = 0x811c9dc5;
  for (let i = 0; i < target.length; i++) h = Math.imul(h ^ target.charCodeAt(i), 0x01000193);
  return `t-${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** "OpenMV Cam H7 Plus · 3f2a" (or the target when nothing else is known). */
export function cameraLabel(board: string | undefined, serial: string | undefined, target: string): string {
  const tail = serial ? serial.slice(-4).toLowerCase() : '';
  if (board && tail) return `${board} · ${tail}`;
  return board ?? (tail ? `Camera ${tail}` : target);
}
