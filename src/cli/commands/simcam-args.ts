// `camdeck simcam` arguments → one plan per camera: its transport and its SimCamOptions. One camera is served
// on a tty, a pty, TCP or UDP exactly as before; many (--count, --pty-dir, --pty more than once) on ptys,
// camera k being demo camera k (its board, serial and scene) unless --board/--usb/--serial say otherwise.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BOARD_MAX_PAYLOAD } from '../../protocol';
import { SCENARIOS, demoCameraOptions, normalizeSerial, type SimCamOptions } from '../../simcam';

/** The most cameras one process serves (each is a socat pair and a capture loop). */
export const MAX_CAMERAS = 32;

export class SimcamUsageError extends Error {}

function num(name: string, v: string | undefined, min = 0, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new SimcamUsageError(`--${name} needs a number in [${min}, ${max}]`);
  return n;
}

function hostPort(name: string, v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const host = i > 0 ? v.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(i >= 0 ? v.slice(i + 1) : v);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SimcamUsageError(`--${name} needs HOST:PORT`);
  return { host, port };
}

export type Transport =
  | { kind: 'tty'; path: string }
  | { kind: 'pty'; path: string }
  | { kind: 'tcp' | 'udp'; host: string; port: number };

export interface CameraPlan {
  transport: Transport;
  options: SimCamOptions;
}

export interface SimcamPlan {
  /** Camera k (1-based) is cameras[k − 1]. */
  cameras: CameraPlan[];
  /** Many-camera mode: each ready line names the camera's serial and board. */
  many: boolean;
  /** --pty-dir, made if missing. */
  ptyDir?: string;
  /** Camera 1's transport and options (what a one-camera caller reads). */
  transport: Transport;
  options: SimCamOptions;
  verbose: boolean;
  awakeMs: number;
}

const OPTIONS = {
  tty: { type: 'string' },
  pty: { type: 'string', multiple: true },
  'pty-dir': { type: 'string' },
  count: { type: 'string' },
  tcp: { type: 'string' },
  udp: { type: 'string' },
  fps: { type: 'string' },
  size: { type: 'string' },
  'max-payload': { type: 'string' },
  'max-buffer': { type: 'string' },
  scenario: { type: 'string' },
  board: { type: 'string' },
  usb: { type: 'string' },
  serial: { type: 'string', multiple: true },
  stream: { type: 'boolean' },
  bitflip: { type: 'string' },
  drop: { type: 'string' },
  latency: { type: 'string' },
  bandwidth: { type: 'string' },
  'reboot-every': { type: 'string' },
  awake: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** What every camera of this run shares: frame rate and size, buffer, scenario, streaming, faults. */
function sharedOptions(values: Values): SimCamOptions {
  const options: SimCamOptions = {};
  const fps = num('fps', values.fps, 0.1, 1000);
  if (fps !== undefined) options.fps = fps;
  if (values.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(values.size);
    if (!m) throw new SimcamUsageError('--size needs WxH, e.g. 640x480');
    options.width = Number(m[1]);
    options.height = Number(m[2]);
  }
  const byPayload = Object.entries(BOARD_MAX_PAYLOAD).find(([, p]) => String(p) === values['max-payload']);
  if (values['max-payload'] !== undefined && !byPayload)
    throw new SimcamUsageError('--max-payload must be 498, 4082 or 8178');
  if (values['max-buffer'] !== undefined && !(values['max-buffer'] in BOARD_MAX_PAYLOAD)) {
    throw new SimcamUsageError('--max-buffer must be 512, 4096 or 8192');
  }
  const buffer = byPayload?.[0] ?? values['max-buffer'];
  if (buffer) options.maxBuffer = Number(buffer) as 512 | 4096 | 8192;
  if (values.scenario !== undefined) {
    if (!SCENARIOS[values.scenario]) {
      throw new SimcamUsageError(
        `unknown scenario "${values.scenario}" (${Object.keys(SCENARIOS).join(', ')})`,
      );
    }
    options.scenario = values.scenario;
  }
  if (values.stream) options.streamEnabled = true;
  const faults: NonNullable<SimCamOptions['faults']> = {};
  const bitflip = num('bitflip', values.bitflip, 0, 1);
  const drop = num('drop', values.drop, 0, 1);
  const latency = num('latency', values.latency);
  const bandwidth = num('bandwidth', values.bandwidth);
  const every = num('reboot-every', values['reboot-every']);
  if (bitflip !== undefined) faults.bitFlipRate = bitflip;
  if (drop !== undefined) faults.dropRate = drop;
  if (latency !== undefined) faults.latencyMs = latency;
  if (bandwidth !== undefined) faults.bandwidthBps = bandwidth;
  if (every !== undefined) faults.rebootEveryMs = every;
  if (Object.keys(faults).length) options.faults = faults;
  return options;
}

/** --board and --usb: the board every camera of this run is (name and USB id). */
function boardOptions(values: Values): SimCamOptions {
  const options: SimCamOptions = {};
  if (values.board) options.board = values.board;
  if (values.usb) {
    const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(values.usb);
    if (!m) throw new SimcamUsageError('--usb needs VID:PID in hex, e.g. 37C5:124A');
    options.usbVid = parseInt(m[1]!, 16);
    options.usbPid = parseInt(m[2]!, 16);
  }
  return options;
}

function checkedSerials(serials: readonly string[]): string[] {
  return serials.map((s) => {
    try {
      return normalizeSerial(s);
    } catch (e) {
      throw new SimcamUsageError(`--${(e as Error).message}`);
    }
  });
}

/** The pty paths of many cameras: the --pty paths first, then DIR/camK for the rest. */
function ptyPaths(values: Values): string[] {
  const given = values.pty ?? [];
  const dir = values['pty-dir'];
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= MAX_CAMERAS)) {
    throw new SimcamUsageError(
      `--count takes a whole number of cameras from 1 to ${MAX_CAMERAS}, not "${values.count}".`,
    );
  }
  const n = count ?? Math.max(1, given.length);
  if (given.length > n)
    throw new SimcamUsageError(`--count ${n} is fewer cameras than the ${given.length} --pty paths given.`);
  if (given.length < n && dir === undefined) {
    throw new SimcamUsageError(
      `--count ${n} needs --pty-dir DIR (the cameras' ptys are then DIR/cam1…cam${n}) or one --pty per camera.`,
    );
  }
  const paths = Array.from({ length: n }, (_, i) => given[i] ?? join(dir!, `cam${i + 1}`));
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice) throw new SimcamUsageError(`two cameras cannot share the pty ${twice}; give each its own path.`);
  return paths;
}

