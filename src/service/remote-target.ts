// A `camdeck://host[:port]/<id>` target taken apart, and the id this camdeck gives that camera: pure functions
// on the target's text, kept apart from remote-camera.ts (the unit that reaches the camera, which re-exports
// them) so that the shape rules stand on their own; `camdeck serve` checks its targets with them too.
import { CAMERA_ID_PATTERN, cameraIdOf } from '../model';
import type { CameraId } from '../model';
import { ServiceError } from './errors';
import { hostPort } from './remote-port';

/** The port `camdeck serve` listens on unless told otherwise; a target may leave it out. */
export const DEFAULT_REMOTE_PORT = 7410;

export interface RemoteTarget {
  /** The target as given. */
  target: string;
  /** Lowercase; an IPv6 address without its brackets. */
  host: string;
  port: number;
  /** The camera's id on the other camdeck. */
  camera: CameraId;
  /** "host:port", what CameraInfo.remote and the messages say. */
  at: string;
}

const TARGET_SHAPE =
  /^camdeck:\/\/(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*)(?::(\d{1,5}))?\/([^/?#]*)\/?$/i;

function badTarget(target: string, why: string): ServiceError {
  const shown = target.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
  return new ServiceError(
    'bad-target',
    `${shown} is not another camdeck's camera: ${why}.`,
    'Write it as camdeck://HOST:PORT/CAMERA-ID (the port `camdeck serve` listens on, 7410 by default, and the id its camera list shows).',
  );
}

/**
 * `camdeck://host[:port]/<camera id>` → its parts, or a bad-target ServiceError saying what is wrong. Only the
 * shape is checked here; whether this camdeck may open network targets at all is the hub's vetTarget
 * (allowNetwork, like tcp:// and udp://).
 */
export function parseRemoteTarget(target: string): RemoteTarget {
  const m = TARGET_SHAPE.exec(target);
  if (!m) return failShape(target);
  const host = m[1]!.toLowerCase().replace(/^\[|\]$/g, '');
  const port = m[2] === undefined ? DEFAULT_REMOTE_PORT : Number(m[2]);
  if (port < 1 || port > 65535) throw badTarget(target, `port ${m[2]} is out of range (1 to 65535)`);
  const camera = m[3]!;
  if (!CAMERA_ID_PATTERN.test(camera))
    throw badTarget(
      target,
      camera ? `"${camera.slice(0, 64)}" is not a camera id (a-z, 0-9 and -)` : 'the camera id is missing',
    );
  return { target, host, port, camera, at: hostPort(host, port) };
}

function failShape(target: string): never {
  if (!/^camdeck:\/\//i.test(target)) throw badTarget(target, 'it does not start with camdeck://');
  if (/^camdeck:\/\/[^/]*@/i.test(target))
    throw badTarget(target, 'the token goes beside the target, not in it');
  if (/[?#]/.test(target)) throw badTarget(target, 'it carries a query or a fragment');
  throw badTarget(target, 'the host or the path is not HOST:PORT/CAMERA-ID');
}

/** This camdeck's id for a remote camera: host, port and the remote id, short and URL-safe. */
export function remoteCameraId(t: RemoteTarget): CameraId {
  const host = t.host.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const plain = `${host}-${t.port}-${t.camera}`;
  if (plain.length <= 64 && CAMERA_ID_PATTERN.test(plain)) return plain;
  // a long host name: hashed, so two hosts that share a long tail stay two cameras
  return `${cameraIdOf(undefined, t.at)}-${t.camera}`.slice(0, 64).replace(/-+$/, '');
}
