// `camdeck serve`: the browser-host carrier. Runs the camera service in Node, serves the built UI over HTTP and the
// contract over a WebSocket. Loopback only unless --host says otherwise; the WebSocket always requires the token
// the printed URL carries (loopback included: any local process or user could drive the camera otherwise).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createCamdeckService,
  extraPortsFromEnv,
  parseRemoteTarget,
  remoteCameraOpener,
  targetKind,
  type CamdeckService,
} from '../../service';
import { demoIndex, demoTarget, type CameraInfo } from '../../model';
import { isLoopback, startServer } from '../../server';
import { CliError, UsageError, bareAs, intOption, parseCommandArgs } from '../args';
import { EXIT } from '../exit';
import { printable } from '../printable';
import { report, toCliError } from './ports';

export const usage = `Usage: camdeck serve [--port 7410] [--host 127.0.0.1] [--camera TARGET]… [--demo [N]] [--open]

  --port N         HTTP/WebSocket port (default 7410; 0 picks a free one)
  --host ADDR      bind address (default 127.0.0.1); anything but loopback lets other machines reach it
  --camera TARGET  open at start (repeat for more cameras): a serial path, udp://h:p, tcp://h:p,
                   camdeck://h:p/id, demo, demo:N, or auto (the one attached camera, else the demo
                   camera; the default)
  --demo [N]       N simulated cameras (default 1), all opened at start: demo, demo:2 … demo:N;
                   with --camera, those open too (auto then means nothing more)
  --open           open the page (the URL with its token) in the default browser
  --allow-network  let the page connect to tcp:// and udp:// cameras (without it: the listed serial
                   ports, CAMDECK_EXTRA_PORTS, demo and the --camera targets only)
  --static DIR     serve the UI from DIR (default out/renderer, built on first use with electron-vite)

Environment: CAMDECK_EXTRA_PORTS (comma-separated ports added to the port list, e.g. a socat pty; a
trailing * globs, e.g. /tmp/cams/cam*), CAMDECK_DATA_DIR (data directory), CAMDECK_SNAPSHOTS_DIR (where
snapshots are saved), CAMDECK_TOKEN (a fixed access token instead of a new random one at each start: other
camdecks watching this one's cameras keep working across restarts).
Prints one line when ready: camdeck: serving http://HOST:PORT/?token=… — the token is required on every
connection, so open that URL as printed. Then one line per camera as it opens (camdeck: camera <id> open:
<board> at <target>; <id> is what camdeck://HOST:PORT/<id> names) and closes.`;

/**
 * One line per camera as it opens and closes: its id is what another camdeck's `camdeck://host:port/<id>` names,
 * so an operator setting up a fleet reads it here.
 */
function announceCameras(service: CamdeckService): void {
  let shown = new Map<string, string>();
  const show = (list: CameraInfo[]) => {
    const next = new Map(list.map((c) => [c.id, c.target]));
    for (const c of list)
      if (shown.get(c.id) !== c.target)
        console.log(`camdeck: camera ${c.id} open: ${printable(c.label)} at ${printable(c.target)}`);
    for (const id of shown.keys()) if (!next.has(id)) console.log(`camdeck: camera ${id} closed`);
    shown = next;
  };
  service.on('cameras', show);
  // the cameras opened before we listened (at start, quickly)
  void service.listCameras().then((list) => shown.size === 0 && show(list));
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function dataDir(): string {
  if (process.env['CAMDECK_DATA_DIR']) return process.env['CAMDECK_DATA_DIR'];
  const base = process.env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'camdeck');
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(`camdeck serve: could not open a browser; open ${url} yourself`));
    child.unref();
  } catch {
    console.error(`camdeck serve: could not open a browser; open ${url} yourself`);
  }
}

export type UiPlan =
  { kind: 'ready' } | { kind: 'build'; bin: string } | { kind: 'missing'; why: string; hint: string };

