// Every `camdeck …` command in the README's code blocks, run as written against simulated cameras, so the
// README cannot drift. Real ports and addresses are mapped to simulated cameras (/dev/ttyACM0 → a pty,
// udp://192.168.1.50:5000 → a local UDP camera), fixed paths and ports to private ones (/tmp/cam, 5000,
// serve's 7410), and `--open` finds a stand-in xdg-open. Commands run in three lanes at once; each lane
// keeps the README's order (a `… &` line starts a camera the following lines use).
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import { servePty, serveUdp } from '../simcam/links';
import type { PtyServer, UdpServer } from '../simcam/links';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The `camdeck …` lines of the README's sh code blocks, comments stripped. */
export function readmeCommands(md: string): string[] {
  const out: string[] = [];
  for (const block of md.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trim();
      if (/^(npx )?camdeck\s/.test(line)) out.push(line);
    }
  }
  return out;
}

type Lane = 'a' | 'b' | 'c';
interface Expectation {
  lane: Lane;
  /** run: until it exits (code `exit`); server: until `ready` on stdout/stderr, then SIGTERM → exit 0. */
  kind: 'run' | 'server';
  exit?: number;
  ready?: RegExp;
  stdout?: RegExp;
  stderr?: RegExp;
  /** Checked in the lane's directory after the command. */
  after?: (dir: string) => void;
}

const jpegs = (dir: string): string[] =>
  existsSync(path.join(dir, 'shots'))
    ? readdirSync(path.join(dir, 'shots')).filter((f) => f.endsWith('.jpg'))
    : [];

/** What each README command must do. A README command missing here (or an entry the README lost) fails. */
const EXPECT: Record<string, Expectation> = {
  'camdeck ports': { lane: 'b', kind: 'run', exit: 0 },
  'camdeck info --camera /dev/ttyACM0 | jq .channels': {
    lane: 'b',
    kind: 'run',
    exit: 0,
    stdout: /"name": "frame"/,
  },
  'camdeck frames --camera udp://192.168.1.50:5000 --count 100 --out shots/': {
    lane: 'b',
    kind: 'run',
    exit: 0,
    after: (dir) => expect(jpegs(dir).length).toBeGreaterThanOrEqual(100),
  },
  'camdeck frames --camera /dev/ttyACM0 --ack off --count 300 --out shots/ --reconnect': {
    lane: 'b',
    kind: 'run',
    exit: 0,
    stdout: /"channel":"frame"/,
    after: (dir) => expect(jpegs(dir).length).toBeGreaterThanOrEqual(300),
  },
  'camdeck read temp --camera demo --as f32': { lane: 'a', kind: 'run', exit: 0, stdout: /^\d+(\.\d+)?\n$/ },
  'camdeck simcam --pty /tmp/cam &': { lane: 'a', kind: 'server', ready: /^simcam: ready pty / },
  'camdeck write config \'{"quality": 40}\' --camera /tmp/cam && camdeck read config --camera /tmp/cam': {
    lane: 'a',
    kind: 'run',
    exit: 0,
    stdout: /"quality":40/,
  },
  'camdeck write config \'{"qualty": 40}\' --camera /tmp/cam': {
    lane: 'a',
    kind: 'run',
    exit: 1,
    stderr:
      /camdeck write: The camera refused the write to "config" \(FAILED\): config: refused: unknown key "qualty"\./,
  },
  'camdeck bench --camera /tmp/cam --seconds 1': { lane: 'a', kind: 'run', exit: 0, stdout: /frames: / },
  'camdeck simcam --tty /tmp/cam': { lane: 'c', kind: 'server', ready: /^simcam: ready (tty|pty) / },
  'camdeck simcam --tcp 127.0.0.1:5000': {
    lane: 'c',
    kind: 'server',
    ready: /^simcam: ready tcp 127\.0\.0\.1:\d+/,
  },
  'npx camdeck serve --demo --open': {
    lane: 'c',
    kind: 'server',
    ready: /^camdeck: serving http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/,
    after: (dir) =>
      expect(readFileSync(path.join(dir, 'xdg-open.log'), 'utf8')).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}/,
      ),
  },
  'npx camdeck serve --demo 4 --open': {
    lane: 'c',
    kind: 'server',
    ready: /^camdeck: serving http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/,
  },
  'npx camdeck serve --camera /dev/ttyACM0 --camera /dev/ttyACM1': {
    lane: 'c',
    kind: 'server',
    ready: /^camdeck: serving http:\/\/127\.0\.0\.1:\d+\/\?token=/,
  },
  'npx camdeck serve --allow-network --host 0.0.0.0 --camera /dev/ttyACM0': {
    lane: 'c',
    kind: 'server',
    ready: /^camdeck: serving http:\/\/0\.0\.0\.0:\d+\/\?token=[0-9a-f]{32}$/,
  },
  'npx camdeck serve --host 0.0.0.0 --camera /dev/ttyACM0': {
    lane: 'c',
    kind: 'server',
    ready: /^camdeck: serving http:\/\/.+\?token=/,
  },
};

