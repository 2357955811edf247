// Serve the camera on a pty pair made by socat: the host opens `hostPath`, the camera sits on the other
// end. unplug() kills socat so the host's port vanishes (like pulling the USB cable); replug() makes a
// new pair at the same path. A SYS_RESET from the host does the same with a 1 s gap.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimCam } from '../types';
import { serveTty, type TtyOptions, type TtyServer } from './tty';

export interface PtyServer {
  readonly hostPath: string;
  readonly devicePath: string;
  /** Pull the cable: the host's port disappears; it comes back after `ms` (default 1000; Infinity = stay out). */
  unplug(ms?: number): Promise<void>;
  replug(): Promise<void>;
  readonly plugged: boolean;
  close(): Promise<void>;
}

let counter = 0;

function removeStaleLink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  } catch {
    // absent: fine
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function servePty(
  cam: SimCam,
  hostPath: string,
  opts: { socat?: string } & TtyOptions = {},
): Promise<PtyServer> {
  const devicePath = join(tmpdir(), `camdeck-simcam-${process.pid}-${++counter}`);
  let child: ChildProcess | null = null;
  let tty: TtyServer | null = null;
  let plugged = false;
  let closing = false;
  let replugTimer: ReturnType<typeof setTimeout> | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGTERM');
  };
  process.on('exit', killOnExit);

  const start = async (): Promise<void> => {
    removeStaleLink(hostPath);
    removeStaleLink(devicePath);
    let stderr = '';
    const c = spawn(
      opts.socat ?? 'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = c;
    c.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-2000);
    });
    const spawnError = new Promise<never>((_, reject) => {
      c.once('error', (e) => reject(new Error(`cannot run socat: ${e.message}`)));
      c.once('exit', (code) => reject(new Error(`socat exited (${code}): ${stderr.trim()}`)));
    });
    spawnError.catch(() => {});
    await Promise.race([
      waitFor(() => existsSync(hostPath) && existsSync(devicePath), 5000, 'the socat pty pair'),
      spawnError,
    ]);
    c.on('exit', () => {
      if (child === c) child = null;
      // socat died on its own: bring the pair back.
      if (plugged && !closing) {
        plugged = false;
        tty?.close();
        tty = null;
        setTimeout(() => void start().catch(() => {}), 100);
      }
    });
    tty = serveTty(cam, devicePath, { awakeMs: opts.awakeMs });
    plugged = true;
  };

  const stop = async (): Promise<void> => {
    plugged = false;
    tty?.close();
    tty = null;
    const c = child;
    child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    removeStaleLink(hostPath);
    removeStaleLink(devicePath);
  };

  const offReset = cam.onHardReset(() => {
    if (plugged && !closing) void server.unplug(1000);
  });

  const server: PtyServer = {
    hostPath,
    devicePath,
    get plugged() {
      return plugged;
    },
    async unplug(ms = 1000) {
      if (replugTimer) clearTimeout(replugTimer);
      replugTimer = null;
      await stop();
      if (Number.isFinite(ms) && !closing) {
        replugTimer = setTimeout(() => {
          replugTimer = null;
          if (!closing && !plugged) void start().catch(() => {});
        }, ms);
      }
    },
    async replug() {
      if (replugTimer) clearTimeout(replugTimer);
      replugTimer = null;
      if (!plugged && !closing) await start();
    },
    async close() {
      closing = true;
      offReset();
      if (replugTimer) clearTimeout(replugTimer);
      await stop();
      process.off('exit', killOnExit);
    },
  };
  await start();
  return server;
}
