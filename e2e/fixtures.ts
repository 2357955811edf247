// Playwright fixtures: the simulated camera on a pty, the app (browser-host server, or Electron where its binary
// exists), and a page on it. Every process runs in its own process group and is killed with it.
// Browser mode: one sim cam and one `camdeck serve` per worker (starting them through tsx costs seconds each,
// under load far more), reset before every test: the service disconnected and streaming, the camera's faults
// off; every test still gets a fresh browser context (settings) and its own snapshots folder. Electron mode
// launches the app per test.
import { test as base, expect, _electron } from '@playwright/test';
import type { ElectronApplication, Page, TestInfo } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

export const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'camdeck.js');

export interface CarrierOptions {
  /** `browser`: camdeck serve + Chromium; `electron`: the desktop app via _electron.launch. */
  carrier: 'browser' | 'electron';
}

export interface SimcamProc {
  /** The pty path the app connects to. */
  path: string;
  /** Send one control line (reject-writes on|off, invalid-json on|off, reboot, stall MS, unplug [MS]) and wait for its `ok …` / `error …` answer. */
  control(cmd: string): Promise<string>;
  /** Everything the process printed so far. */
  output(): string;
}

export interface AppProc {
  /** Page URL (browser-host mode); `app://camdeck/index.html` in Electron mode. */
  url: string;
  /** Snapshots land in `<dataDir>/snapshots` (browser mode: one folder per worker; find files by name). */
  dataDir: string;
  snapshotsDir: string;
  output(): string;
  /** Set in Electron mode. */
  electron?: ElectronApplication;
}

