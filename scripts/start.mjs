#!/usr/bin/env node
// `npm start`: build, then run the Electron app; when the Electron binary cannot be had (no download, no
// display), say so in one sentence and serve the same UI to a browser instead (`camdeck serve`, which prints the
// page URL with its access token and, where there is a display, opens it).
// Either way the app connects to the attached camera, or to the built-in demo camera when there is none;
// `npm start -- --demo N` opens N demo cameras instead (both the app and `camdeck serve` read `--demo N`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureReason, fetchDecision, readFailure, recordPath, writeFailure } from './electron-fetch.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const forceFetch = args.includes('--fetch-electron');
const passThrough = args.filter((a) => a !== '--browser' && a !== '--fetch-electron');

/** Path of the Electron binary, downloading it first if needed (electron 45 installs it lazily). */
function ensureElectron() {
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const installed = () => {
    try {
      const version = readFileSync(path.join(pkgDir, 'dist', 'version'), 'utf8')
        .trim()
        .replace(/^v/, '');
      return version === require('electron/package.json').version;
    } catch {
      return false;
    }
  };
  if (!installed()) {
    const version = require('electron/package.json').version;
    const record = recordPath(root);
    const decision = fetchDecision({
      failure: readFailure(record),
      version,
      now: Date.now(),
      force: forceFetch,
    });
    if (!decision.attempt) return { ok: false, why: decision.why };
    console.log(`camdeck: fetching the Electron ${version} binary (about 100 MB, once)…`);
    const r = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], {
      stdio: 'pipe',
      timeout: 300_000,
    });
    if (r.status !== 0 || !installed()) {
      const why = r.error?.code === 'ETIMEDOUT' ? 'no answer within 5 minutes' : failureReason(r.stderr);
      writeFailure(record, { at: Date.now(), version, why });
      return {
        ok: false,
        why: `the Electron binary could not be downloaded (${why}; \`npm start -- --fetch-electron\` tries again)`,
      };
    }
  }
  const exe = require('electron'); // the package's main export is the binary's path
  if (!existsSync(exe)) return { ok: false, why: 'the Electron binary is missing after install' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, why: 'there is no display to open a window on' };
  }
  return { ok: true, exe };
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log('camdeck: building…');
run(bin('electron-vite'), ['build']);

const electron = forceBrowser ? { ok: false, why: '--browser was given' } : ensureElectron();
let child;
if (electron.ok) {
  child = spawn(electron.exe, ['.', ...passThrough], { cwd: root, stdio: 'inherit' });
} else {
  console.log(`camdeck: ${electron.why}, so the app is served to your browser instead (browser-host mode).`);
  // the page needs the URL as printed (it carries the access token): open it where a browser can open
  const canOpen = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;
  const open = canOpen && !passThrough.includes('--open') ? ['--open'] : [];
  child = spawn(
    process.execPath,
    [path.join(root, 'bin', 'camdeck.js'), 'serve', '--camera', 'auto', ...open, ...passThrough],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
