// Serial port discovery: VID/PID, serial number and a friendly board name for known OpenMV ids.
// Cameras are told apart by serial number, never by port order.
import { SerialPort } from 'serialport';
import type { PortInfo } from '../model';
import { lookupBoard } from './boards';

export interface RawPort {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}

export function describePort(p: RawPort): PortInfo {
  const vid = p.vendorId ? parseInt(p.vendorId, 16) : undefined;
  const pid = p.productId ? parseInt(p.productId, 16) : undefined;
  const known = lookupBoard(vid, pid);
  return {
    target: p.path,
    path: p.path,
    vid: Number.isFinite(vid) ? vid : undefined,
    pid: Number.isFinite(pid) ? pid : undefined,
    serialNumber: p.serialNumber || undefined,
    manufacturer: p.manufacturer || undefined,
    board: known?.board,
    isCamera: known?.protocol ?? false,
  };
}

/** Cameras first (by board name, then serial number), then other ports by path. macOS tty.* twins dropped. */
export function describePorts(raw: RawPort[]): PortInfo[] {
  const cuPaths = new Set(raw.filter((p) => p.path.startsWith('/dev/cu.')).map((p) => p.path.slice(8)));
  return raw
    .filter((p) => !(p.path.startsWith('/dev/tty.') && cuPaths.has(p.path.slice(9))))
    .map(describePort)
    .sort(
      (a, b) =>
        Number(b.isCamera) - Number(a.isCamera) ||
        (a.board ?? '').localeCompare(b.board ?? '') ||
        (a.serialNumber ?? '').localeCompare(b.serialNumber ?? '') ||
        a.path.localeCompare(b.path),
    );
}

export async function listPorts(
  list: () => Promise<RawPort[]> = () => SerialPort.list(),
): Promise<PortInfo[]> {
  return describePorts(await list());
}

/** The one camera to use when none was named: exactly one camera attached, else an explanation. */
export function pickCamera(ports: PortInfo[]): { port: PortInfo } | { error: string } {
  const cams = ports.filter((p) => p.isCamera);
  if (cams.length === 1) return { port: cams[0]! };
  if (!cams.length)
    return { error: 'no OpenMV camera found (run `camdeck ports`; pass --port to choose one)' };
  const names = cams.map(
    (c) => `${c.path} (${c.board}${c.serialNumber ? `, serial ${c.serialNumber}` : ''})`,
  );
  return { error: `${cams.length} cameras found, choose one with --port: ${names.join('; ')}` };
}
