// `camdeck simcam`: run simulated OpenMV cameras — one on a tty, a socat pty pair, TCP or UDP, or many on ptys
// from one process — with fault knobs on the command line and control commands on stdin (one per line,
// answered `ok <cmd>` / `error <msg>`; `@K <cmd>` addresses camera K, camera 1 without it).
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SCENARIOS, createSimCam, type SimCam } from '../../simcam';
import { EXIT } from '../exit';
import { MAX_CAMERAS, parseSimcamArgs, type CameraPlan } from './simcam-args';
import { control, serve, type Served } from './simcam-control';

export { control } from './simcam-control';
export { parseSimcamArgs } from './simcam-args';

export const usage = `Usage: camdeck simcam (--tty PATH | --pty HOSTPATH | --tcp HOST:PORT | --udp HOST:PORT) [options]
       camdeck simcam --count N --pty-dir DIR [--pty HOSTPATH]… [options]     (many cameras, one process)

Transports:
  --tty PATH            serve on an existing tty (e.g. one end of: socat pty,raw,echo=0,link=/tmp/a pty,raw,echo=0,link=PATH);
                        if PATH does not exist, a socat pair is made with PATH as the host's end (like --pty)
  --pty HOSTPATH        create a socat pty pair; the host opens HOSTPATH (supports the unplug command)
  --tcp HOST:PORT       serve one TCP client at a time (port 0 = any; the ready line shows it)
  --udp HOST:PORT       one packet per datagram, like the firmware's network transport (ACKs off, max payload 1400)

Many cameras (ptys only; camera K is demo camera K: its own board, serial, number and hue in the picture):
  --count N             serve N cameras (1…${MAX_CAMERAS}; default: one per --pty)
  --pty-dir DIR         the host ends are DIR/cam1…camN (DIR is made if missing)
  --pty HOSTPATH        repeatable: camera 1's, camera 2's… host end (the rest go in --pty-dir)

Options:
  --fps N               capture rate (default 30)
  --size WxH            frame size (default 640x480)
  --max-payload N       498 | 4082 | 8178 (board buffer 512 | 4096 | 8192; default 4082)
  --max-buffer N        512 | 4096 | 8192 (alternative to --max-payload)
  --scenario NAME       ${Object.keys(SCENARIOS).join(' | ')} (default demo)
  --board NAME          board name (default "OpenMV Cam H7 Plus"; with many cameras, every camera's)
  --usb VID:PID         USB id in hex (default 37C5:124A)
  --serial HEX          the board's unique id (SYS_INFO dev_id), 1…24 hex digits; repeat once per camera
                        (default: derived from the board, the same every run)
  --stream              streaming enabled at power-up (a real camera waits for STREAM_CTRL 1)
  --bitflip RATE        probability per byte of a flipped bit (both directions)
  --drop RATE           probability per byte of a lost byte (both directions)
  --latency MS          added device → host delay
  --bandwidth BPS       device → host cap in bit/s (USB full speed ≈ 12000000)
  --reboot-every MS     soft-reboot the script periodically
  --awake MS            (tty, pty) stay awake MS after each packet sent, polling the port like the camera's
                        MCU instead of sleeping; burns a core while a host talks (default 0: sleep)
  -v, --verbose         log every packet to stderr

On start it prints one line: "simcam: ready <tty|pty|tcp|udp> <address>"; with many cameras one per camera,
in order: "simcam: ready pty <path> serial=<serial> board="<board>"".
Control commands on stdin (answer "ok <cmd>" or "error <msg>"); "@K <cmd>" sends one to camera K (answered
"ok @K <cmd>" / "error @K <msg>"), without it camera 1 gets it; one camera's commands are answered in order:
  reject-writes on|off   invalid-json on|off   reboot   stall MS   unplug [MS]   replug
  bitflip RATE   drop RATE   latency MS   bandwidth BPS   reboot-every MS   stats   quit
  flip-next header|payload [OPCODE|any] [CHANNEL]   one flipped bit in the next matching packet sent
  move PATH              (pty) unplug and come back at PATH; prints the camera's ready line again
"quit" stops every camera, "@K quit" only camera K (the process ends with the last one).
SIGINT/SIGTERM and "quit" exit with code 0; closing stdin does not stop the cameras.`;

/** One running camera of this process. */
interface Running {
  n: number;
  cam: SimCam;
  served: Served;
  kind: CameraPlan['transport']['kind'];
  /** Its commands, answered in order. */
  chain: Promise<void>;
  stopped: boolean;
}

