// Camera targets, for the service and the CLI alike: what a target names (a serial path, udp://, tcp://,
// `demo`, or nothing: the one attached camera), opening a transport for it (the demo camera is simulated in
// this process, over an in-memory link), and the port list with the demo camera and CAMDECK_EXTRA_PORTS.
// How a failure is said (a toast, a CLI sentence and exit code) is left to the caller.
import { listPorts, memoryTransport, openTransport, parseTarget, pickCamera } from '../host';
import type { Transport } from '../host';
import { DEMO_TARGET, type PortInfo } from '../model';
import { createLinkPair } from '../protocol';
import type { SimCam } from '../simcam';

export const DEMO_PORT: PortInfo = {
  target: DEMO_TARGET,
  path: DEMO_TARGET,
  board: 'Demo camera',
  manufacturer: 'camdeck (simulated)',
  isCamera: true,
};

/** CAMDECK_EXTRA_PORTS: comma-separated ports added to the port list (e.g. a socat pty). */
export function extraPortsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env['CAMDECK_EXTRA_PORTS'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The serial ports; none where this machine has no serial support (the demo and extra ports still list). */
export async function serialPorts(list: () => Promise<PortInfo[]> = listPorts): Promise<PortInfo[]> {
  try {
    return await list();
  } catch {
    return [];
  }
}

/** The port list a UI shows: the demo camera once and first, attached cameras, extra ports, other ports. */
export function portList(serial: PortInfo[], extraPorts: readonly string[] = []): PortInfo[] {
  const seen = new Set([DEMO_TARGET, ...serial.map((p) => p.target)]);
  const extra: PortInfo[] = extraPorts
    .filter((p) => p && !seen.has(p) && (seen.add(p), true))
    .map((p) => ({ target: p, path: p, board: 'Extra port (CAMDECK_EXTRA_PORTS)', isCamera: true }));
  const real = serial.filter((p) => p.target !== DEMO_TARGET);
  return [DEMO_PORT, ...real.filter((p) => p.isCamera), ...extra, ...real.filter((p) => !p.isCamera)];
}

/** The camera a missing target means: the one attached camera, or (none or several) the cameras there are. */
export type AttachedCamera = { target: string } | { target: null; cameras: PortInfo[] };

export function attachedCamera(ports: PortInfo[]): AttachedCamera {
  const pick = pickCamera(ports);
  // never guess by port order: with several, the caller names them and lets the user choose
  return 'port' in pick
    ? { target: pick.port.target }
    : { target: null, cameras: ports.filter((p) => p.isCamera) };
}

/** Whether `target` is one we can open: `demo`, a serial path, udp://host:port or tcp://host:port. */
export function isKnownTarget(target: string): boolean {
  if (target === DEMO_TARGET) return true;
  try {
    parseTarget(target);
    return true;
  } catch {
    return false;
  }
}

/** A simulated camera in this process: each open() gives it a fresh in-memory link (a reconnect re-attaches). */
export interface InProcessCamera {
  open(): Transport;
  close(): void;
}

export function inProcessCamera(cam: SimCam, describe = 'demo'): InProcessCamera {
  return {
    open: () => {
      const [host, device] = createLinkPair();
      cam.attach(device);
      return memoryTransport(host, describe);
    },
    close: () => cam.close(),
  };
}

/** Opens targets: `demo` is one simulated camera, made by `makeDemo` on first use; the rest openTransport. */
export interface TargetOpener {
  open(target: string): Promise<Transport>;
  /** Close the simulated camera, if one was made. */
  close(): void;
}

export function targetOpener(makeDemo: () => InProcessCamera): TargetOpener {
  let demo: InProcessCamera | null = null;
  return {
    open: async (target) => {
      if (target !== DEMO_TARGET) return openTransport(target);
      demo ??= makeDemo();
      return demo.open();
    },
    close: () => demo?.close(),
  };
}
