// `camdeck simcam`: run the simulated OpenMV camera on a tty, a socat pty pair, TCP or UDP, with fault
// knobs on the command line and control commands on stdin (one per line, answered `ok <cmd>` / `error <msg>`).
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BOARD_MAX_PAYLOAD } from '../../protocol';
import { SCENARIOS, createSimCam, type Faults, type SimCam, type SimCamOptions } from '../../simcam';
import {
  serveTcp,
  servePty,
  serveTty,
  serveUdp,
  type PtyServer,
  type TtyOptions,
  type TtyServer,
} from '../../simcam/links';
import { EXIT } from '../exit';

export const usage = `Usage: camdeck simcam (--tty PATH | --pty HOSTPATH | --tcp HOST:PORT | --udp HOST:PORT) [options]

Transports:
  --tty PATH            serve on an existing tty (e.g. one end of: socat pty,raw,echo=0,link=/tmp/a pty,raw,echo=0,link=PATH);
                        if PATH does not exist, a socat pair is made with PATH as the host's end (like --pty)
  --pty HOSTPATH        create a socat pty pair; the host opens HOSTPATH (supports the unplug command)
  --tcp HOST:PORT       serve one TCP client at a time (port 0 = any; the ready line shows it)
  --udp HOST:PORT       one packet per datagram, like the firmware's network transport (ACKs off, max payload 1400)

Options:
  --fps N               capture rate (default 30)
  --size WxH            frame size (default 640x480)
  --max-payload N       498 | 4082 | 8178 (board buffer 512 | 4096 | 8192; default 4082)
  --max-buffer N        512 | 4096 | 8192 (alternative to --max-payload)
  --scenario NAME       ${Object.keys(SCENARIOS).join(' | ')} (default demo)
  --board NAME          board name (default "OpenMV Cam H7 Plus")
  --usb VID:PID         USB id in hex (default 37C5:124A)
  --stream              streaming enabled at power-up (a real camera waits for STREAM_CTRL 1)
  --bitflip RATE        probability per byte of a flipped bit (both directions)
  --drop RATE           probability per byte of a lost byte (both directions)
  --latency MS          added device → host delay
  --bandwidth BPS       device → host cap in bit/s (USB full speed ≈ 12000000)
  --reboot-every MS     soft-reboot the script periodically
  --awake MS            (tty, pty) stay awake MS after each packet sent, polling the port like the camera's
                        MCU instead of sleeping; burns a core while a host talks (default 0: sleep)
  -v, --verbose         log every packet to stderr

On start it prints one line: "simcam: ready <tty|pty|tcp|udp> <address>".
Control commands on stdin (answer "ok <cmd>" or "error <msg>"):
  reject-writes on|off   invalid-json on|off   reboot   stall MS   unplug [MS]   replug
  bitflip RATE   drop RATE   latency MS   bandwidth BPS   reboot-every MS   stats   quit
  flip-next header|payload [OPCODE|any] [CHANNEL]   one flipped bit in the next matching packet sent
SIGINT/SIGTERM and "quit" exit with code 0; closing stdin does not stop the camera.`;

class UsageError extends Error {}

function num(name: string, v: string | undefined, min = 0, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} needs a number in [${min}, ${max}]`);
  return n;
}

function hostPort(name: string, v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const host = i > 0 ? v.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(i >= 0 ? v.slice(i + 1) : v);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} needs HOST:PORT`);
  return { host, port };
}

type Transport =
  | { kind: 'tty'; path: string }
  | { kind: 'pty'; path: string }
  | { kind: 'tcp' | 'udp'; host: string; port: number };

