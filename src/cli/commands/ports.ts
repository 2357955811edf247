// `camdeck ports`: list serial ports, marking OpenMV cameras. Also the shared target opener of the
// host commands (info, read, write, frames, bench): serial path, udp://, tcp://, demo, or auto-pick.
import { parseArgs } from 'node:util';
import { createLinkPair } from '../../protocol';
import {
  Camera,
  HostError,
  listPorts,
  memoryTransport,
  openTransport,
  pickCamera,
  formatUsbId,
} from '../../host';
import type { CameraOptions, PortInfo, Transport } from '../../host';
import { createSimCam } from '../../simcam';
import { EXIT } from '../exit';

export const summary = 'list serial ports, marking OpenMV cameras';
export const usage = `Usage: camdeck ports [--json]

Lists serial ports with USB VID:PID, serial number and board name. Cameras that speak the
OpenMV Protocol are marked with "*". Exit code 3 when no camera is attached.

  --json   print the list as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const ports = await listPorts();
  if (values.json) {
    console.log(JSON.stringify(ports, null, 2));
  } else if (!ports.length) {
    console.log('no serial ports');
  } else {
    for (const p of ports) console.log(formatPort(p));
  }
  return ports.some((p) => p.isCamera) ? EXIT.OK : EXIT.NOT_FOUND;
}

export function formatPort(p: PortInfo): string {
  const id = p.vid !== undefined && p.pid !== undefined ? formatUsbId(p.vid, p.pid) : '—';
  const parts = [p.isCamera ? '*' : ' ', p.path.padEnd(22), id.padEnd(10), p.board ?? p.manufacturer ?? ''];
  if (p.serialNumber) parts.push(`serial ${p.serialNumber}`);
  return parts.join(' ').trimEnd();
}

// ---- shared by the host commands -------------------------------------------------------------------

export const PORT_HELP = `--port P   serial path (/dev/ttyACM0, COM3), udp://host:port, tcp://host:port, or "demo"
             (an in-process simulated camera). Omitted: the one attached camera.`;

/** A CLI failure with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface OpenedCamera {
  camera: Camera;
  target: string;
  transport: Transport;
  close(): void;
}

/** Open `target` (or the only attached camera) and connect the protocol. */
export async function openCamera(
  target: string | undefined,
  opts: CameraOptions = {},
): Promise<OpenedCamera> {
  let t = target;
  if (!t) {
    const pick = pickCamera(await listPorts());
    if ('error' in pick) throw new CliError(pick.error, EXIT.NOT_FOUND);
    t = pick.port.path;
  }
  let transport: Transport;
  let extraClose = (): void => undefined;
  if (t === 'demo') {
    const [host, device] = createLinkPair();
    const cam = createSimCam({ streamEnabled: false });
    cam.attach(device);
    transport = memoryTransport(host, 'demo');
    extraClose = () => cam.close();
  } else {
    try {
      transport = await openTransport(t);
    } catch (err) {
      throw toCliError(err);
    }
  }
  const camera = new Camera(transport, opts);
  try {
    await camera.connect();
  } catch (err) {
    camera.disconnect('connect failed');
    extraClose();
    throw toCliError(err);
  }
  return {
    camera,
    target: t,
    transport,
    close: () => {
      camera.disconnect('done');
      extraClose();
    },
  };
}

export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof HostError) {
    const code =
      err.code === 'port-permission'
        ? EXIT.PERMISSION
        : err.code === 'port-not-found' || err.code === 'channel-not-found'
          ? EXIT.NOT_FOUND
          : EXIT.FAILURE;
    return new CliError(err.hint ? `${err.message}\n  hint: ${err.hint}` : err.message, code);
  }
  return new CliError(err instanceof Error ? err.message : String(err), EXIT.FAILURE);
}

/** Run a command body, turning errors into a message on stderr and an exit code. */
export async function withExitCode(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (
      err instanceof TypeError &&
      /Unknown option|Unexpected argument|argument missing/i.test(err.message)
    ) {
      console.error(`camdeck ${name}: ${err.message}`);
      return EXIT.USAGE;
    }
    const e = toCliError(err);
    console.error(`camdeck ${name}: ${e.message}`);
    return e.exitCode;
  }
}

/** Channel argument: a name, or a number for an id. */
export const channelRef = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);