/** A child in its own process group, with its output collected line by line. */
export class GroupProcess {
  readonly child: ChildProcess;
  private lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  private exited = false;

  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const onLine = (line: string) => {
      this.lines.push(line);
      for (const w of [...this.waiters]) {
        const m = line.match(w.re);
        if (m) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    createInterface({ input: this.child.stdout! }).on('line', onLine);
    createInterface({ input: this.child.stderr! }).on('line', (l) => this.lines.push(`[stderr] ${l}`));
    this.child.on('exit', () => (this.exited = true));
    this.child.stdin!.on('error', () => undefined);
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Resolve with the first line (from now on) matching `re`; fail after `timeoutMs` or when the process exits. */
  waitFor(re: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      // each wait forgets its exit listener when settled (many control commands on one simcam otherwise pile up)
      const onExit = (code: number | null) => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          fail(`process exited (${code}) first`);
        }
      };
      const waiter = {
        re,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          this.child.off('exit', onExit);
          resolve(m);
        },
      };
      const fail = (why: string) => {
        this.child.off('exit', onExit);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${what}: ${why}\n--- output ---\n${this.output()}`));
      };
      const timer = setTimeout(() => fail(`not seen within ${timeoutMs} ms`), timeoutMs);
      this.child.once('exit', onExit);
      this.waiters.push(waiter);
    });
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** SIGTERM the group, SIGKILL it if still alive after `graceMs`. */
  async kill(graceMs = 2000): Promise<void> {
    const pid = this.child.pid;
    if (!pid || this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Path of the Electron binary, or why there is none. Resolves what `require('electron')` would return, without
 * requiring it: electron 45's index.js downloads a missing binary on require, and tests never download.
 */
export function electronBinary(): { path: string } | { reason: string } {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (!rel && !override)
    return { reason: `the Electron binary was never downloaded (${pathFile} is missing)` };
  const exe = override ? path.join(override, rel || 'electron') : path.join(pkgDir, 'dist', rel);
  if (!existsSync(exe)) return { reason: `the Electron binary is missing (${exe})` };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return { reason: 'there is no display for Electron (set DISPLAY, e.g. run under xvfb-run)' };
  return { path: exe };
}

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function attachOutput(testInfo: TestInfo, name: string, text: string): Promise<void> {
  if (testInfo.status === testInfo.expectedStatus) return Promise.resolve();
  return testInfo.attach(name, { body: text, contentType: 'text/plain' });
}

/** A running sim cam process; `control` answers are serialized. */
async function startSimcam(): Promise<{ cam: SimcamProc; stop(): Promise<void> }> {
  const dir = tempDir('camdeck-e2e-cam-');
  const link = path.join(dir, 'cam');
  // 15 fps: the tests assert behaviour, not rates, and the camera renders and encodes every frame whether
  // or not a test watches; half the frames leave the CPU to the app on a loaded machine
  const fps = process.env['CAMDECK_E2E_FPS'] ?? '15';
  const proc = new GroupProcess(process.execPath, [CLI, 'simcam', '--pty', link, '--fps', fps]);
  let queue: Promise<unknown> = Promise.resolve();
  const stop = async () => {
    proc.send('quit');
    await proc.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const m = await proc.waitFor(/^simcam: ready pty (\S+)/, 30_000, 'simcam ready line');
    const control = (cmd: string): Promise<string> => {
      const run = async () => {
        const answer = proc.waitFor(/^(ok|error)\b.*/, 10_000, `simcam answer to "${cmd}"`);
        proc.send(cmd);
        return (await answer)[0];
      };
      const p = queue.then(run, run);
      queue = p.catch(() => undefined);
      return p;
    };
    return { cam: { path: m[1]!, control, output: () => proc.output() }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `camdeck serve` on a free port; `extraPorts` lists the sim cam's pty. */
async function startServe(
  extraPorts: string,
  dataDir: string,
  snapshotsDir: string,
): Promise<{ url: string; proc: GroupProcess }> {
  const proc = new GroupProcess(process.execPath, [CLI, 'serve', '--port', '0'], {
    CAMDECK_EXTRA_PORTS: extraPorts,
    CAMDECK_DATA_DIR: dataDir,
    CAMDECK_SNAPSHOTS_DIR: snapshotsDir,
  });
  try {
    const opened = proc.waitFor(/^camdeck: camera \S+ open: /, 60_000, 'camdeck serve start camera line');
    const m = await proc.waitFor(/^camdeck: serving (http:\/\/\S+)/, 30_000, 'camdeck serve ready line');
    // the camera serve opens at start (auto: the demo camera) is open before any reset closes what is open
    await opened;
    return { url: m[1]!, proc };
  } catch (err) {
    await proc.kill();
    throw err;
  }
}

/** Requests over the contract's WebSocket, from Node (fixture resets; no page involved); resolves with the results. */
export async function serviceRequests(url: string, calls: Array<[string, ...unknown[]]>): Promise<unknown[]> {
  // the query carries the access token
  const ws = new WebSocket(url.replace(/^http/, 'ws').replace(/\/?(\?.*)?$/, '/ws$1'));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    let id = 0;
    const results: unknown[] = [];
    for (const [name, ...args] of calls) {
      const my = ++id;
      const reply = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${name} within 20 s`)), 20_000);
        ws.on('message', (data, binary) => {
          if (binary) return;
          const msg = JSON.parse(String(data)) as { type: string; id?: number; result?: unknown };
          if (msg.type === 'reply' && msg.id === my) {
            clearTimeout(timer);
            resolve(msg.result);
          }
        });
      });
      ws.send(JSON.stringify({ type: 'request', id: my, name, args }));
      results.push(await reply);
    }
    return results;
  } finally {
    ws.close();
  }
}

interface SharedRig {
  cam: SimcamProc;
  url: string;
  dataDir: string;
  output(): string;
}

export const test = base.extend<
  {
    simcam: SimcamProc;
    app: AppProc;
    appPage: Page;
    /** The app for tests that use the demo camera only (browser mode: the worker's server). */
    bareApp: AppProc;
    barePage: Page;
    carrierGate: void;
  },
  CarrierOptions & { sharedRig: () => Promise<SharedRig> }
