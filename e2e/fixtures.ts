// Playwright fixtures: the simulated camera on a pty, the app (browser-host server, or Electron where its binary
// exists), and a page on it. Every process runs in its own process group and is killed with it after each test;
// every test gets a fresh data dir.
import { test as base, expect, _electron } from '@playwright/test';
import type { ElectronApplication, Page, TestInfo } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

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
  /** Fresh per test: snapshots land in `<dataDir>/snapshots`. */
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
      const waiter = { re, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
      const fail = (why: string) => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${what}: ${why}\n--- output ---\n${this.output()}`));
      };
      const timer = setTimeout(() => fail(`not seen within ${timeoutMs} ms`), timeoutMs);
      this.child.once('exit', (code) => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          fail(`process exited (${code}) first`);
        }
      });
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

export const test = base.extend<
  {
    simcam: SimcamProc;
    app: AppProc;
    appPage: Page;
    /** The app without a sim cam process (demo camera only): the lightest full pipeline. */
    bareApp: AppProc;
    barePage: Page;
    carrierGate: void;
  },
  CarrierOptions
>({
  carrier: ['browser', { option: true, scope: 'worker' }],

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

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  simcam: async ({}, use, testInfo) => {
    const dir = tempDir('camdeck-e2e-cam-');
    const link = path.join(dir, 'cam');
    const proc = new GroupProcess(process.execPath, [CLI, 'simcam', '--pty', link, '--fps', '30']);
    let queue: Promise<unknown> = Promise.resolve();
    try {
      const m = await proc.waitFor(/^simcam: ready pty (\S+)/, 20_000, 'simcam ready line');
      const control = (cmd: string): Promise<string> => {
        const run = async () => {
          const answer = proc.waitFor(/^(ok|error)\b.*/, 5000, `simcam answer to "${cmd}"`);
          proc.send(cmd);
          return (await answer)[0];
        };
        const p = queue.then(run, run);
        queue = p.catch(() => undefined);
        return p;
      };
      await use({ path: m[1]!, control, output: () => proc.output() });
    } finally {
      await attachOutput(testInfo, 'simcam-output', proc.output());
      proc.send('quit');
      await proc.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },

  app: async ({ simcam, carrier }, use, testInfo) => {
    await launchApp(carrier, simcam.path, use, testInfo);
  },

  bareApp: async ({ carrier }, use, testInfo) => {
    await launchApp(carrier, '', use, testInfo);
  },

  appPage: async ({ app, page }, use, testInfo) => {
    await openPage(app, page, use, testInfo);
  },

  barePage: async ({ bareApp, page }, use, testInfo) => {
    await openPage(bareApp, page, use, testInfo);
  },
});

async function launchApp(
  carrier: CarrierOptions['carrier'],
  extraPorts: string,
  use: (app: AppProc) => Promise<void>,
  testInfo: TestInfo,
): Promise<void> {
  const dataDir = tempDir('camdeck-e2e-data-');
  const snapshotsDir = path.join(dataDir, 'snapshots');
  const env = {
    CAMDECK_EXTRA_PORTS: extraPorts,
    CAMDECK_DATA_DIR: dataDir,
    CAMDECK_SNAPSHOTS_DIR: snapshotsDir,
  };
  try {
    if (carrier === 'electron') {
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
      return;
    }
    const proc = new GroupProcess(process.execPath, [CLI, 'serve', '--port', '0'], env);
    try {
      const m = await proc.waitFor(/^camdeck: serving (http:\/\/\S+)/, 20_000, 'camdeck serve ready line');
      await use({ url: m[1]!, dataDir, snapshotsDir, output: () => proc.output() });
    } finally {
      await attachOutput(testInfo, 'serve-output', proc.output());
      await proc.kill();
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
