// App benchmark, browser-host mode: `camdeck serve` + headless Chromium (Debian's) against the simulated camera on
// a pty. The default scenario (VGA 30 fps, default quality) measures
//   - frames displayed ÷ frames produced (the camera's frame counter, from the JPEG stamp, over the run)
//   - quality slider → first frame drawn at the new quality (p50/p99, ms and frame periods)
//   - renderer main-thread time per displayed frame (CDP TaskDuration)
//   - memory growth of the page (JS heap after GC) and the server (RSS)
//   - launch → first frame (server spawn → first frame drawn; and page load → first frame drawn)
// and the bitrate scenarios (VGA q100 30 fps, 1280×720 q90 30 fps, QVGA 120 fps), each quiet and with one
// CPU-bound process beside it, measure displayed ÷ produced, the camera's own rate, and CPU time per frame by
// process and by the renderer's threads (/proc), plus the page's main-thread time in its frame handlers.
// Writes bench/results/app.json (or --out FILE).
// Run: npm run bench:app [-- --seconds 60 --scenario-seconds 20 --samples 30 --only vga-q100,hd-q90 --out F]
//      --root DIR runs another checkout's camdeck (its bin/ and built out/renderer), for before/after figures.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, CDPSession, Page } from '@playwright/test';
import { ensureUiBuilt, launchChromium, tracePage } from './lib/browser';
import { machine, printTable, round1 } from './lib/measure';
import { kill, killAll, startCli, track } from './lib/processes';
import { COUNTER, PAGE_INIT, SLIDE, type PageRecord } from './lib/page-probe';
import { chromiumProcesses, cpuDelta, descendants, sampleCpu, type Tracked } from './lib/proc-cpu';

const HERE = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'scenario-seconds': { type: 'string', default: '20' },
    samples: { type: 'string', default: '30' },
    only: { type: 'string', default: 'default,vga-q100,hd-q90,qvga-120' },
    load: { type: 'string', default: 'quiet,loaded' },
    root: { type: 'string', default: HERE },
    out: { type: 'string', default: path.join('bench', 'results', 'app.json') },
    /** Write a Chromium trace of 3 s of each bitrate scenario's page to FILE-<scenario>-<load>.json. */
    trace: { type: 'string' },
  },
});
const ROOT = path.resolve(args.root);
const CLI = path.join(ROOT, 'bin', 'camdeck.js');
const SECONDS = Math.max(5, Number(args.seconds));
const SCENARIO_SECONDS = Math.max(5, Number(args['scenario-seconds']));
const SAMPLES = Math.max(4, Number(args.samples));
const ONLY = new Set(args.only.split(','));
const LOADS = args.load.split(',') as Array<'quiet' | 'loaded'>;

interface Scenario {
  name: string;
  label: string;
  fps: number;
  size: string;
  /** Set with the quality slider before measuring (undefined: the camera's default). */
  quality?: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'vga-q100', label: 'VGA q100 30 fps', fps: 30, size: '640x480', quality: 100 },
  { name: 'hd-q90', label: '1280×720 q90 30 fps', fps: 30, size: '1280x720', quality: 90 },
  { name: 'qvga-120', label: 'QVGA 120 fps', fps: 120, size: '320x240' },
];

// ---- processes ---------------------------------------------------------------------------------

const start = (argv: string[], env: NodeJS.ProcessEnv = {}) => startCli(CLI, ROOT, argv, env);

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const ratio4 = (a: number, b: number): number => (b ? Math.round((a / b) * 10000) / 10000 : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}