>({
  carrier: ['browser', { option: true, scope: 'worker' }],

  // Browser mode's processes, started on first use (never in Electron mode) and kept for the worker's tests.
  sharedRig: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const held: { started: Promise<{ rig: SharedRig; stop(): Promise<void> }> | null } = { started: null };
      const start = async () => {
        const sim = await startSimcam();
        const dataDir = tempDir('camdeck-e2e-data-');
        try {
          const serve = await startServe(sim.cam.path, dataDir, path.join(dataDir, 'snapshots'));
          const rig: SharedRig = { cam: sim.cam, url: serve.url, dataDir, output: () => serve.proc.output() };
          return {
            rig,
            stop: async () => {
              await serve.proc.kill();
              await sim.stop();
              rmSync(dataDir, { recursive: true, force: true });
            },
          };
        } catch (err) {
          await sim.stop();
          rmSync(dataDir, { recursive: true, force: true });
          throw err;
        }
      };
      await use(async () => (await (held.started ??= start())).rig);
      if (held.started) await (await held.started.catch(() => null))?.stop();
    },
    { scope: 'worker' },
  ],

  // Electron mode without a binary: skip before anything starts, and say why.
  carrierGate: [
    async ({ carrier }, use, testInfo) => {
      if (carrier === 'electron') {
        const bin = electronBinary();
        if ('reason' in bin) {
          const reason = `Electron mode skipped: ${bin.reason}`;
          console.log(`${testInfo.title}: ${reason}`);
          testInfo.skip(true, reason);
        }
      }
      await use();
    },
    { auto: true },
  ],

  simcam: async ({ carrier, sharedRig }, use, testInfo) => {
    if (carrier === 'electron') {
      const sim = await startSimcam();
      try {
        await use(sim.cam);
      } finally {
        await attachOutput(testInfo, 'simcam-output', sim.cam.output());
        await sim.stop();
      }
      return;
    }
    const cam = (await sharedRig()).cam;
    // whatever the last test left: faults off, cable in
    for (const cmd of ['reject-writes off', 'invalid-json off', 'replug']) await cam.control(cmd);
    const mark = cam.output().length;
    try {
      await use(cam);
    } finally {
      await attachOutput(testInfo, 'simcam-output', cam.output().slice(mark));
    }
  },

  app: async ({ simcam, carrier, sharedRig }, use, testInfo) => {
    if (carrier === 'electron') return launchElectron(simcam.path, use);
    await useShared(await sharedRig(), use, testInfo);
  },

  bareApp: async ({ carrier, sharedRig }, use, testInfo) => {
    if (carrier === 'electron') return launchElectron('', use);
    await useShared(await sharedRig(), use, testInfo);
  },

  appPage: async ({ app, page }, use, testInfo) => {
    await openPage(app, page, use, testInfo);
  },

  barePage: async ({ bareApp, page }, use, testInfo) => {
    await openPage(bareApp, page, use, testInfo);
  },
});

/** The worker's server, reset to a known state: no camera open, its own snapshots folder. */
async function useShared(rig: SharedRig, use: (app: AppProc) => Promise<void>, testInfo: TestInfo) {
  const [open] = (await serviceRequests(rig.url, [['listCameras']])) as [Array<{ id: string }> | null];
  await serviceRequests(
    rig.url,
    (open ?? []).map((c): [string, string] => ['closeCamera', c.id]),
  );
  // snapshots go to one folder per server; the test gets a view of it by file name (see ui-snapshot)
  const snapshotsDir = path.join(rig.dataDir, 'snapshots');
  const mark = rig.output().length;
  try {
    await use({ url: rig.url, dataDir: rig.dataDir, snapshotsDir, output: () => rig.output().slice(mark) });
  } finally {
    await attachOutput(testInfo, 'serve-output', rig.output().slice(mark));
  }
}

async function launchElectron(extraPorts: string, use: (app: AppProc) => Promise<void>): Promise<void> {
  const dataDir = tempDir('camdeck-e2e-data-');
  const snapshotsDir = path.join(dataDir, 'snapshots');
  const env = {
    CAMDECK_EXTRA_PORTS: extraPorts,
    CAMDECK_DATA_DIR: dataDir,
    CAMDECK_SNAPSHOTS_DIR: snapshotsDir,
  };
  try {
    const bin = electronBinary();
    if (!('path' in bin)) throw new Error(bin.reason); // carrierGate skipped already
    const electron = await _electron.launch({
      executablePath: bin.path,
      args: [ROOT, `--user-data-dir=${path.join(dataDir, 'user-data')}`],
      env: { ...process.env, ...env },
      cwd: ROOT,
      timeout: 30_000,
    });
    try {
      await use({ url: 'app://camdeck/index.html', dataDir, snapshotsDir, output: () => '', electron });
    } finally {
      await electron.close().catch(() => undefined);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function openPage(
  app: AppProc,
  page: Page,
  use: (p: Page) => Promise<void>,
  testInfo: TestInfo,
): Promise<void> {
  const target = app.electron ? await app.electron.firstWindow() : page;
  const consoleLines: string[] = [];
  target.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  target.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  if (!app.electron) await target.goto(app.url);
  await use(target);
  await attachOutput(testInfo, 'page-console', consoleLines.join('\n'));
}

export { expect };
