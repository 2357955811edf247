// Many-camera benchmark, browser-host mode: one `camdeck simcam --count N` on ptys, `camdeck serve` opening all
// N, and headless Chromium (Debian's) showing them in the workspace grid. For each camera over the run:
//   produced  = frames the camera numbered (the host's received + dropped + left unread, from getStats)
//   displayed = frames its tile drew (the tile's drawn counter); between them, what the host read and what
//               reached the page, so the hop that loses frames is visible
// and CPU per frame split by process (the cameras, the server, the browser) from /proc, so the limit is visible.
// Scenarios: 8 cameras QVGA 30 fps, 4 cameras VGA 30 fps. Writes bench/results/multicam.json (or --out FILE).
// Run: npm run bench:multicam [-- --seconds 30 --only 8xqvga]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import type { StatsSnapshot } from '../src/model';
import { ensureUiBuilt, launchChromium, tracePage } from './lib/browser';
import { machine, printTable, round1 } from './lib/measure';
import { kill, startCli } from './lib/processes';
import { chromiumProcesses, cpuDelta, sampleCpu, type Tracked } from './lib/proc-cpu';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'camdeck.js');

interface Scenario {
  name: string;
  label: string;
  cameras: number;
  size: string;
  fps: number;
  /** The target: displayed ÷ produced for every camera. */
  target: number;
  /** False: no page at all — what the cameras, ptys and host manage without a browser competing for the CPU. */
  page?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: '8xqvga', label: '8 cameras, QVGA 30 fps', cameras: 8, size: '320x240', fps: 30, target: 0.95 },
  { name: '4xvga', label: '4 cameras, VGA 30 fps', cameras: 4, size: '640x480', fps: 30, target: 0.95 },
  {
    name: '8xqvga-nopage',
    label: '8 cameras, QVGA 30 fps, no page (the host alone)',
    cameras: 8,
    size: '320x240',
    fps: 30,
    target: 0.95,
    page: false,
  },
];

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    only: { type: 'string' },
    out: { type: 'string', default: path.join('bench', 'results', 'multicam.json') },
    /** Write a Chromium trace of 3 s of the page (chrome://tracing, Perfetto) to this file. */
    trace: { type: 'string' },
  },
});
const SECONDS = Math.max(5, Number(args.seconds));

// ---- processes ---------------------------------------------------------------------------------

const start = (argv: string[], env: NodeJS.ProcessEnv = {}) => startCli(CLI, ROOT, argv, env);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ratio4 = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

/** A control connection (no frames): getStats for each camera. */
async function controlClient(url: string) {
  const ws = new WebSocket(url.replace(/^http/, 'ws').replace(/\/(\?.*)?$/, '/ws$1'));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, (r: { ok: boolean; result?: unknown }) => void>();
  ws.on('message', (data, binary) => {
    if (binary) return;
    const m = JSON.parse(String(data)) as { type: string; id?: number; ok: boolean; result?: unknown };
    if (m.type === 'reply') waiting.get(m.id!)?.(m);
  });
  const request = <T>(name: string, ...a: unknown[]): Promise<T> =>
    new Promise((resolve, reject) => {
      const my = ++id;
      const t = setTimeout(() => reject(new Error(`${name}: no reply`)), 20_000);
      waiting.set(my, (r) => {
        clearTimeout(t);
        waiting.delete(my);
        if (r.ok) resolve(r.result as T);
        else reject(new Error(`${name} failed: ${JSON.stringify(r)}`));
      });
      ws.send(JSON.stringify({ type: 'request', id: my, name, args: a }));
    });
  return { request, close: () => ws.close() };
}

/** Every tile's counters (frames the page received for it, frames it drew), by camera id. */
function drawnCounts(page: Page): Promise<Record<string, { received: number; drawn: number }>> {
  return page.evaluate(() => {
    const out: Record<string, { received: number; drawn: number }> = {};
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
      .document;
    const tiles = Array.from(doc.querySelectorAll('[data-testid="tile"]')) as Array<{
      dataset: Record<string, string | undefined>;
      querySelector(s: string): { dataset: Record<string, string | undefined> } | null;
    }>;
    for (const t of tiles) {
      const rates = t.querySelector('[data-testid="tile-rates"]');
      out[t.dataset['tile'] ?? '?'] = {
        received: Number(rates?.dataset['received'] ?? 0),
        drawn: Number(rates?.dataset['drawn'] ?? 0),
      };
    }
    return out;
  });
}

// ---- one scenario --------------------------------------------------------------------------------

