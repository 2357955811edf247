// `camdeck ports`: list serial ports, marking OpenMV cameras. Also what the host commands (info, read, write,
// frames, bench) share: --camera and the link options, and the target opened and connected, said as the CLI
// says it (what a target names and how it opens is the service's targets module, the app's too).
import { Camera, listPorts, formatUsbId } from '../../host';
import type { CameraOptions, PortInfo, Transport } from '../../host';
import { classifyError } from '../../service/errors';
import { attachedCamera, inProcessCamera, isKnownTarget, targetOpener } from '../../service/targets';
import type { TargetOpener } from '../../service/targets';
import { createSimCam } from '../../simcam';
import { CliError, UsageError, parseCommandArgs } from '../args';
import { EXIT } from '../exit';
import { printable } from '../printable';

export { CliError } from '../args';

export const usage = `Usage: camdeck ports [--json]

Lists serial ports with USB VID:PID, serial number and board name. Cameras that speak the
OpenMV Protocol are marked with "*". Exit code 0 once listed, camera or not (the commands that
need one exit 3 when there is none).

  --json   print the list as JSON`;

export async function run(argv: string[]): Promise<number> {
  return withExitCode('ports', async () => {
    const { values } = parseCommandArgs('ports', argv, { json: { type: 'boolean' } });
    const ports = await listPorts();
    if (values.json) {
      console.log(JSON.stringify(ports, null, 2));
    } else if (!ports.length) {
      console.log('no serial ports');
    } else {
      for (const p of ports) console.log(formatPort(p));
    }
    if (!values.json && !ports.some((p) => p.isCamera))
      console.error('camdeck ports: no OpenMV camera among them (try --camera demo for the simulated one)');
    return EXIT.OK;
  });
}

export function formatPort(p: PortInfo): string {
  const id = p.vid !== undefined && p.pid !== undefined ? formatUsbId(p.vid, p.pid) : '—';
  const parts = [p.isCamera ? '*' : ' ', p.path.padEnd(22), id.padEnd(10), p.board ?? p.manufacturer ?? ''];
  if (p.serialNumber) parts.push(`serial ${p.serialNumber}`);
  // a device names its manufacturer and serial number (USB descriptors)
  return printable(parts.join(' ').trimEnd());
}

// ---- shared by the host commands -------------------------------------------------------------------

