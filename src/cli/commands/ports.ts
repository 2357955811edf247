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

const LINK_HELP = `--ack on|off   per-packet ACKs (default on; off over UDP). Off, the camera sends a reply's packets
                 back to back (far faster on 498-byte boards) but never re-sends a corrupted one:
                 that reply is lost instead. Use it on a clean USB link.
  --max-payload N  largest packet payload to ask for (50 … the camera's own, which is the default)`;

/** The link options of the host commands, for parseArgs. */
export const LINK_OPTIONS = {
  ack: { type: 'string' },
  'max-payload': { type: 'string' },
} as const;

/** --port plus the link options: what every command that talks to one camera takes. */
export const TARGET_OPTIONS = { port: { type: 'string', short: 'p' }, ...LINK_OPTIONS } as const;
export const TARGET_HELP = `${PORT_HELP}\n  ${LINK_HELP}`;

/** Open the camera named by parsed TARGET_OPTIONS. */
export function openTarget(values: {
  port?: string;
  ack?: string;
  'max-payload'?: string;
}): Promise<OpenedCamera> {
  return openCamera(values.port, linkOptions(values));
}

/** --ack and --max-payload as camera options; a usage error when malformed. */
export function linkOptions(values: { ack?: string; 'max-payload'?: string }): CameraOptions {
  const opts: CameraOptions = {};
  if (values.ack !== undefined) {
    if (values.ack !== 'on' && values.ack !== 'off')
      throw new CliError(`--ack takes "on" or "off", not "${values.ack}"`, EXIT.USAGE);
    opts.caps = { ack: values.ack === 'on' };
  }
  const mp = values['max-payload'];
  if (mp !== undefined) {
    const n = Number(mp);
    // 50 is the firmware's minimum; the caps field is a u16, and the camera's own maximum caps it anyway
    if (!Number.isInteger(n) || n < 50 || n > 0xffff)
      throw new CliError(`--max-payload takes a whole number from 50 to 65535, not "${mp}"`, EXIT.USAGE);
    opts.maxPayload = n;
  }
  return opts;
}

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
