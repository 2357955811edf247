// App benchmark, browser-host mode: `camdeck serve` + headless Chromium (Debian's) against the simulated camera on
// a pty at VGA 30 fps. Measures
//   - frames displayed ÷ frames produced (the camera's frame counter, from the JPEG stamp, over the run)
//   - quality slider → first frame drawn at the new quality (p50/p99, ms and frame periods)
//   - renderer main-thread time per displayed frame (CDP TaskDuration)
//   - memory growth of the page (JS heap after GC) and the server (RSS)
//   - launch → first frame (server spawn → first frame drawn; and page load → first frame drawn)
// Writes bench/results/app.json (or --out FILE). Run: npm run bench:app [-- --seconds 60 --samples 30 --out F]
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import type { CDPSession, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { decodeFrameMessage } from '../src/rpc';
import { machine, printTable, round1 } from './lib/measure';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'camdeck.js');
const CHROMIUM = process.env['CAMDECK_CHROMIUM'] ?? '/usr/bin/chromium';
const FPS = 30;
const PERIOD_MS = 1000 / FPS;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    samples: { type: 'string', default: '30' },
    out: { type: 'string', default: path.join('bench', 'results', 'app.json') },
  },
});
const SECONDS = Math.max(5, Number(args.seconds));
const SAMPLES = Math.max(4, Number(args.samples));

// ---- processes ---------------------------------------------------------------------------------

const children: ChildProcess[] = [];