export const CAMERA_HELP = `--camera T  serial path (/dev/ttyACM0, COM3), udp://host:port, tcp://host:port, or "demo"
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

/**
 * The camera target, for parseArgs. --port/-p is its old spelling, still taken (not in the usage texts) so
 * existing scripts keep working; only `camdeck serve --port` is the HTTP port.
 */
export const CAMERA_OPTIONS = {
  camera: { type: 'string', short: 'c' },
  port: { type: 'string', short: 'p' },
} as const;

/** --camera plus the link options: what every command that talks to one camera takes. */
export const TARGET_OPTIONS = { ...CAMERA_OPTIONS, ...LINK_OPTIONS } as const;
export const TARGET_HELP = `${CAMERA_HELP}\n  ${LINK_HELP}`;

/** The target named by --camera or its old spelling --port; both naming different cameras is a usage error. */
export function cameraTarget(values: { camera?: string; port?: string }): string | undefined {
  const { camera, port } = values;
  if (camera !== undefined && port !== undefined && camera !== port)
    throw new UsageError(
      `--camera "${camera}" and --port "${port}" name different cameras; give one (--port is the old name of --camera).`,
    );
  return camera ?? port;
}

/** Open the camera named by parsed TARGET_OPTIONS. */
export function openTarget(values: {
  camera?: string;
  port?: string;
  ack?: string;
  'max-payload'?: string;
}): Promise<OpenedCamera> {
  return openCamera(cameraTarget(values), linkOptions(values));
}

/** --ack and --max-payload as camera options; a usage error when malformed. */
export function linkOptions(values: { ack?: string; 'max-payload'?: string }): CameraOptions {
  const opts: CameraOptions = {};
  if (values.ack !== undefined) {
    if (values.ack !== 'on' && values.ack !== 'off')
      throw new UsageError(`--ack takes "on" or "off", not "${values.ack}".`);
    opts.caps = { ack: values.ack === 'on' };
  }
  const mp = values['max-payload'];
  if (mp !== undefined) {
    const n = Number(mp);
    // 50 is the firmware's minimum; the caps field is a u16, and the camera's own maximum caps it anyway
    if (!Number.isInteger(n) || n < 50 || n > 0xffff)
      throw new UsageError(`--max-payload takes a whole number from 50 to 65535, not "${mp}".`);
    opts.maxPayload = n;
  }
  return opts;
}

export interface OpenedCamera {
  camera: Camera;
  target: string;
  transport: Transport;
  close(): void;
}

/** The CLI's targets: its demo camera does not stream by itself (a command turns the stream on). */
export const cliTargets = (): TargetOpener =>
  targetOpener(() => inProcessCamera(createSimCam({ streamEnabled: false })));

/** Open `target` (or the only attached camera) and connect the protocol. */
export async function openCamera(
  target: string | undefined,
  opts: CameraOptions = {},
): Promise<OpenedCamera> {
  const t = await resolveTarget(target);
  const targets = cliTargets();
  let transport: Transport;
  try {
    transport = await targets.open(t);
  } catch (err) {
    throw toCliError(err);
  }
  const camera = new Camera(transport, opts);
  try {
    await camera.connect();
  } catch (err) {
    camera.disconnect('connect failed');
    targets.close();
    throw connectError(t, err);
  }
  return {
    camera,
    target: t,
    transport,
    close: () => {
      camera.disconnect('done');
      targets.close();
    },
  };
}

const formatCamera = (p: PortInfo): string =>
  [p.path, p.board, p.serialNumber ? `serial ${p.serialNumber}` : ''].filter(Boolean).join(' ');

/** --camera as given (checked: a bad scheme is a usage error), or the one attached camera. */
export async function resolveTarget(target: string | undefined): Promise<string> {
  if (target === undefined) {
    const pick = attachedCamera(await listPorts());
    if (pick.target !== null) return pick.target;
    const cams = pick.cameras;
    // never guess by port order: name them and let the user choose
    throw cams.length
      ? new CliError(
          `${cams.length} cameras are attached: ${cams.map(formatCamera).join('; ')}.`,
          EXIT.NOT_FOUND,
          'Choose one with --camera.',
        )
      : new CliError(
          'No OpenMV camera is attached.',
          EXIT.NOT_FOUND,
          'Connect one, name it with --camera (a port from `camdeck ports`), or use --camera demo for the simulated camera.',
        );
  }
  if (!isKnownTarget(target))
    throw new UsageError(
      `--camera takes a serial path (/dev/ttyACM0, COM3), udp://host:port, tcp://host:port or "demo", not "${target}".`,
    );
  return target;
}

/** A failed protocol connect, said from the user's side: who did not answer, and what to check. */
export function connectError(target: string, err: unknown): CliError {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'disconnected')
    return new CliError(
      `${target} closed the link before a camera answered.`,
      EXIT.FAILURE,
      "Check the camera's address and that it is powered on; something else may be listening there.",
    );
  if (code === 'no-answer' || code === 'timeout')
    return new CliError(
      `No camera answered at ${target}.`,
      EXIT.FAILURE,
      'Check that the camera is powered on and runs OpenMV firmware 5.x, and that no other program holds the port.',
    );
  return toCliError(err);
}

/** Exit code of a classified failure (the README's table). */
function exitCodeOf(code: string): number {
  if (code === 'port-permission') return EXIT.PERMISSION;
  if (code === 'bad-target') return EXIT.USAGE;
  if (['port-not-found', 'channel-not-found', 'connection-refused', 'host-not-found'].includes(code))
    return EXIT.NOT_FOUND;
  return EXIT.FAILURE;
}

/** Any thrown value as a CliError: a sentence, a hint, an exit code (raw Node errors never reach the user). */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  const c = classifyError(err);
  return new CliError(c.message, exitCodeOf(c.code), c.hint);
}

/** Print a failure as `camdeck <command>: <cause>` plus its hint line. */
export function report(name: string, e: CliError): void {
  // the camera controls parts of both (channel names, what its script printed): escaped, never obeyed
  const hint = e.hint ? `\n  hint: ${printable(e.hint)}` : '';
  console.error(`camdeck ${name}: ${printable(e.message)}${hint}`);
}

/** Run a command body, turning errors into a message on stderr and an exit code. */
export async function withExitCode(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const e = toCliError(err);
    // a UsageError made without the command's name: point at this command's --help
    report(name, e instanceof UsageError && !e.hint ? new UsageError(e.message, name) : e);
    return e.exitCode;
  }
}

/** Channel argument: a name, or a number for an id. */
export const channelRef = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);
