// Where a camera is after a replug: USB may give it another path (/dev/ttyACM0 → /dev/ttyACM1). While its
// path is gone, each reconnect attempt looks for it again — a listed port with its USB serial number, else
// an extra port no other camera holds whose board answers with its uid (probed one at a time, briefly).
import { existsSync } from 'node:fs';
import { Camera } from '../host';
import type { Transport } from '../host';
import { cameraIdOf, type CameraId, type PortInfo } from '../model';
import { targetKind } from './targets';

/** How long one probe of an extra port may take (open, SYNC, SYS_INFO). */
export const PROBE_DEADLINE_MS = 2000;

export interface ReplugFinder {
  /** The serial ports listed now. */
  listSerial(): Promise<PortInfo[]>;
  /** The extra ports now (CAMDECK_EXTRA_PORTS, globs expanded). */
  extraPorts(): Promise<string[]>;
  /** Whether another camera of the service holds `target`. */
  heldByOther(target: string, id: CameraId): boolean;
  open(target: string): Promise<Transport>;
  probeDeadlineMs?: number;
}

/** What the resolver knows of a unit. */
export interface Replugged {
  readonly id: CameraId;
  readonly serial: string | undefined;
  readonly target: string;
}

export function replugResolver(finder: ReplugFinder): (unit: Replugged) => Promise<string> {
  /** Probes run one at a time, whichever camera asks: a port is never opened twice at once by them. */
  let probing: Promise<unknown> = Promise.resolve();
  return async (unit) => {
    const now = unit.target;
    if (targetKind(now) !== 'serial' || !unit.serial || existsSync(now)) return now;
    try {
      const serial = unit.serial.toLowerCase();
      const listed = (await finder.listSerial()).find(
        (p) => p.serialNumber?.toLowerCase() === serial && !finder.heldByOther(p.path, unit.id),
      );
      if (listed) return listed.path;
      for (const path of await finder.extraPorts()) {
        if (path === now || finder.heldByOther(path, unit.id) || !existsSync(path)) continue;
        const run = probing.then(() => probeUid(path, finder.open, finder.probeDeadlineMs));
        probing = run.catch(() => undefined);
        const uid = await run.catch(() => undefined);
        if (uid && cameraIdOf(uid, path) === unit.id) return path;
      }
    } catch {
      // the listing failed: try the old path (it fails, and the session backs off)
    }
    return now;
  };
}

/** Open `target`, read the board's uid (SYS_INFO), close; undefined when it has none. Bounded by a deadline. */
export async function probeUid(
  target: string,
  open: (target: string) => Promise<Transport>,
  deadlineMs = PROBE_DEADLINE_MS,
): Promise<string | undefined> {
  let camera: Camera | null = null;
  let late = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new Error(`no answer from ${target} within ${deadlineMs} ms`));
    }, deadlineMs);
  });
  const probe = async (): Promise<string | undefined> => {
    const transport = await open(target);
    if (late) {
      transport.link.close();
      return undefined;
    }
    camera = new Camera(undefined, { syncAttempts: 1 });
    await camera.connect(transport, target);
    return camera.deviceSummary().uid;
  };
  try {
    return await Promise.race([probe(), deadline]);
  } finally {
    clearTimeout(timer);
    (camera as Camera | null)?.disconnect('probed');
  }
}