export function parseSimcamArgs(argv: string[]): {
  transport: Transport;
  options: SimCamOptions;
  verbose: boolean;
  awakeMs: number;
} {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      tty: { type: 'string' },
      pty: { type: 'string' },
      tcp: { type: 'string' },
      udp: { type: 'string' },
      fps: { type: 'string' },
      size: { type: 'string' },
      'max-payload': { type: 'string' },
      'max-buffer': { type: 'string' },
      scenario: { type: 'string' },
      board: { type: 'string' },
      usb: { type: 'string' },
      stream: { type: 'boolean' },
      bitflip: { type: 'string' },
      drop: { type: 'string' },
      latency: { type: 'string' },
      bandwidth: { type: 'string' },
      'reboot-every': { type: 'string' },
      awake: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  const chosen = (['tty', 'pty', 'tcp', 'udp'] as const).filter((k) => values[k] !== undefined);
  if (chosen.length !== 1) throw new UsageError('give exactly one of --tty, --pty, --tcp, --udp');
  const kind = chosen[0]!;
  const transport: Transport =
    kind === 'tty' || kind === 'pty'
      ? { kind, path: values[kind]! }
      : { kind, ...hostPort(kind, values[kind]!) };

  const options: SimCamOptions = {};
  const fps = num('fps', values.fps, 0.1, 1000);
  if (fps !== undefined) options.fps = fps;
  if (values.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(values.size);
    if (!m) throw new UsageError('--size needs WxH, e.g. 640x480');
    options.width = Number(m[1]);
    options.height = Number(m[2]);
  }
  const byPayload = Object.entries(BOARD_MAX_PAYLOAD).find(([, p]) => String(p) === values['max-payload']);
  if (values['max-payload'] !== undefined && !byPayload)
    throw new UsageError('--max-payload must be 498, 4082 or 8178');
  if (values['max-buffer'] !== undefined && !(values['max-buffer'] in BOARD_MAX_PAYLOAD)) {
    throw new UsageError('--max-buffer must be 512, 4096 or 8192');
  }
  const buffer = byPayload?.[0] ?? values['max-buffer'];
  if (buffer) options.maxBuffer = Number(buffer) as 512 | 4096 | 8192;
  if (values.scenario !== undefined) {
    if (!SCENARIOS[values.scenario]) {
      throw new UsageError(`unknown scenario "${values.scenario}" (${Object.keys(SCENARIOS).join(', ')})`);
    }
    options.scenario = values.scenario;
  }
  if (values.board) options.board = values.board;
  if (values.usb) {
    const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(values.usb);
    if (!m) throw new UsageError('--usb needs VID:PID in hex, e.g. 37C5:124A');
    options.usbVid = parseInt(m[1]!, 16);
    options.usbPid = parseInt(m[2]!, 16);
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
  const awakeMs = num('awake', values.awake, 0, 1000) ?? 0;
  if (awakeMs > 0 && kind !== 'tty' && kind !== 'pty') throw new UsageError('--awake needs --tty or --pty');
  return { transport, options, verbose: !!values.verbose, awakeMs };
}

interface Served {
  address: string;
  unplug(ms: number): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

async function serve(cam: SimCam, t: Transport, awake: TtyOptions): Promise<Served> {
  switch (t.kind) {
    case 'pty': {
      const s: PtyServer = await servePty(cam, t.path, awake);
      return {
        address: t.path,
        unplug: (ms) => s.unplug(ms),
        replug: () => s.replug(),
        close: () => s.close(),
      };
    }
    case 'tty': {
      // Nothing at PATH yet: make the socat pair ourselves, with PATH as the host's end.
      if (!existsSync(t.path)) {
        const p: PtyServer = await servePty(cam, t.path, awake);
        return {
          address: t.path,
          unplug: (ms) => p.unplug(ms),
          replug: () => p.replug(),
          close: () => p.close(),
        };
      }
      let s: TtyServer | null = serveTty(cam, t.path, awake);
      let timer: ReturnType<typeof setTimeout> | null = null;
      const reopen = (): void => {
        if (!s) s = serveTty(cam, t.path, awake);
      };
      return {
        address: t.path,
        unplug: async (ms) => {
          s?.close();
          s = null;
          if (timer) clearTimeout(timer);
          timer = setTimeout(reopen, ms);
        },
        replug: async () => reopen(),
        close: async () => {
          if (timer) clearTimeout(timer);
          s?.close();
        },
      };
    }
    case 'tcp': {
      const s = await serveTcp(cam, t.host, t.port);
      return {
        address: `${t.host}:${s.port}`,
        // The client's connection drops; the next connection is served.
        unplug: async () => s.disconnect(),
        replug: async () => {},
        close: () => s.close(),
      };
    }
    case 'udp': {
      const s = await serveUdp(cam, t.host, t.port);
      return {
        address: `${t.host}:${s.port}`,
        unplug: async (ms) => s.unplug(ms),
        replug: async () => s.replug(),
        close: () => s.close(),
      };
    }
  }
}

/** A byte given in decimal or 0x hex, or "any" (no filter). */
function byteArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === 'any') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new Error(`flip-next ${name} must be 0…255 or any`);
  return n;
}