async function metrics(cdp: CDPSession, gc = true): Promise<Record<string, number>> {
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

// ---- one rig: camera + server + page -------------------------------------------------------------------

interface Rig {
  page: Page;
  cdp: CDPSession;
  tracked: () => Tracked[];
  server: ChildProcess;
  launch: { serverSpawnToReadyMs: number; pageLoadToFirstFrameMs: number; serverSpawnToFirstFrameMs: number };
  close(): Promise<void>;
}

async function openRig(browser: Browser, tmp: string, fps: number, size: string): Promise<Rig> {
  const cam = start(['simcam', '--pty', path.join(tmp, 'cam'), '--fps', String(fps), '--size', size]);
  const ptyPath = (await cam.line(/^simcam: ready pty (\S+)/, 20_000))[1]!;
  const tSpawn = performance.now();
  const srv = start(['serve', '--port', '0', '--camera', ptyPath], {
    CAMDECK_DATA_DIR: tmp,
    CAMDECK_EXTRA_PORTS: ptyPath,
  });
  const url = (await srv.line(/^camdeck: serving (http:\/\/\S+)/, 20_000))[1]!;
  const tReady = performance.now();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(PAGE_INIT);
  const page: Page = await context.newPage();
  await page.goto(url);
  // `serve --camera` opens the camera for the page; where it does not (a page opens its own), open it here
  const shown = () =>
    page.evaluate(
      '!!document.querySelector(\'[data-testid="frame-bytes"]\')?.dataset.seq',
    ) as Promise<boolean>;
  for (let i = 0; i < 40 && !(await shown()); i++) await sleep(100);
  if (!(await shown()) && (await page.$('[data-testid="port-input"]'))) {
    await page.fill('[data-testid="port-input"]', ptyPath);
    await page.click('[data-testid="connect"]');
  }
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
    { polling: 'raf', timeout: 30_000 },
  );
  const tFirst = performance.now();
  const navStart = await page.evaluate(() => performance.timeOrigin);
  const pageToFirst = Date.now() - navStart - (performance.now() - tFirst);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return {
    page,
    cdp,
    server: srv.child,
    tracked: () => [
      { label: 'camera (simcam: encode + serve)', pid: cam.child.pid! },
      ...descendants(cam.child.pid!).map((pid) => ({ label: 'camera pty (socat)', pid })),
      { label: 'server (host read + service + send)', pid: srv.child.pid!, splitThreads: true },
      ...chromiumProcesses(process.pid),
    ],
    launch: {
      serverSpawnToReadyMs: Math.round(tReady - tSpawn),
      pageLoadToFirstFrameMs: Math.round(pageToFirst),
      serverSpawnToFirstFrameMs: Math.round(tFirst - tSpawn),
    },
    async close() {
      await context.close();
      cam.child.stdin!.write('quit\n');
      kill(srv.child);
      await sleep(300);
      kill(cam.child);
    },
  };
}

/** Frames displayed ÷ produced from what the page received (seq → camera frame) and what it drew. */
function frameCounts(rec: PageRecord) {
  // from the frames drawn: their camera frame numbers (what the camera made in between) and the host's seq
  // (what the host passed on in between)
  const stamped = rec.shown.filter(([, cf]) => cf >= 0);
  const a = stamped[0];
  const b = stamped[stamped.length - 1];
  const produced = a && b ? b[1] - a[1] + 1 : 0;
  const delivered = a && b ? b[0] - a[0] + 1 : 0;
  // the camera's own rate, on its clock: frame numbers over capture times
  const timed = stamped.filter(([, , t]) => t >= 0);
  const ta = timed[0];
  const tb = timed[timed.length - 1];
  const cameraFps = ta && tb && tb[2] > ta[2] ? ((tb[1] - ta[1]) * 1000) / (tb[2] - ta[2]) : 0;
  const spanS = ta && tb && tb[2] > ta[2] ? (tb[2] - ta[2]) / 1000 : 0;
  const meanBytes = Math.round(rec.shown.reduce((n, f) => n + f[3], 0) / Math.max(1, rec.shown.length));
  return { produced, delivered, displayed: stamped.length, cameraFps, spanS, meanBytes };
}

// ---- the bitrate scenarios -----------------------------------------------------------------------------