function readyLine(r: Running, many: boolean): string {
  const line = `simcam: ready ${r.kind} ${r.served.address}`;
  return many ? `${line} serial=${r.cam.options.serial} board=${JSON.stringify(r.cam.options.board)}` : line;
}

/** `@K rest` → camera K and the command; no prefix → camera 1. */
function addressed(line: string, count: number): { n: number; prefix: string; command: string } {
  const m = /^@(\S*)\s*(.*)$/.exec(line);
  if (!m) return { n: 1, prefix: '', command: line };
  const n = Number(m[1]);
  if (!Number.isInteger(n) || n < 1 || n > count) {
    const range = count === 1 ? '@1' : `@1…@${count}`;
    throw new Error(`there is no camera "@${m[1]}"; the cameras are ${range}`);
  }
  if (!m[2]) throw new Error(`@${n} needs a command after it, e.g. @${n} stats`);
  return { n, prefix: `@${n} `, command: m[2] };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Serve every camera; on any failure close those already serving and throw the first failure. */
async function serveAll(plans: CameraPlan[], verbose: boolean, many: boolean, awakeMs: number) {
  const cams = plans.map((p, i) =>
    createSimCam({
      ...p.options,
      ...(verbose
        ? { trace: (l: string) => process.stderr.write(`simcam: ${many ? `@${i + 1} ` : ''}${l}\n`) }
        : {}),
    }),
  );
  const served = await Promise.allSettled(cams.map((cam, i) => serve(cam, plans[i]!.transport, { awakeMs })));
  const failed = served.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    await Promise.allSettled(served.map((s) => (s.status === 'fulfilled' ? s.value.close() : null)));
    for (const cam of cams) cam.close();
    const why = message((served[failed] as PromiseRejectedResult).reason);
    throw new Error(many ? `camera ${failed + 1} (${plans[failed]!.transport.kind}): ${why}` : why);
  }
  return cams.map((cam, i): Running => ({
    n: i + 1,
    cam,
    served: (served[i] as PromiseFulfilledResult<Served>).value,
    kind: plans[i]!.transport.kind,
    chain: Promise.resolve(),
    stopped: false,
  }));
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseSimcamArgs>;
  try {
    parsed = parseSimcamArgs(argv);
  } catch (e) {
    console.error(`camdeck simcam: ${message(e)}\n\n${usage}`);
    return EXIT.USAGE;
  }
  const { cameras: plans, many, verbose, awakeMs, ptyDir } = parsed;
  let cameras: Running[];
  try {
    if (ptyDir !== undefined) mkdirSync(ptyDir, { recursive: true });
    cameras = await serveAll(plans, verbose, many, awakeMs);
  } catch (e) {
    console.error(`camdeck simcam: ${message(e)}`);
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
      await Promise.allSettled(cameras.map((c) => stop(c)));
      resolve(EXIT.OK);
    };
    const stop = async (c: Running): Promise<void> => {
      if (c.stopped) return;
      c.stopped = true;
      await c.served.close().catch(() => {});
      c.cam.close();
    };
    const onSignal = (): void => void quit();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const say = (line: string): void => void process.stdout.write(`${line}\n`);
    // Only now: whoever waits for these lines may signal us at once.
    for (const c of cameras) say(readyLine(c, many));

    /** One command for camera c; every reply line it prints carries the prefix. */
    const handle = async (c: Running, prefix: string, command: string): Promise<void> => {
      if (c.stopped) throw new Error(`camera ${c.n} has quit; the others still take commands`);
      if (command === 'quit') {
        await stop(c);
        say(`ok ${prefix}quit`);
        if (cameras.every((x) => x.stopped)) await quit();
        return;
      }
      const reply = await control(c.cam, c.served, command);
      say(prefix ? reply.replace(/^ok /, `ok ${prefix}`) : reply);
      if (command.split(/\s+/)[0] === 'move') say(readyLine(c, many));
    };
    // stdin EOF only stops reading commands.
    rl.on('line', (raw) => {
      const line = raw.trim();
      if (!line || done) return;
      if (line === 'quit') {
        // after what was asked before it
        void Promise.allSettled(cameras.map((c) => c.chain)).then(() => {
          if (done) return;
          say('ok quit');
          return quit();
        });
        return;
      }
      let target: ReturnType<typeof addressed>;
      try {
        target = addressed(line, cameras.length);
      } catch (e) {
        say(`error ${message(e)}`);
        return;
      }
      const c = cameras[target.n - 1]!;
      c.chain = c.chain.then(async () => {
        if (done) return;
        try {
          await handle(c, target.prefix, target.command);
        } catch (e) {
          say(`error ${target.prefix}${message(e)}`);
        }
      });
    });
  });
}