/**
 * Whether the UI can be served as is, must be built first (a fresh clone after `npm install`: the default
 * out/renderer is missing and electron-vite is installed), or cannot be (a --static DIR without index.html
 * is the caller's to fill; an install without dev dependencies cannot build).
 */
export function uiPlan(
  staticDir: string,
  custom: boolean,
  root = ROOT,
  exists: (p: string) => boolean = existsSync,
): UiPlan {
  if (exists(path.join(staticDir, 'index.html'))) return { kind: 'ready' };
  if (custom)
    return {
      kind: 'missing',
      why: `${staticDir} has no index.html, so the page will not load.`,
      hint: 'Point --static at a built UI, or leave it out to use (and build) out/renderer.',
    };
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (exists(bin) && exists(path.join(root, 'src', 'renderer', 'index.html'))) return { kind: 'build', bin };
  return {
    kind: 'missing',
    why: 'the UI is not built and cannot be built here (electron-vite is not installed).',
    hint: 'Install the dev dependencies (npm install) and run `npx electron-vite build`.',
  };
}

/** Build the UI with electron-vite (run by node directly: no npx, no shell), showing one progress line. */
export async function buildUi(bin: string): Promise<{ ok: true } | { ok: false; why: string }> {
  console.error('camdeck serve: building the UI (first use, ~20 s)…');
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-2000)));
  const result = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
  if (result.code === 0) {
    console.error(`camdeck serve: UI built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return { ok: true };
  }
  const last = tail.trim().split('\n').filter(Boolean).at(-1);
  return {
    ok: false,
    why: result.error
      ? `electron-vite did not start: ${result.error.message}`
      : `electron-vite exited with code ${result.code}${last ? `: ${last}` : ''}`,
  };
}

/** The last demo camera a target can name (`demo:99`, model/ports.ts). */
const MAX_DEMO = 99;

export interface StartCameras {
  /** Demo cameras listed, when --demo or a `demo:N` target asks for any. */
  demoCameras?: number;
  /** Targets opened at start, in order, each once. */
  open: string[];
}

/**
 * --demo N and the --camera targets → what the service opens at start: demo … demo:N, then the targets;
 * `auto` alone (the default) when neither names anything, dropped beside --demo (the demo cameras are the
 * answer then). A `demo:K` target lists at least K demo cameras.
 */
export function startCameras(demo: number | undefined, targets: readonly string[]): StartCameras {
  let demoCameras = demo ?? 0;
  for (const t of targets) {
    if (t === 'auto') continue;
    const k = demoIndex(t);
    if (k !== null) {
      demoCameras = Math.max(demoCameras, k);
      continue;
    }
    if (/^demo(:|$)/i.test(t))
      throw new UsageError(
        `--camera "${t}" names no demo camera: they are demo, demo:2 … demo:${MAX_DEMO}.`,
        'serve',
      );
    if (targetKind(t) === 'remote') {
      try {
        parseRemoteTarget(t);
      } catch (err) {
        // its own sentence and hint: what is wrong with the camdeck:// target
        const e = err as Error & { hint?: string };
        throw new CliError(`--camera: ${e.message}`, EXIT.USAGE, e.hint);
      }
    } else if (targetKind(t) === 'bad') {
      throw new UsageError(
        `--camera takes a serial path, udp://host:port, tcp://host:port, camdeck://host:port/id, demo, demo:N or auto, not "${t}".`,
        'serve',
      );
    }
  }
  const demos = Array.from({ length: demo ?? 0 }, (_, i) => demoTarget(i + 1));
  const named = targets.filter((t) => !(demo && t === 'auto'));
  const open = [...new Set([...demos, ...named])];
  return { ...(demoCameras ? { demoCameras } : {}), open: open.length ? open : ['auto'] };
}