async function runScenario(browser: Browser, s: Scenario, load: 'quiet' | 'loaded') {
  const tmp = mkdtempSync(path.join(tmpdir(), 'camdeck-bench-'));
  const rig = await openRig(browser, tmp, s.fps, s.size);
  let hog: ChildProcess | null = null;
  try {
    if (s.quality !== undefined) {
      await rig.page.waitForSelector('[data-testid="config-quality"]', { timeout: 20_000 });
      const ms = (await rig.page.evaluate(`${SLIDE}(${s.quality})`)) as number;
      if (!Number.isFinite(ms)) throw new Error(`${s.name}: no frame at quality ${s.quality} within 5 s`);
    }
    if (load === 'loaded') {
      hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true });
      track(hog);
    }
    await sleep(3000); // warm-up
    if (args.trace) {
      const file = `${args.trace.replace(/\.json$/, '')}-${s.name}-${load}.json`;
      await tracePage(browser, rig.page, file, 3000);
      console.log(`bench:app: wrote the trace ${file}`);
    }
    const tracked = rig.tracked();
    if (hog) tracked.push({ label: 'CPU-bound process beside it', pid: hog.pid! });
    const c0 = sampleCpu(tracked);
    const m0 = await metrics(rig.cdp, false);
    const t0 = performance.now();
    await rig.page.evaluate(COUNTER);
    await sleep(SCENARIO_SECONDS * 1000);
    const rec = (await rig.page.evaluate('window.__bench.stop()')) as PageRecord;
    const wallMs = performance.now() - t0;
    const m1 = await metrics(rig.cdp, false);
    const c1 = sampleCpu(tracked);
    const n = frameCounts(rec);
    const perDisplayed = (ms: number) => round2(ms / Math.max(1, n.displayed));
    const perProduced = (ms: number) => round2(ms / Math.max(1, n.produced));
    const proc = cpuDelta(c0.processes, c1.processes);
    const threads = cpuDelta(c0.threads, c1.threads);
    const [load1] = loadavg();
    return {
      name: s.name,
      label: s.label,
      load,
      seconds: SCENARIO_SECONDS,
      loadAverage1m: round1(load1 ?? 0),
      cameraFpsSet: s.fps,
      cameraFps: round1(n.cameraFps),
      displayedFps: round1(n.displayed / (wallMs / 1000)),
      frames: {
        produced: n.produced,
        deliveredByHost: n.delivered,
        displayed: n.displayed,
        ratio: ratio4(n.displayed, n.produced),
        meanBytes: n.meanBytes,
      },
      // CPU ms per frame: per produced frame for the camera and the server, per displayed frame for the page
      cpuMsPerProducedFrame: Object.fromEntries(
        Object.entries(proc)
          .filter(([k]) => !k.startsWith('chromium'))
          .map(([k, v]) => [k, perProduced(v)]),
      ),
      cpuMsPerDisplayedFrame: Object.fromEntries(
        Object.entries(proc)
          .filter(([k]) => k.startsWith('chromium'))
          .map(([k, v]) => [k, perDisplayed(v)]),
      ),
      rendererThreadsMsPerDisplayedFrame: Object.fromEntries(
        Object.entries(threads)
          .filter(([k, v]) => k.startsWith('chromium') && v > 0)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => [k.replace(/^chromium renderer\//, ''), perDisplayed(v)]),
      ),
      serverThreadsMsPerProducedFrame: Object.fromEntries(
        Object.entries(threads)
          .filter(([k, v]) => k.startsWith('server') && v > 0)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => [k.replace(/^[^/]*\//, ''), perProduced(v)]),
      ),
      page: {
        mainThreadMsPerDisplayedFrame: perDisplayed((m1['TaskDuration']! - m0['TaskDuration']!) * 1000),
        scriptMsPerDisplayedFrame: perDisplayed((m1['ScriptDuration']! - m0['ScriptDuration']!) * 1000),
        receiveHandlerMsPerMessage: round2(rec.recvMs / Math.max(1, rec.msgs)),
        drawImageMsPerDraw: round2(rec.drawMs / Math.max(1, rec.draws)),
        messagesReceived: rec.msgs,
      },
    };
  } finally {
    if (hog) kill(hog);
    await rig.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- the default scenario: VGA 30 fps at the camera's default quality --------------------------------

async function runDefault(browser: Browser) {
  const FPS = 30;
  const PERIOD_MS = 1000 / FPS;
  const tmp = mkdtempSync(path.join(tmpdir(), 'camdeck-bench-'));
  const rig = await openRig(browser, tmp, FPS, '640x480');
  try {
    await sleep(3000); // warm-up
    const m0 = await metrics(rig.cdp);
    const rss0 = rssMB(rig.server.pid!);
    await rig.page.evaluate(COUNTER);
    console.log(`bench:app: default scenario, measuring for ${SECONDS} s…`);
    // server RSS ten times over the run: a leak keeps climbing, a warm-up step levels off
    const rssSamples: number[] = [rss0];
    for (let i = 0; i < 10; i++) {
      await sleep(SECONDS * 100);
      rssSamples.push(rssMB(rig.server.pid!));
    }
    const rec = (await rig.page.evaluate('window.__bench.stop()')) as PageRecord;
    const m1 = await metrics(rig.cdp);
    // the last of the periodic samples: one read after the page's own measuring is a single point of GC noise
    const rss1 = rssSamples.at(-1)!;
    const n = frameCounts(rec);
    const [load1] = loadavg();
    const drawn = Math.max(1, rec.drawn.length);
    const mainMs = ((m1['TaskDuration']! - m0['TaskDuration']!) * 1000) / drawn;
    const scriptMs = ((m1['ScriptDuration']! - m0['ScriptDuration']!) * 1000) / drawn;

    // slider → first frame at the new quality
    await rig.page.waitForSelector('[data-testid="config-quality"]', { timeout: 20_000 });
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const q = i % 2 === 0 ? 10 : 90;
      const ms = (await rig.page.evaluate(`${SLIDE}(${q})`)) as number;
      if (Number.isFinite(ms)) latencies.push(ms);
      await sleep(400);
    }
    return {
      seconds: SECONDS,
      loadAverage1m: round1(load1 ?? 0),
      frames: {
        produced: n.produced,
        deliveredByHost: n.delivered,
        displayed: n.displayed,
        ratio: ratio4(n.displayed, n.produced),
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
      rendererMainThread: { msPerFrame: round2(mainMs), scriptMsPerFrame: round2(scriptMs) },
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
      launch: { ...rig.launch, targetMs: 1500 },
    };
  } finally {
    await rig.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- run ---------------------------------------------------------------------------------------------

type ScenarioResult = Awaited<ReturnType<typeof runScenario>>;

/** The targets of issue 13, checked against one run's figures. */
function targets(rs: ScenarioResult[]) {
  const find = (name: string, load: string) => rs.find((r) => r.name === name && r.load === load);
  const vga = find('vga-q100', 'quiet');
  const hd = find('hd-q90', 'quiet');
  const qvga = find('qvga-120', 'quiet');
  const vgaLoaded = find('vga-q100', 'loaded');
  const out: Array<{ what: string; value: number | null; target: string; met: boolean | null }> = [];
  const add = (what: string, value: number | undefined, target: string, ok: (v: number) => boolean) =>
    out.push({ what, value: value ?? null, target, met: value === undefined ? null : ok(value) });
  add('displayed ÷ produced, VGA q100 30 fps', vga?.frames.ratio, '≥ 0.99', (v) => v >= 0.99);
  add('displayed ÷ produced, 720p q90 30 fps', hd?.frames.ratio, '≥ 0.99', (v) => v >= 0.99);
  add('fps displayed, QVGA 120 fps', qvga?.displayedFps, '≥ 60', (v) => v >= 60);
  add('camera fps, QVGA 120 fps (display on)', qvga?.cameraFps, '≈ 120', (v) => v >= 114);
  add(
    'renderer main thread per displayed VGA frame (ms)',
    vga?.page.mainThreadMsPerDisplayedFrame,
    '≤ 4',
    (v) => v <= 4,
  );
  // TaskDuration is the wall time of the main thread's tasks (on a loaded machine, also the time they waited
  // for a core); /proc gives the CPU time the thread itself used
  add(
    '… its CPU time alone (/proc), per displayed VGA frame (ms)',
    vga?.rendererThreadsMsPerDisplayedFrame['chromium'],
    '≤ 4',
    (v) => v <= 4,
  );
  add('displayed ÷ produced, VGA q100 + CPU hog', vgaLoaded?.frames.ratio, '≥ 0.95', (v) => v >= 0.95);
  return out;
}

async function main(): Promise<void> {
  ensureUiBuilt(ROOT, 'bench:app');
  const browser = await launchChromium();
  try {
    const def = ONLY.has('default') ? await runDefault(browser) : null;
    const scenarios: ScenarioResult[] = [];
    for (const s of SCENARIOS.filter((x) => ONLY.has(x.name)))
      for (const load of LOADS) {
        console.log(`bench:app: ${s.label}, ${load}, measuring for ${SCENARIO_SECONDS} s…`);
        scenarios.push(await runScenario(browser, s, load));
      }
    const result = {
      ...machine(),
      mode: 'browser-host (camdeck serve + headless Chromium, software rendering), sim cam on a pty',
      root: ROOT === HERE ? undefined : ROOT,
      ...(def ?? {}),
      scenarios,
      targets: targets(scenarios),
    };
    mkdirSync(path.dirname(path.resolve(HERE, args.out)), { recursive: true });
    writeFileSync(path.resolve(HERE, args.out), `${JSON.stringify(result, null, 2)}\n`);
    if (def)
      printTable(
        ['metric', 'value', 'target'],
        [
          [
            'frames displayed / produced',
            `${def.frames.displayed} / ${def.frames.produced} = ${def.frames.ratio}`,
            '≥ 0.99',
          ],
          ['frames delivered by the host', `${def.frames.deliveredByHost} / ${def.frames.produced}`, ''],
          [
            'slider → new-quality frame p50',
            `${def.sliderLatency.p50Ms} ms (${def.sliderLatency.p50Frames} frames)`,
            '≤ 1.5 frames',
          ],
          [
            'slider → new-quality frame p99',
            `${def.sliderLatency.p99Ms} ms (${def.sliderLatency.p99Frames} frames)`,
            '≤ 3 frames',
          ],
          ['renderer main thread / frame', `${def.rendererMainThread.msPerFrame} ms`, ''],
          [`page JS heap growth (${SECONDS} s)`, `${def.memory.pageHeapGrowthMB} MB`, '< 5 MB'],
          [`server RSS growth (${SECONDS} s)`, `${def.memory.serverRssGrowthMB} MB`, ''],
          [`  … over the second half`, `${def.memory.serverRssGrowthSecondHalfMB} MB`, ''],
          ['page load → first frame', `${def.launch.pageLoadToFirstFrameMs} ms`, '< 1500 ms'],
          ['server spawn → first frame', `${def.launch.serverSpawnToFirstFrameMs} ms`, ''],
        ],
      );
    if (scenarios.length) {
      printTable(
        [
          'scenario',
          'load',
          'cam fps',
          'shown fps',
          'shown ÷ produced',
          'page main ms/shown',
          'cpu ms/frame: cam · server · renderer',
        ],
        scenarios.map((r) => [
          r.label,
          r.load,
          r.cameraFps,
          r.displayedFps,
          r.frames.ratio,
          r.page.mainThreadMsPerDisplayedFrame,
          [
            Object.entries(r.cpuMsPerProducedFrame)
              .filter(([k]) => k.startsWith('camera'))
              .reduce((a, [, v]) => a + v, 0),
            r.cpuMsPerProducedFrame['server (host read + service + send)'] ?? 0,
            r.cpuMsPerDisplayedFrame['chromium renderer'] ?? 0,
          ]
            .map(round2)
            .join(' · '),
        ]),
      );
      printTable(
        ['target', 'value', 'target', ''],
        result.targets.map((t) => [
          t.what,
          t.value ?? '–',
          t.target,
          t.met === null ? '' : t.met ? '✓' : '✗',
        ]),
      );
    }
  } finally {
    await browser.close();
    killAll();
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
