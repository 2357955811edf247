// `camdeck frames` as a process against a simulated camera on a socat pty: a lost camera ends it at once
// with the cause (and the process exits: no timer left running); --reconnect rides through unplug/replug
// and camera restarts. Generous deadlines: the machine is shared; behaviour is asserted, never rates.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimCam } from '../../simcam';
import type { SimCam } from '../../simcam';
import { servePty } from '../../simcam/links';
import type { PtyServer } from '../../simcam/links';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'camdeck.js');

interface Run {
  lines: string[];
  errLines: string[];
  exit: Promise<{ code: number | null; at: number }>;
  /** Resolves once a stdout/stderr line matches. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  kill(): void;
}

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const errLines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const seen = (l: string): void => {
    for (const w of [...waiters])
      if (w.re.test(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
  };
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    seen(l);
  });
  createInterface({ input: child.stderr }).on('line', (l) => {
    errLines.push(l);
    seen(l);
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: performance.now() })),
  );
  return {
    lines,
    errLines,
    exit,
    waitFor: (re, ms = 30_000) => {
      const hit = [...lines, ...errLines].find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no line matching ${re} in ${ms} ms; stderr:\n${errLines.join('\n')}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      });
    },
    kill: () => child.kill('SIGKILL'),
  };
}

let dir: string;
let cam: SimCam;
let pty: PtyServer;
let runs: Run[] = [];
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'camdeck-frames-'));
  // small and slow: the CPU is shared
  cam = createSimCam({ width: 160, height: 120, fps: 10 });
  pty = await servePty(cam, path.join(dir, 'cam'));
});
afterEach(async () => {
  for (const r of runs) r.kill();
  runs = [];
  await pty.close();
  cam.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('camdeck frames (process, pty camera)', () => {
  it('an unplugged camera: "camera disconnected: <cause>" at once, exit 1, the process ends', async () => {
    const r = runCli(['frames', '--camera', pty.hostPath, '--count', '100000', '--timeout', '60000']);
    runs.push(r);
    await r.waitFor(/"channel":"frame"/);
    const unpluggedAt = performance.now();
    await pty.unplug(Infinity);
    const { code, at } = await r.exit;
    expect(code).toBe(1);
    const err = r.errLines.join('\n');
    expect(err).toMatch(
      /camdeck frames: camera disconnected: The port .+ went away \(unplugged or reset\)\./,
    );
    expect(err).toMatch(/hint: .*--reconnect/);
    expect(err).not.toMatch(/no frame within/);
    // "at once" means well before the 60 s frame timeout; the margin is for a loaded machine
    expect(at - unpluggedAt).toBeLessThan(20_000);
  }, 60_000);

  it('--reconnect rides through unplug/replug and a camera restart, saying when it lost and regained it', async () => {
    const r = runCli(['frames', '--camera', pty.hostPath, '--count', '100000', '--reconnect']);
    runs.push(r);
    await r.waitFor(/"channel":"frame"/);
    await pty.unplug(800);
    await r.waitFor(
      /camdeck frames: lost the camera \(The port .+ went away \(unplugged or reset\)\); reconnecting…/,
    );
    await r.waitFor(/camdeck frames: camera back after \d+\.\d s/);
    const before = r.lines.length;
    await r.waitFor(/"channel":"frame"/); // already seen; wait for new ones below
    await waitUntil(() => r.lines.length > before + 2, 30_000, 'frames after the replug');

    cam.softReboot();
    await r.waitFor(/camdeck frames: the camera restarted \(.+\); resyncing…/);
    const afterReboot = r.lines.length;
    await waitUntil(() => r.lines.length > afterReboot + 2, 30_000, 'frames after the restart');
    expect(r.errLines.join('\n')).not.toMatch(/camera disconnected/);
  }, 90_000);
});

async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
