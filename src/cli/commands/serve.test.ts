import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { EXIT } from '../exit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { vi } from 'vitest';
import { buildUi, run, startCameras, uiPlan } from './serve';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'camdeck.js');

describe('camdeck serve', () => {
  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--demo', '0']],
    [['--demo', '100']],
    [['--demo', 'two']],
    [['--demo', '-1']],
    [['--camera', 'demo:0']],
    [['--camera', 'camdeck://h:1/']],
    [['--bogus']],
    [['--camera', 'foo://x']],
    [['-c', 'foo://x']],
  ])('refuses %j with a usage error', async (argv) => {
    expect(await run(argv)).toBe(EXIT.USAGE);
  });

  it('--demo N and repeated --camera: what opens at start, and how many demo cameras are listed', () => {
    // the default, and `npm start`'s --camera auto
    expect(startCameras(undefined, [])).toEqual({ open: ['auto'] });
    expect(startCameras(undefined, ['auto'])).toEqual({ open: ['auto'] });
    // bare --demo is --demo 1: the demo camera, as before
    expect(startCameras(1, ['auto'])).toEqual({ demoCameras: 1, open: ['demo'] });
    expect(startCameras(3, [])).toEqual({ demoCameras: 3, open: ['demo', 'demo:2', 'demo:3'] });
    expect(startCameras(2, ['/dev/ttyACM0', 'demo:2', 'udp://10.0.0.5:5555'])).toEqual({
      demoCameras: 2,
      open: ['demo', 'demo:2', '/dev/ttyACM0', 'udp://10.0.0.5:5555'],
    });
    // a demo:K target lists demo cameras up to K
    expect(startCameras(undefined, ['demo:4', '/dev/ttyACM1'])).toEqual({
      demoCameras: 4,
      open: ['demo:4', '/dev/ttyACM1'],
    });
    expect(() => startCameras(undefined, ['demo:100'])).toThrow(
      /names no demo camera: they are demo, demo:2 … demo:99\./,
    );
    expect(() => startCameras(undefined, ['foo://x'])).toThrow(/--camera takes a serial path/);
  });

  it('a bad --demo is one sentence with a hint', async () => {
    const errs: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void errs.push(a.join(' ')));
    try {
      expect(await run(['--demo', 'two'])).toBe(EXIT.USAGE);
    } finally {
      spy.mockRestore();
    }
    expect(errs.join('\n')).toMatch(
      /--demo takes a whole number from 1 to 99, not "two"\.[\s\S]*hint: .*camdeck serve --help/,
    );
  });

  it.each([
    [['--demo'], ['demo']],
    [
      ['--demo', '3'],
      ['demo', 'demo:2', 'demo:3'],
    ],
  ])(
    '%j: prints the ready line with the token, serves the contract only with it (listing %j), exits 0 on SIGTERM',
    async (demo, listed) => {
      const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...demo], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CAMDECK_DATA_DIR: '/tmp/camdeck-serve-test' },
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('no ready line')), 15_000);
          createInterface({ input: child.stdout! }).on('line', (l) => {
            const m = /^camdeck: serving (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})$/.exec(l);
            if (m) {
              clearTimeout(t);
              resolve(m[1]!);
            }
          });
        });
        const page = new URL(url);
        // loopback too: without the printed token the WebSocket is refused
        const refused = new WebSocket(`ws://${page.host}/ws`);
        expect(
          await new Promise<string>((resolve) => {
            refused.on('open', () => resolve('open'));
            refused.on('error', (e) => resolve(e.message));
          }),
        ).toMatch(/401/);
        const ws = new WebSocket(`ws://${page.host}/ws${page.search}`);
        const state = await new Promise<unknown>((resolve, reject) => {
          ws.on('open', () =>
            ws.send(JSON.stringify({ type: 'request', id: 1, name: 'listPorts', args: [] })),
          );
          ws.on('message', (d, bin) => {
            if (bin) return;
            const m = JSON.parse(d.toString()) as { type: string; id?: number; result?: unknown };
            if (m.type === 'reply' && m.id === 1) resolve(m.result);
          });
          ws.on('error', reject);
        });
        const targets = (state as { target: string }[]).map((p) => p.target);
        expect(targets.filter((t) => t.startsWith('demo'))).toEqual(listed);
        ws.close();
        const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
        child.kill('SIGTERM');
        expect(await code).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});