/** `flip-next header|payload [opcode] [channel]`: corrupt one bit of the next matching packet. */
function flipNext(cam: SimCam, part: string | undefined, rest: string[]): void {
  if (part !== 'header' && part !== 'payload') throw new Error('flip-next needs header|payload');
  if (rest.length > 2) throw new Error('too many arguments for flip-next');
  const opcode = byteArg('opcode', rest[0]);
  const channel = byteArg('channel', rest[1]);
  cam.faults.flipNext(part, {
    ...(opcode !== undefined ? { opcode } : {}),
    ...(channel !== undefined ? { channel } : {}),
  });
}

/** The control commands that set one fault rate or time: command → fault setting and its argument kind. */
const FAULT_SETTINGS: Readonly<Record<string, readonly [keyof Faults, 'rate' | 'ms']>> = {
  bitflip: ['bitFlipRate', 'rate'],
  drop: ['dropRate', 'rate'],
  latency: ['latencyMs', 'ms'],
  bandwidth: ['bandwidthBps', 'ms'],
  'reboot-every': ['rebootEveryMs', 'ms'],
};

/** One control command → the reply line. */
export async function control(cam: SimCam, served: Served, line: string): Promise<string> {
  const [cmd = '', arg, ...rest] = line.trim().split(/\s+/);
  const onOff = (): boolean => {
    if (arg !== 'on' && arg !== 'off') throw new Error(`${cmd} needs on|off`);
    return arg === 'on';
  };
  const rate = (): number => {
    const n = Number(arg);
    if (arg === undefined || !Number.isFinite(n) || n < 0 || n > 1)
      throw new Error(`${cmd} needs a rate in [0, 1]`);
    return n;
  };
  const ms = (def?: number): number => {
    if (arg === undefined && def !== undefined) return def;
    const n = Number(arg);
    if (arg === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${cmd} needs milliseconds ≥ 0`);
    return n;
  };
  if (cmd === 'flip-next') {
    flipNext(cam, arg, rest);
    return `ok ${line.trim()}`;
  }
  if (rest.length) throw new Error(`too many arguments for ${cmd}`);
  const fault = FAULT_SETTINGS[cmd];
  if (fault) {
    cam.faults.set({ [fault[0]]: fault[1] === 'rate' ? rate() : ms() });
    return `ok ${line.trim()}`;
  }
  switch (cmd) {
    case 'reject-writes':
      cam.setConfigFault(onOff() ? 'reject-writes' : 'none');
      break;
    case 'invalid-json':
      cam.setConfigFault(onOff() ? 'invalid-json' : 'none');
      break;
    case 'reboot':
      cam.softReboot();
      break;
    case 'stall':
      cam.faults.stall(ms());
      break;
    case 'unplug':
      await served.unplug(ms(1000));
      break;
    case 'replug':
      await served.replug();
      break;
    case 'stats':
      return `ok stats ${JSON.stringify(cam.stats())}`;
    default:
      throw new Error(`unknown command "${cmd}"`);
  }
  return `ok ${line.trim()}`;
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseSimcamArgs>;
  try {
    parsed = parseSimcamArgs(argv);
  } catch (e) {
    console.error(`camdeck simcam: ${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
    return EXIT.USAGE;
  }
  const { transport, options, verbose, awakeMs } = parsed;
  const cam = createSimCam({
    ...options,
    ...(verbose ? { trace: (l: string) => process.stderr.write(`simcam: ${l}\n`) } : {}),
  });
  let served: Served;
  try {
    served = await serve(cam, transport, { awakeMs });
  } catch (e) {
    cam.close();
    console.error(`camdeck simcam: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.FAILURE;
  }
  return new Promise<number>((resolve) => {
    let done = false;
    const rl = createInterface({ input: process.stdin, terminal: false });
    const quit = async (): Promise<void> => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      rl.close();
      process.stdin.destroy();
      await served.close().catch(() => {});
      cam.close();
      resolve(EXIT.OK);
    };
    const onSignal = (): void => void quit();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Only now: whoever waits for this line may signal us at once.
    process.stdout.write(`simcam: ready ${transport.kind} ${served.address}\n`);
    // Lines are handled in order; stdin EOF only stops reading commands.
    let chain = Promise.resolve();
    rl.on('line', (line) => {
      if (!line.trim()) return;
      chain = chain.then(async () => {
        if (done) return;
        if (line.trim() === 'quit') {
          process.stdout.write('ok quit\n');
          await quit();
          return;
        }
        try {
          process.stdout.write(`${await control(cam, served, line)}\n`);
        } catch (e) {
          process.stdout.write(`error ${e instanceof Error ? e.message : String(e)}\n`);
        }
      });
    });
  });
}