function start(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; line: (re: RegExp, ms: number) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, [CLI, ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: Array<[RegExp, (m: RegExpMatchArray) => void]> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      const m = l.match(w[0]);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w[1](m);
      }
    }
  });
  child.stderr!.on('data', () => undefined);
  const line = (re: RegExp, ms: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no line ${re} within ${ms} ms:\n${lines.join('\n')}`)),
        ms,
      );
      waiters.push([re, (m) => (clearTimeout(t), resolve(m))]);
    });
  return { child, line };
}

function killAll(): void {
  for (const c of children) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

// ---- in-page instrumentation (plain JS: it runs in the page) ----------------------------------------

/** Records every drawn frame: the UI stamps `data-seq` on frame-bytes once per frame it draws. */
const COUNTER = `(() => {
  const el = document.querySelector('[data-testid="frame-bytes"]');
  const drawn = [];
  const obs = new MutationObserver((records) => {
    for (const r of records) if (r.attributeName === 'data-seq') drawn.push(Number(el.dataset.seq));
  });
  obs.observe(el, { attributes: true, attributeFilter: ['data-seq'] });
  window.__bench = { drawn, stop: () => obs.disconnect() };
})()`;

/** Set the quality slider like a drag step would and resolve with ms until a frame at that quality is drawn. */
const SLIDE = `(async (q) => {
  const input = document.querySelector('[data-testid="config-quality"]');
  const bytes = document.querySelector('[data-testid="frame-bytes"]');
  const done = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (bytes.dataset.quality === String(q)) { obs.disconnect(); resolve(performance.now()); }
    });
    obs.observe(bytes, { attributes: true, attributeFilter: ['data-seq'] });
  });
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now();
  setter.call(input, String(q));
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const t1 = await Promise.race([done, new Promise((r) => setTimeout(() => r(NaN), 5000))]);
  return t1 - t0;
})`;

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

// ---- run ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) {
    console.log('bench:app: building the renderer…');
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('electron-vite build failed');
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'camdeck-bench-'));
  const cam = start(['simcam', '--pty', path.join(tmp, 'cam'), '--fps', String(FPS), '--size', '640x480']);
  const ptyPath = (await cam.line(/^simcam: ready pty (\S+)/, 20_000))[1]!;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    // launch → first frame: spawn the server (auto-connecting to the camera), open the page as soon as it is ready
    const tSpawn = performance.now();
    const srv = start(['serve', '--port', '0', '--camera', ptyPath], {
      CAMDECK_DATA_DIR: tmp,
      CAMDECK_EXTRA_PORTS: ptyPath,
    });
    const url = (await srv.line(/^camdeck: serving (http:\/\/\S+)/, 20_000))[1]!;
    const tReady = performance.now();
    const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => {
        const el = (
          globalThis as unknown as {
            document: { querySelector(s: string): { dataset: Record<string, string> } | null };
          }
        ).document.querySelector('[data-testid="frame-bytes"]');
        return !!el?.dataset['seq'];
      },
      undefined,
      { polling: 'raf', timeout: 20_000 },
    );
    const tFirst = performance.now();
    const navStart = await page.evaluate(() => performance.timeOrigin);
    const pageToFirst = Date.now() - navStart - (performance.now() - tFirst);

    // a second, Node-side client maps host seq → the camera's frame number (JPEG stamp)
    const camFrameOf = new Map<number, number>();
    const probe = new WebSocket(url.replace(/^http/, 'ws').replace(/\/(\?.*)?$/, '/ws$1'));
    probe.binaryType = 'nodebuffer';
    probe.on('message', (data, isBinary) => {
      if (!isBinary) return;
      const f = decodeFrameMessage(new Uint8Array(data as Buffer));
      if (f && f.meta.cameraFrame !== undefined) camFrameOf.set(f.meta.seq, f.meta.cameraFrame);
    });
    await new Promise<void>((resolve, reject) => {
      probe.once('open', () => resolve());
      probe.once('error', reject);
    });

    await sleep(3000); // warm-up
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const m0 = await metrics(cdp);
    const rss0 = rssMB(srv.child.pid!);
    await page.evaluate(COUNTER);
    console.log(`bench:app: measuring for ${SECONDS} s…`);
    // server RSS ten times over the run: a leak keeps climbing, a warm-up step levels off
    const rssSamples: number[] = [rss0];
    for (let i = 0; i < 10; i++) {
      await sleep(SECONDS * 100);
      rssSamples.push(rssMB(srv.child.pid!));
    }
    const drawn = (await page.evaluate(
      '(() => { window.__bench.stop(); return window.__bench.drawn; })()',
    )) as number[];
    const m1 = await metrics(cdp);
    const rss1 = rssMB(srv.child.pid!);

    const cams = drawn.map((s) => camFrameOf.get(s)).filter((c): c is number => c !== undefined);
    const produced = cams.length ? cams[cams.length - 1]! - cams[0]! + 1 : 0;
    const displayed = cams.length;
    // what the host delivered over the same span, to tell a host shortfall from a renderer one
    const delivered = cams.length
      ? [...camFrameOf.values()].filter((c) => c >= cams[0]! && c <= cams[cams.length - 1]!).length
      : 0;
    const [load1] = loadavg();
    const mainMs = ((m1['TaskDuration']! - m0['TaskDuration']!) * 1000) / Math.max(1, drawn.length);
    const scriptMs = ((m1['ScriptDuration']! - m0['ScriptDuration']!) * 1000) / Math.max(1, drawn.length);

    // slider → first frame at the new quality
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const q = i % 2 === 0 ? 10 : 90;
      const ms = (await page.evaluate(`${SLIDE}(${q})`)) as number;
      if (Number.isFinite(ms)) latencies.push(ms);
      await sleep(400);
    }
    probe.close();

    const result = {
      ...machine(),
      mode: 'browser-host (camdeck serve + headless Chromium), sim cam on a pty, 640x480 JPEG @ 30 fps',
      seconds: SECONDS,
      loadAverage1m: round1(load1 ?? 0),
      frames: {
        produced,
        deliveredByHost: delivered,
        displayed,
        ratio: produced ? Math.round((displayed / produced) * 10000) / 10000 : 0,
        target: 0.99,
      },
      sliderLatency: {
        samples: latencies.length,
        failed: SAMPLES - latencies.length,
        p50Ms: round1(pct(latencies, 50)),
        p99Ms: round1(pct(latencies, 99)),
        p50Frames: round1(pct(latencies, 50) / PERIOD_MS),
        p99Frames: round1(pct(latencies, 99) / PERIOD_MS),
        targetFrames: { p50: 1.5, p99: 3 },
      },
      rendererMainThread: {
        msPerFrame: round2(mainMs),
        scriptMsPerFrame: round2(scriptMs),
      },
      memory: {
        pageHeapStartMB: round1(m0['JSHeapUsedSize']! / 1e6),
        pageHeapEndMB: round1(m1['JSHeapUsedSize']! / 1e6),
        pageHeapGrowthMB: round1((m1['JSHeapUsedSize']! - m0['JSHeapUsedSize']!) / 1e6),
        serverRssStartMB: round1(rss0),
        serverRssEndMB: round1(rss1),
        serverRssGrowthMB: round1(rss1 - rss0),
        serverRssSamplesMB: rssSamples.map(round1),
        serverRssGrowthSecondHalfMB: round1(rss1 - rssSamples[5]!),
        overSeconds: SECONDS,
        targetMB: 5,
      },
      launch: {
        serverSpawnToReadyMs: Math.round(tReady - tSpawn),
        pageLoadToFirstFrameMs: Math.round(pageToFirst),
        serverSpawnToFirstFrameMs: Math.round(tFirst - tSpawn),
        targetMs: 1500,
      },
    };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.resolve(ROOT, args.out), `${JSON.stringify(result, null, 2)}\n`);
    printTable(
      ['metric', 'value', 'target'],
      [
        ['frames displayed / produced', `${displayed} / ${produced} = ${result.frames.ratio}`, '≥ 0.99'],
        ['frames delivered by the host', `${delivered} / ${produced}`, ''],
        [
          'slider → new-quality frame p50',
          `${result.sliderLatency.p50Ms} ms (${result.sliderLatency.p50Frames} frames)`,
          '≤ 1.5 frames',
        ],
        [
          'slider → new-quality frame p99',
          `${result.sliderLatency.p99Ms} ms (${result.sliderLatency.p99Frames} frames)`,
          '≤ 3 frames',
        ],
        ['renderer main thread / frame', `${result.rendererMainThread.msPerFrame} ms`, ''],
        [`page JS heap growth (${SECONDS} s)`, `${result.memory.pageHeapGrowthMB} MB`, '< 5 MB'],
        [`server RSS growth (${SECONDS} s)`, `${result.memory.serverRssGrowthMB} MB`, ''],
        [`  … over the second half`, `${result.memory.serverRssGrowthSecondHalfMB} MB`, ''],
        ['page load → first frame', `${result.launch.pageLoadToFirstFrameMs} ms`, '< 1500 ms'],
        ['server spawn → first frame', `${result.launch.serverSpawnToFirstFrameMs} ms`, ''],
      ],
    );
  } finally {
    await browser.close();
    cam.child.stdin!.write('quit\n');
    killAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:app failed: ${err instanceof Error ? err.stack : String(err)}`);
    killAll();
    process.exit(1);
  },
);