describe('camdeck serve: a fixed token and the camera lines', () => {
  it('CAMDECK_TOKEN is the token; each camera that opens gets a line with its id (what camdeck:// names)', async () => {
    const token = 'fleet-token-0123456789';
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--demo', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CAMDECK_DATA_DIR: '/tmp/camdeck-serve-test', CAMDECK_TOKEN: token },
    });
    try {
      const lines: string[] = [];
      createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
      const deadline = Date.now() + 30_000;
      while (lines.filter((l) => l.startsWith('camdeck: camera ')).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(lines[0]).toMatch(
        new RegExp(`^camdeck: serving http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`),
      );
      const cams = lines.filter((l) => l.startsWith('camdeck: camera '));
      expect(cams).toHaveLength(2);
      for (const l of cams) expect(l).toMatch(/^camdeck: camera [0-9a-f]{24} open: .+ at demo(:2)?$/);
      // SIGTERM, as a service manager stops it: the server and its cameras go too (SIGKILL would leave tsx's child)
      const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill('SIGTERM');
      expect(await code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a CAMDECK_TOKEN too short to guard anything, with a hint', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--demo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CAMDECK_DATA_DIR: '/tmp/camdeck-serve-test', CAMDECK_TOKEN: 'short' },
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/CAMDECK_TOKEN is not a usable access token\.\n {2}hint: Use 16 to 128/);
  });
});

describe('camdeck serve: the UI is built on first use', () => {
  const root = '/r';
  const files =
    (...present: string[]) =>
    (p: string) =>
      present.includes(p);
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const src = path.join(root, 'src', 'renderer', 'index.html');

  it('serves a built UI as is', () => {
    expect(uiPlan('/r/out/renderer', false, root, files('/r/out/renderer/index.html'))).toEqual({
      kind: 'ready',
    });
  });
  it('builds the default out/renderer when it is missing and electron-vite is installed (fresh npm install)', () => {
    expect(uiPlan('/r/out/renderer', false, root, files(bin, src))).toEqual({ kind: 'build', bin });
  });
  it('never builds into a --static DIR, and says what to do', () => {
    expect(uiPlan('/elsewhere', true, root, files(bin, src))).toMatchObject({
      kind: 'missing',
      why: expect.stringMatching(/no index\.html/),
      hint: expect.stringMatching(/--static/),
    });
  });
  it('without electron-vite (no dev dependencies) it says how to build', () => {
    expect(uiPlan('/r/out/renderer', false, root, files(src))).toMatchObject({
      kind: 'missing',
      hint: expect.stringMatching(/npx electron-vite build/),
    });
  });
  it('the real tree: electron-vite is where the build step looks for it', () => {
    const real = uiPlan('/nonexistent-camdeck-ui', false);
    expect(real).toMatchObject({ kind: 'build' });
  });
});

describe('camdeck serve: the build step', () => {
  it('runs the builder with node (no npx), shows the progress line, reports a failure with its last line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-build-'));
    const errs: string[] = [];
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void errs.push(a.join(' ')));
    try {
      const ok = path.join(dir, 'ok.mjs');
      writeFileSync(ok, "if (process.argv[2] !== 'build') process.exit(9);");
      expect(await buildUi(ok)).toEqual({ ok: true });
      expect(errs[0]).toBe('camdeck serve: building the UI (first use, ~20 s)…');
      expect(errs[1]).toMatch(/^camdeck serve: UI built in \d+ s$/);
      const bad = path.join(dir, 'bad.mjs');
      writeFileSync(bad, "console.error('vite: something broke'); process.exit(1);");
      expect(await buildUi(bad)).toEqual({
        ok: false,
        why: 'electron-vite exited with code 1: vite: something broke',
      });
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
