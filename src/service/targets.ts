// Camera targets, for the service and the CLI alike: what a target names (a serial path, udp://, tcp://,
// `demo`, or nothing: the one attached camera), opening a transport for it (the demo camera is simulated in
// this process, over an in-memory link), the port list with the demo camera and CAMDECK_EXTRA_PORTS, and
// which targets the service may open for a page (the CLI opens what its user names, unchecked).
// How a failure is said (a toast, a CLI sentence and exit code) is left to the caller.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { listPorts, memoryTransport, openTransport, parseTarget, pickCamera } from '../host';
import type { Transport } from '../host';
import { DEMO_TARGET, demoIndex, demoTarget, type PortInfo } from '../model';
import { createLinkPair } from '../protocol';
import type { SimCam } from '../simcam';
import { ServiceError } from './errors';

export const DEMO_PORT: PortInfo = {
  target: DEMO_TARGET,
  path: DEMO_TARGET,
  board: 'Demo camera',
  manufacturer: 'camdeck (simulated)',
  isCamera: true,
};

/** The n-th demo camera as the port list shows it (`demo`, `demo:2`, …). */
export function demoPort(n: number): PortInfo {
  return n <= 1
    ? DEMO_PORT
    : { ...DEMO_PORT, target: demoTarget(n), path: demoTarget(n), board: `Demo camera ${n}` };
}

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

/**
 * An extra-port entry may end in `*` (`/tmp/cams/cam-*`): every file of that folder whose name starts with the
 * rest. Expanded at each listing (ptys come and go); an entry without `*` is kept as it is.
 */
export async function expandExtraPorts(entries: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of entries) {
    if (!entry.endsWith('*')) {
      out.push(entry);
      continue;
    }
    const dir = path.dirname(entry);
    const prefix = path.basename(entry).slice(0, -1);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter((x) => x.startsWith(prefix)).sort()) out.push(path.join(dir, n));
  }
  return out;
}

/** Whether `target` is named by an extra-port entry (a trailing `*` matches one path segment, no `..`). */
export function namedBy(entry: string, target: string): boolean {
  if (!entry.endsWith('*')) return entry === target;
  const prefix = entry.slice(0, -1);
  const rest = target.slice(prefix.length);
  return target.startsWith(prefix) && rest.length > 0 && !/[/\\]/.test(rest) && rest !== '..';
}

/**
 * The port list a UI shows: the demo cameras once and first, attached cameras, extra ports, other ports.
 * `extraPorts` are expanded already (expandExtraPorts).
 */
export function portList(
  serial: PortInfo[],
  extraPorts: readonly string[] = [],
  demoCameras = 1,
): PortInfo[] {
  const demos = Array.from({ length: Math.max(1, demoCameras) }, (_, i) => demoPort(i + 1));
  const seen = new Set([...demos.map((d) => d.target), ...serial.map((p) => p.target)]);
  const extra: PortInfo[] = extraPorts
    .filter((p) => p && !seen.has(p) && (seen.add(p), true))
    .map((p) => ({ target: p, path: p, board: 'Extra port (CAMDECK_EXTRA_PORTS)', isCamera: true }));
  const real = serial.filter((p) => demoIndex(p.target) === null);
  return [...demos, ...real.filter((p) => p.isCamera), ...extra, ...real.filter((p) => !p.isCamera)];
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

/**
 * What a target names: a demo camera, a serial path, a network address, another camdeck's camera
 * (`camdeck://host:port/<id>`), or nothing we can open.
 */
export type TargetKind = 'demo' | 'serial' | 'network' | 'remote' | 'bad';

export function targetKind(target: string): TargetKind {
  if (demoIndex(target) !== null) return 'demo';
  if (/^camdeck:\/\//i.test(target)) return 'remote';
  try {
    return parseTarget(target).kind === 'serial' ? 'serial' : 'network';
  } catch {
    return 'bad';
  }
}

/** Whether `target` is one we can open: `demo`, a serial path, udp://host:port or tcp://host:port. */
export function isKnownTarget(target: string): boolean {
  return targetKind(target) !== 'bad';
}

/** A target inside a sentence: it is the caller's own text, so control characters go and a long one is cut. */
export function shownTarget(target: string): string {
  // eslint-disable-next-line no-control-regex
  const t = target.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
}

/** Which targets the service opens for a page: serial devices it knows of, network ones only if allowed. */
export interface TargetRules {
  /** Opened as named, whatever their kind: CAMDECK_EXTRA_PORTS and the target the operator named at start. */
  named: readonly string[];
  /** tcp:// and udp:// targets (`camdeck serve --allow-network`; the desktop app allows them). */
  allowNetwork: boolean;
  /** The serial ports of this machine (SerialPort.list): the only other serial paths opened. */
  listSerial?: () => Promise<PortInfo[]>;
}

/**
 * Refuse a target the rules do not allow. A serial path that is not listed is refused with one sentence
 * whether or not it exists (so it tells nothing of the file system); a malformed target is let through for
 * openTransport to say what is wrong with it.
 */
export async function vetTarget(target: string, rules: TargetRules): Promise<void> {
  const kind = targetKind(target);
  if (kind === 'demo' || kind === 'bad' || rules.named.some((n) => namedBy(n, target))) return;
  if (kind === 'network' || kind === 'remote') {
    if (rules.allowNetwork) return;
    throw new ServiceError(
      'network-off',
      `This camdeck server does not connect to network cameras (${shownTarget(target)}).`,
      'Start it with `camdeck serve --allow-network` to use tcp:// and udp:// cameras.',
    );
  }
  const ports = await serialPorts(rules.listSerial);
  if (ports.some((p) => p.path === target || p.target === target)) return;
  throw new ServiceError(
    'port-not-found',
    `No listed serial port is called ${shownTarget(target)}.`,
    'Pick a port from the list (Refresh after plugging the camera in); other devices can be added with CAMDECK_EXTRA_PORTS.',
  );
}

/**
 * How a network target that did not become a camera is said to a page: one sentence for a closed port, an
 * open one that is not a camera, an unknown host or a silent one, so the service is no port scanner. The CLI
 * (`camdeck info --camera tcp://…`) still says which it was.
 */
export function networkFailure(target: string): ServiceError {
  return new ServiceError(
    'no-answer',
    `No camera answered at ${shownTarget(target)}.`,
    "Check the camera's address, and that it is powered on and on this network.",
  );
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

/**
 * Opens targets: each demo target (`demo`, `demo:2`, …) is one simulated camera, made by `makeDemo(n)` on
 * first use; the rest `openOther` (openTransport).
 */
export interface TargetOpener {
  open(target: string): Promise<Transport>;
  /** Close the simulated cameras that were made (`target`: only that demo camera; it is made anew on next open). */
  close(target?: string): void;
}

export function targetOpener(
  makeDemo: (n: number) => InProcessCamera,
  openOther: (target: string) => Promise<Transport> = (t) => openTransport(t),
): TargetOpener {
  const demos = new Map<number, InProcessCamera>();
  return {
    open: async (target) => {
      const n = demoIndex(target);
      if (n === null) return openOther(target);
      let demo = demos.get(n);
      if (!demo) demos.set(n, (demo = makeDemo(n)));
      return demo.open();
    },
    close: (target) => {
      for (const [n, demo] of demos)
        if (target === undefined || demoIndex(target) === n) {
          demos.delete(n);
          demo.close();
        }
    },
  };
}