async function run(browser: Browser, s: Scenario) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'camdeck-bench-multi-'));
  const cam = start([
    'simcam',
    '--count',
    String(s.cameras),
    '--pty-dir',
    tmp,
    '--fps',
    String(s.fps),
    '--size',
    s.size,
  ]);
  try {
    const ready = await cam.matching(/^simcam: ready pty (\S+) serial=(\S+)/, s.cameras, 60_000);
    const paths = ready.map((m) => m[1]!);
    const srv = start(['serve', '--port', '0', ...paths.flatMap((p) => ['--camera', p])], {
      CAMDECK_DATA_DIR: tmp,
      CAMDECK_EXTRA_PORTS: paths.join(','),
    });
    const url = (await srv.matching(/^camdeck: serving (http:\/\/\S+)/, 1, 30_000))[0]![1]!;
    const control = await controlClient(url);
    // wait until the service holds every camera (serve opens them at start)
    let ids: string[] = [];
    for (let i = 0; i < 600 && ids.length < s.cameras; i++) {
      ids = (await control.request<Array<{ id: string }>>('listCameras')).map((c) => c.id);
      if (ids.length < s.cameras) await sleep(100);
    }
    if (ids.length < s.cameras) throw new Error(`${s.name}: only ${ids.length} cameras opened`);
    const context =
      s.page === false ? null : await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = context ? await context.newPage() : null;
    if (page) await page.goto(url);
    await page?.waitForFunction((n) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
        .document;
      return doc.querySelectorAll('[data-testid="tile"]').length >= n;
    }, s.cameras);
    await sleep(5000); // warm-up: JIT, the first GCs, every tile drawing
    if (page && args.trace) {
      await tracePage(browser, page, args.trace, 3000);
      console.log(`bench:multicam: wrote the trace ${args.trace}`);
    }
    const tracked: Tracked[] = [
      { label: 'cameras (simcam)', pid: cam.child.pid! },
      { label: 'server', pid: srv.child.pid! },
      ...chromiumProcesses(process.pid),
    ];
    const stats = async () =>
      Object.fromEntries(
        await Promise.all(
          ids.map(async (id) => [id, await control.request<StatsSnapshot>('getStats', id)] as const),
        ),
      );
    const c0 = sampleCpu(tracked);
    const counts = async (): Promise<Record<string, { received: number; drawn: number }>> =>
      page ? drawnCounts(page) : {};
    const [s0, d0] = [await stats(), await counts()];
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const [s1, d1] = [await stats(), await counts()];
    const wallS = (performance.now() - t0) / 1000;
    const c1 = sampleCpu(tracked);
    const perCamera = ids.map((id) => {
      const f0 = s0[id]!.frames;
      const f1 = s1[id]!.frames;
      const produced = f1.received + f1.dropped + f1.unread - (f0.received + f0.dropped + f0.unread);
      const received = f1.received - f0.received;
      const unread = f1.unread - f0.unread;
      const displayed = (d1[id]?.drawn ?? 0) - (d0[id]?.drawn ?? 0);
      const receivedByPage = (d1[id]?.received ?? 0) - (d0[id]?.received ?? 0);
      return {
        camera: id,
        produced,
        receivedByHost: received,
        unreadByHost: unread,
        receivedByPage,
        displayed,
        ratio: ratio4(displayed, produced),
        cameraFps: round1(produced / wallS),
        displayedFps: round1(displayed / wallS),
      };
    });
    const cpu = cpuDelta(c0.processes, c1.processes);
    const browserMs = Object.entries(cpu)
      .filter(([k]) => k.startsWith('chromium'))
      .reduce((a, [, v]) => a + v, 0);
    const produced = perCamera.reduce((a, c) => a + c.produced, 0);
    const displayed = perCamera.reduce((a, c) => a + c.displayed, 0);
    const per = (ms: number, n: number) => Math.round((ms / Math.max(1, n)) * 100) / 100;
    // without a page, what is measured is the host's share: frames read ÷ produced
    const worst = Math.min(...perCamera.map((c) => (page ? c.ratio : ratio4(c.receivedByHost, c.produced))));
    await context?.close();
    control.close();
    srv.child.stdin!.write('quit\n');
    kill(srv.child);
    const [load1] = loadavg();
    return {
      name: s.name,
      label: s.label,
      seconds: Math.round(wallS),
      loadAverage1m: round1(load1 ?? 0),
      target: s.target,
      page: s.page !== false,
      worstRatio: worst,
      meetsTarget: worst >= s.target,
      perCamera,
      cpuMsPerProducedFrame: {
        cameras: per(cpu['cameras (simcam)'] ?? 0, produced),
        server: per(cpu['server'] ?? 0, produced),
      },
      cpuMsPerDisplayedFrame: { browser: per(browserMs, displayed) },
      cpuShareOfTwoCores: {
        cameras: round1(((cpu['cameras (simcam)'] ?? 0) / (wallS * 1000 * 2)) * 100),
        server: round1(((cpu['server'] ?? 0) / (wallS * 1000 * 2)) * 100),
        browser: round1((browserMs / (wallS * 1000 * 2)) * 100),
      },
      browserProcessesMs: Object.fromEntries(
        Object.entries(cpu)
          .filter(([k, v]) => k.startsWith('chromium') && v > 0)
          .map(([k, v]) => [k, Math.round(v)]),
      ),
    };
  } finally {
    cam.child.stdin!.write('quit\n');
    await sleep(300);
    kill(cam.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- main -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  ensureUiBuilt(ROOT, 'bench:multicam');
  const browser = await launchChromium();
  const results = [];
  try {
    for (const s of SCENARIOS.filter((x) => !args.only || args.only.split(',').includes(x.name))) {
      console.log(`bench:multicam: ${s.label} (${SECONDS} s)…`);
      results.push(await run(browser, s));
    }
  } finally {
    await browser.close();
  }
  const out = { machine: machine(), seconds: SECONDS, scenarios: results };
  mkdirSync(path.dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(out, null, 2)}\n`);
  printTable(
    [
      'scenario',
      'worst displayed/produced',
      'target',
      'cam fps (min)',
      'CPU ms/frame cams · server · browser',
    ],
    results.map((r) => [
      r.label,
      r.worstRatio,
      `≥ ${r.target}`,
      Math.min(...r.perCamera.map((c) => c.cameraFps)),
      `${r.cpuMsPerProducedFrame.cameras} · ${r.cpuMsPerProducedFrame.server} · ${r.cpuMsPerDisplayedFrame.browser}`,
    ]),
  );
  console.log(
    `bench:multicam: wrote ${args.out} (${JSON.parse(readFileSync(args.out!, 'utf8')).scenarios.length} scenarios)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