export function parseSimcamArgs(argv: string[]): SimcamPlan {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: OPTIONS });
  const ptys = values.pty ?? [];
  const many = values.count !== undefined || values['pty-dir'] !== undefined || ptys.length > 1;
  const serials = checkedSerials(values.serial ?? []);
  const shared = sharedOptions(values);
  const board = boardOptions(values);
  const awakeMs = num('awake', values.awake, 0, 1000) ?? 0;
  let cameras: CameraPlan[];
  if (!many) {
    const chosen = (['tty', 'pty', 'tcp', 'udp'] as const).filter((k) => values[k] !== undefined);
    if (chosen.length !== 1) throw new SimcamUsageError('give exactly one of --tty, --pty, --tcp, --udp');
    const kind = chosen[0]!;
    const transport: Transport =
      kind === 'tty' || kind === 'pty'
        ? { kind, path: kind === 'pty' ? ptys[0]! : values.tty! }
        : { kind, ...hostPort(kind, values[kind]!) };
    if (serials.length > 1) throw new SimcamUsageError('one camera has one --serial; more need --count N.');
    if (awakeMs > 0 && kind !== 'tty' && kind !== 'pty')
      throw new SimcamUsageError('--awake needs --tty or --pty');
    cameras = [
      { transport, options: { ...shared, ...board, ...(serials[0] ? { serial: serials[0] } : {}) } },
    ];
  } else {
    const other = (['tty', 'tcp', 'udp'] as const).find((k) => values[k] !== undefined);
    if (other) {
      throw new SimcamUsageError(
        `many cameras are served on ptys only, so --${other} cannot go with --count, --pty-dir or a second --pty.`,
      );
    }
    const paths = ptyPaths(values);
    if (serials.length && serials.length !== paths.length) {
      throw new SimcamUsageError(
        `give one --serial per camera (${paths.length} cameras, ${serials.length} serials), or none for the demo cameras' own.`,
      );
    }
    cameras = paths.map((path, i) => {
      const options: SimCamOptions = { ...demoCameraOptions(i + 1), ...shared, ...board };
      // --board names a board of its own: the demo camera's USB id would not match it (the default's, or --usb)
      if (values.board && !values.usb) {
        delete options.usbVid;
        delete options.usbPid;
      }
      if (serials[i]) options.serial = serials[i];
      return { transport: { kind: 'pty', path }, options };
    });
  }
  return {
    cameras,
    many,
    ...(values['pty-dir'] !== undefined ? { ptyDir: values['pty-dir'] } : {}),
    transport: cameras[0]!.transport,
    options: cameras[0]!.options,
    verbose: !!values.verbose,
    awakeMs,
  };
}
