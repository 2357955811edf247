// The cameras' side of `camdeck simcam`: serving one camera on its transport (with unplug, replug and, on a
// pty, move), and the control commands that act on one camera (one line in, the reply line out).
import { existsSync } from 'node:fs';
import type { Faults, SimCam } from '../../simcam';
import {
  serveTcp,
  servePty,
  serveTty,
  serveUdp,
  type PtyServer,
  type TtyOptions,
  type TtyServer,
} from '../../simcam/links';
import type { Transport } from './simcam-args';

export interface Served {
  /** Where the host finds the camera now (a pty's path changes with move). */
  readonly address: string;
  unplug(ms: number): Promise<void>;
  replug(): Promise<void>;
  /** Pty only: unplug, and come back at another path (a replug the host sees under a new name). */
  move?(path: string): Promise<void>;
  close(): Promise<void>;
}

/** A socat pty pair whose host end can move to another path. */
async function servedPty(cam: SimCam, path: string, awake: TtyOptions): Promise<Served> {
  let s: PtyServer = await servePty(cam, path, awake);
  return {
    get address() {
      return s.hostPath;
    },
    unplug: (ms) => s.unplug(ms),
    replug: () => s.replug(),
    close: () => s.close(),
    async move(to) {
      const from = s.hostPath;
      if (to !== from && existsSync(to)) throw new Error(`${to} already exists; move needs a free path`);
      await s.close();
      try {
        s = await servePty(cam, to, awake);
      } catch (e) {
        s = await servePty(cam, from, awake);
        throw new Error(
          `cannot make a pty at ${to} (${e instanceof Error ? e.message : String(e)}); the camera is back at ${from}`,
          { cause: e },
        );
      }
    },
  };
}

export async function serve(cam: SimCam, t: Transport, awake: TtyOptions): Promise<Served> {
  switch (t.kind) {
    case 'pty':
      return servedPty(cam, t.path, awake);
    case 'tty': {
      // Nothing at PATH yet: make the socat pair ourselves, with PATH as the host's end.
      if (!existsSync(t.path)) return servedPty(cam, t.path, awake);
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
    case 'move':
      if (!served.move)
        throw new Error('move works on a pty camera only (--pty, --pty-dir, or --tty on a new path)');
      if (arg === undefined) throw new Error('move needs the new path, e.g. move /tmp/cam9');
      await served.move(arg);
      break;
    case 'stats':
      return `ok stats ${JSON.stringify(cam.stats())}`;
    default:
      throw new Error(`unknown command "${cmd}"`);
  }
  return `ok ${line.trim()}`;
}