export async function run(argv: string[]): Promise<number> {
  let values;
  let port: number;
  let cameras: StartCameras;
  try {
    ({ values } = parseCommandArgs('serve', bareAs(argv, 'demo', '1'), {
      port: { type: 'string', default: '7410' },
      host: { type: 'string', default: '127.0.0.1' },
      camera: { type: 'string', short: 'c', multiple: true },
      demo: { type: 'string' },
      open: { type: 'boolean', default: false },
      'allow-network': { type: 'boolean', default: false },
      static: { type: 'string' },
    }));
    port = intOption('serve', 'port', values.port, 0, 65535) ?? 7410;
    cameras = startCameras(intOption('serve', 'demo', values.demo, 1, MAX_DEMO), values.camera ?? []);
  } catch (err) {
    const e = toCliError(err);
    report('serve', e);
    return e.exitCode;
  }
  const staticDir = path.resolve(values.static ?? path.join(ROOT, 'out', 'renderer'));
  const plan = uiPlan(staticDir, values.static !== undefined);
  if (plan.kind === 'build') {
    const built = await buildUi(plan.bin);
    if (!built.ok) {
      console.error(
        `camdeck serve: could not build the UI (${built.why}).\n  hint: Run \`npx electron-vite build\` in ${ROOT} to see why, then start again.`,
      );
      return EXIT.FAILURE;
    }
  } else if (plan.kind === 'missing') {
    console.error(`camdeck serve: warning: ${plan.why}\n  hint: ${plan.hint}`);
  }

  const snapshotsDir = process.env['CAMDECK_SNAPSHOTS_DIR'] ?? path.join(dataDir(), 'snapshots');
  const service = createCamdeckService({
    snapshotsDir,
    ...cameras,
    extraPorts: extraPortsFromEnv(),
    allowNetwork: values['allow-network'],
    // another camdeck serve's cameras (camdeck://host:port/<id>); vetted like tcp:// (--allow-network)
    openRemote: remoteCameraOpener({ snapshotsDir }),
  });
  const token = process.env['CAMDECK_TOKEN'];
  if (token !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(token)) {
    await service.close();
    console.error(
      'camdeck serve: CAMDECK_TOKEN is not a usable access token.\n  hint: Use 16 to 128 letters, digits, "-" or "_", e.g. the output of: openssl rand -hex 16',
    );
    return EXIT.USAGE;
  }
  let server;
  try {
    server = await startServer({
      service,
      staticDir,
      host: values.host,
      port,
      ...(token ? { token } : {}),
      onClientDropped: (why) =>
        console.error(`camdeck serve: closed a client connection: ${why}; its page reconnects and reloads.`),
    });
  } catch (err) {
    await service.close();
    const e = err as NodeJS.ErrnoException;
    console.error(
      e.code === 'EADDRINUSE'
        ? `camdeck serve: port ${port} is in use.\n  hint: Pick another with --port (0 = any free port).`
        : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
          ? `camdeck serve: ${values.host} is not an address of this machine.\n  hint: Use 127.0.0.1 (the default), 0.0.0.0 (all interfaces) or one of this machine's addresses.`
          : `camdeck serve: cannot listen on ${values.host}:${port} (${e.message}).\n  hint: Check --host and --port.`,
    );
    return EXIT.FAILURE;
  }
  const running = server;
  // handlers first: whoever reads the ready line may stop us at once
  const done = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`camdeck serve: ${signal}, shutting down`);
      // never hang on shutdown: a stuck link gets 3 s
      const force = setTimeout(() => resolve(EXIT.OK), 3000);
      force.unref();
      void Promise.allSettled([running.close(), service.close()]).then(() => {
        clearTimeout(force);
        resolve(EXIT.OK);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  console.log(`camdeck: serving ${server.url}`);
  announceCameras(service);
  if (!isLoopback(server.host))
    console.error(
      'camdeck serve: bound beyond loopback; share the URL above (it carries the access token) only with people who may drive the camera',
    );
  if (values.open) openBrowser(server.url);
  return done;
}
