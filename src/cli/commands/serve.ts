// `camdeck serve`: the browser-host carrier. Runs the camera service in Node, serves the built UI over HTTP and the
// contract over a WebSocket. Loopback only unless --host says otherwise; then a token is required.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCamdeckService } from '../../service';
import { startServer } from '../../server';
import { EXIT } from '../exit';

export const summary = 'serve the app to a browser (browser-host mode)';
export const usage = `Usage: camdeck serve [--port 7410] [--host 127.0.0.1] [--camera TARGET | --demo] [--open]

  --port N         HTTP/WebSocket port (default 7410; 0 picks a free one)
  --host ADDR      bind address (default 127.0.0.1); anything but loopback requires the printed token
  --camera TARGET  connect at start: a serial path, udp://h:p, tcp://h:p, demo, or auto
                   (auto = the one attached camera, else the demo camera)
  --demo           same as --camera demo
  --open           open the page in the default browser
  --static DIR     serve the UI from DIR (default out/renderer, built by \`npx electron-vite build\`)

Environment: CAMDECK_EXTRA_PORTS (comma-separated ports added to the port list, e.g. a socat pty),
CAMDECK_DATA_DIR (data directory), CAMDECK_SNAPSHOTS_DIR (where snapshots are saved).
Prints one line when ready: camdeck: serving http://HOST:PORT/ (with ?token=… when one is required).`;

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

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '7410' },
        host: { type: 'string', default: '127.0.0.1' },
        camera: { type: 'string' },
        demo: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
        static: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`camdeck serve: ${(err as Error).message}\n\n${usage}`);
    return EXIT.USAGE;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`camdeck serve: --port must be 0…65535, got "${values.port}"`);
    return EXIT.USAGE;
  }
  // `--camera auto --demo` (what `npm start -- --demo` passes) means the demo camera
  if (values.demo && values.camera && values.camera !== 'demo' && values.camera !== 'auto') {
    console.error('camdeck serve: give either --demo or --camera, not both');
    return EXIT.USAGE;
  }
  const staticDir = path.resolve(values.static ?? path.join(ROOT, 'out', 'renderer'));
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error(
      `camdeck serve: warning: ${staticDir}/index.html is missing; build the UI with: npx electron-vite build`,
    );
  }

  const service = createCamdeckService({
    snapshotsDir: process.env['CAMDECK_SNAPSHOTS_DIR'] ?? path.join(dataDir(), 'snapshots'),
    ...(values.demo ? { defaultTarget: 'demo' } : values.camera ? { defaultTarget: values.camera } : {}),
    extraPorts: (process.env['CAMDECK_EXTRA_PORTS'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  let server;
  try {
    server = await startServer({ service, staticDir, host: values.host, port });
  } catch (err) {
    await service.close();
    const e = err as NodeJS.ErrnoException;
    console.error(
      e.code === 'EADDRINUSE'
        ? `camdeck serve: port ${port} is in use; pick another with --port (0 = any free port)`
        : `camdeck serve: cannot listen on ${values.host}:${port}: ${e.message}`,
    );
    return EXIT.FAILURE;
  }
  console.log(`camdeck: serving ${server.url}`);
  if (server.token)
    console.error('camdeck serve: bound beyond loopback; the page URL above carries the access token');
  if (values.open) openBrowser(server.url);

  const running = server;
  return new Promise<number>((resolve) => {
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
}