describe('README examples', () => {
  const commands = readmeCommands(README);

  it('every camdeck command in the README is known to this test, and every known one is still there', () => {
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((c) => !(c in EXPECT))).toEqual([]);
    expect(Object.keys(EXPECT).filter((c) => !commands.includes(c))).toEqual([]);
  });

  describe('run as written against simulated cameras', () => {
    const cams: SimCam[] = [];
    const ptys: PtyServer[] = [];
    let udp: UdpServer;
    let base: string;
    let bin: string;
    const lanePty: Partial<Record<Lane, string>> = {};

    beforeAll(async () => {
      base = mkdtempSync(path.join(tmpdir(), 'camdeck-readme-'));
      // stand-ins on PATH: `camdeck` and `npx camdeck` run this tree's CLI; xdg-open records the URL
      bin = path.join(base, 'bin');
      const script = (name: string, body: string): void => {
        writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
        chmodSync(path.join(bin, name), 0o755);
      };
      const { mkdirSync } = await import('node:fs');
      mkdirSync(bin);
      script('camdeck', `exec "${process.execPath}" "${path.join(ROOT, 'bin', 'camdeck.js')}" "$@"`);
      script(
        'npx',
        'if [ "$1" = camdeck ]; then shift; exec camdeck "$@"; fi\necho "not run here: npx $*" >&2; exit 99',
      );
      script('xdg-open', 'echo "$@" >> "$PWD/xdg-open.log"');
      // `| jq .key` where jq is not installed (CI installs only chromium, socat, udev): a small stand-in
      if (!(process.env['PATH'] ?? '').split(':').some((d) => existsSync(path.join(d, 'jq'))))
        script(
          'jq',
          `exec "${process.execPath}" -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split(".").filter(Boolean))v=v[k];console.log(JSON.stringify(v,null,2))})' "$1"`,
        );
      // small, fast cameras: the CPU is shared, and 300 frames should not take 10 s
      const camera = (): SimCam => {
        const c = createSimCam({ width: 160, height: 120, fps: 60 });
        cams.push(c);
        return c;
      };
      for (const lane of ['b', 'c'] as const) {
        const p = await servePty(camera(), path.join(base, `ttyACM0-${lane}`));
        ptys.push(p);
        lanePty[lane] = p.hostPath;
      }
      udp = await serveUdp(camera(), '127.0.0.1', 0);
    }, 30_000);

    afterAll(async () => {
      await Promise.all(ptys.map((p) => p.close()));
      await udp?.close();
      for (const c of cams) c.close();
      rmSync(base, { recursive: true, force: true });
    });

    it('each command behaves as the README says', async () => {
      const lanes: Record<Lane, string[]> = { a: [], b: [], c: [] };
      for (const c of commands) lanes[EXPECT[c]!.lane].push(c);
      const failures: string[] = [];
      await Promise.all(
        (Object.keys(lanes) as Lane[]).map(async (lane) => {
          const dir = mkdtempSync(path.join(base, `lane-${lane}-`));
          const map = (cmd: string): string => {
            let s = cmd
              .replace(/\/tmp\/cam(?![\w.-])/g, path.join(dir, 'cam'))
              .replaceAll('/dev/ttyACM0', lanePty[lane] ?? '/dev/ttyACM0')
              .replaceAll('udp://192.168.1.50:5000', `udp://127.0.0.1:${udp.port}`)
              .replaceAll('127.0.0.1:5000', '127.0.0.1:0');
            if (/camdeck serve/.test(s) && !/ --port /.test(s))
              s = s.replace('camdeck serve', 'camdeck serve --port 0');
            return s.replace(/\s*&$/, '');
          };
          const background: Array<() => Promise<void>> = [];
          for (const cmd of lanes[lane]) {
            const exp = EXPECT[cmd]!;
            try {
              if (exp.kind === 'run') {
                const r = await runToExit(map(cmd), dir, bin, 90_000);
                const where = `${cmd}\n  exit ${r.code}\n  stdout: ${r.stdout.slice(0, 400)}\n  stderr: ${r.stderr.slice(0, 600)}`;
                if (r.code !== exp.exit) throw new Error(`exit ${r.code}, expected ${exp.exit}: ${where}`);
                if (exp.stdout && !exp.stdout.test(r.stdout))
                  throw new Error(`stdout ≠ ${exp.stdout}: ${where}`);
                if (exp.stderr && !exp.stderr.test(r.stderr))
                  throw new Error(`stderr ≠ ${exp.stderr}: ${where}`);
              } else {
                const server = await startServer(map(cmd), dir, bin, exp.ready!, 90_000);
                if (cmd.endsWith('&')) background.push(server.stop);
                else await server.stop();
              }
              exp.after?.(dir);
            } catch (err) {
              failures.push(err instanceof Error ? err.message : String(err));
            }
          }
          for (const stop of background) await stop().catch((e: unknown) => failures.push(String(e)));
        }),
      );
      expect(failures).toEqual([]);
    }, 240_000);
  });
});

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function shell(cmd: string, cwd: string, bin: string): ReturnType<typeof spawn> {
  return spawn('sh', ['-c', cmd], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      CAMDECK_DATA_DIR: cwd,
      CAMDECK_NO_UPDATE: '1',
    },
  });
}

function runToExit(cmd: string, cwd: string, bin: string, ms: number): Promise<Done> {
  const child = shell(cmd, cwd, bin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start a long-running command; resolve once `ready` appears. stop() sends SIGTERM and wants exit 0. */
async function startServer(
  cmd: string,
  cwd: string,
  bin: string,
  ready: RegExp,
  ms: number,
): Promise<{ stop: () => Promise<void> }> {
  // exec: the signal reaches the command itself, not a shell around it
  const child = shell(`exec ${cmd}`, cwd, bin);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd}: no line matching ${ready} within ${ms} ms:\n${output}`));
    }, ms);
    const onData = (b: Buffer): void => {
      output += b.toString();
      if (output.split('\n').some((l) => ready.test(l))) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`${cmd}: exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      if (code !== 0) throw new Error(`${cmd}: exit ${code} after SIGTERM, expected 0:\n${output}`);
    },
  };
}
