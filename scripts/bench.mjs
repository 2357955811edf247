#!/usr/bin/env node
// `npm run bench`: every benchmark in turn (protocol, simcam, host, app), then one summary of their result files
// in bench/results/summary.md, also written into the README between its bench-table markers. Benchmarks measure;
// they never fail the build. A missed target is reported as such.
//   npm run bench                      all four (≈ 3 minutes)
//   npm run bench -- protocol host     only those
//   npm run bench -- --summary         no runs: rebuild summary.md from the result files
//   npm run bench -- --long            app benchmark over 10 minutes (memory growth), to app-10min.json
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

const BENCHES = {
  protocol: ['bench/protocol.bench.ts'],
  simcam: ['bench/simcam.bench.ts'],
  host: ['bench/host.bench.ts'],
  app: ['bench/app.bench.ts', '--seconds', '60'],
  multicam: ['bench/multicam.bench.ts', '--seconds', '30'],
};

const argv = process.argv.slice(2);
const long = argv.includes('--long');
const summaryOnly = argv.includes('--summary');
const names = argv.filter((a) => !a.startsWith('--'));
for (const n of names)
  if (!(n in BENCHES)) {
    console.error(`bench: unknown benchmark "${n}" (known: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }

const failed = [];
if (!summaryOnly) {
  const runs = long
    ? [
        [
          'app (10 min)',
          [
            'bench/app.bench.ts',
            '--seconds',
            '600',
            '--only',
            'default',
            '--out',
            'bench/results/app-10min.json',
          ],
        ],
      ]
    : (names.length ? names : Object.keys(BENCHES)).map((n) => [n, BENCHES[n]]);
  for (const [name, args] of runs) {
    console.log(`\n=== bench ${name}`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [TSX, ...args], { cwd: ROOT, stdio: 'inherit' });
    const ok = r.status === 0;
    if (!ok) failed.push(name);
    console.log(
      `=== bench ${name}: ${ok ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
}

const read = (file) => {
  const p = path.join(RESULTS, file);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null;
};
const f = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—');
const mark = (ok) => (ok ? '✓' : '✗ missed');

/** rows: [benchmark, measure, value, target, met] */
const rows = [];
/** A row with a figure and no target. */
const info = (bench, measure, value) => rows.push([bench, measure, value, '', '']);
const dates = [];
const protocol = read('protocol.json');
if (protocol) {
  dates.push(`protocol ${protocol.date?.slice(0, 10)}`);
  rows.push([
    'protocol',
    'parser throughput, 4 KB packets, CRC on',
    `${f(protocol.parserMBps)} MB/s`,
    '≥ 200 MB/s',
    mark(protocol.parserMBps >= 200),
  ]);
  rows.push(['protocol', 'CRC-32 throughput', `${f(protocol.crc32MBps)} MB/s`, '', '']);
}
const simcam = read('simcam.json');
if (simcam) {
  dates.push(`simcam ${simcam.date?.slice(0, 10)}`);
  rows.push([
    'simcam',
    `produce ${simcam.size} q${simcam.quality} JPEG frames, one core`,
    `${f(simcam.produce?.fps)} fps`,
    `≥ ${simcam.targetFps} fps`,
    mark(simcam.produce?.fps >= simcam.targetFps),
  ]);
  rows.push([
    'simcam',
    'produce + serve on the frame channel (host reading)',
    `${f(simcam.serveFrameChannel?.fps)} fps`,
    `≥ ${simcam.targetFps} fps`,
    mark(simcam.serveFrameChannel?.fps >= simcam.targetFps),
  ]);
  rows.push([
    'simcam',
    'produce + serve on the stream channel',
    `${f(simcam.serveStreamChannel?.fps)} fps`,
    `≥ ${simcam.targetFps} fps`,
    mark(simcam.serveStreamChannel?.fps >= simcam.targetFps),
  ]);
}
const host = read('host.json');
if (host) {
  dates.push(`host ${host.machine?.date?.slice(0, 10)}`);
  const t = host.targets ?? {};
  const pp = host.rawPingPong ?? {};
  for (const b of host.boards ?? []) {
    rows.push([
      'host',
      `stream-frame reads of a ${((b.jpegBytes ?? 0) / 1000).toFixed(0)} KB JPEG, ${b.maxPayload}-byte payload`,
      `${f(b.frames?.perSecond)} /s`,
      `≥ ${t.fps} /s`,
      mark(b.frames?.perSecond >= t.fps),
    ]);
    rows.push([
      'host',
      `BUSY answers per frame, ${b.maxPayload}-byte payload`,
      f(b.frames?.busyPerFrame),
      `< ${t.busyPerFrame}`,
      mark(b.frames?.busyPerFrame < t.busyPerFrame),
    ]);
    const floor = b.maxPayload < 1000 ? pp.fragment498 : pp.fragment4082;
    if (floor && b.frames) {
      const fragments = Math.ceil(b.frames.bytesPerFrame / b.maxPayload);
      rows.push([
        'host',
        `… the pty's own ceiling for ${fragments} ACKed fragments per frame (raw ping-pong, no protocol)`,
        `${f(1e6 / (fragments * floor.medianUs))} /s`,
        '',
        '',
      ]);
    }
  }
  const r = host.ratios ?? {};
  rows.push([
    'host',
    'bulk READ, ACK on ÷ raw pty',
    f(r.bulkAckOnToRaw, 2),
    `≥ ${t.bulkAckOnRatio}`,
    mark(r.bulkAckOnToRaw >= t.bulkAckOnRatio),
  ]);
  if (r.ptyCeilingAckOnToRaw !== undefined)
    info(
      'host',
      "… the pty's own ceiling for it (raw ping-pong of the same fragments, no protocol)",
      f(r.ptyCeilingAckOnToRaw, 2),
    );
  rows.push([
    'host',
    'bulk READ, ACK off ÷ raw pty',
    f(r.bulkAckOffToRaw, 2),
    `≥ ${t.bulkAckOffRatio}`,
    mark(r.bulkAckOffToRaw >= t.bulkAckOffRatio),
  ]);
  if (r.ptyCeilingAckOffToRaw !== undefined) {
    info(
      'host',
      "… the pty's own ceiling for it (raw request/response of the same 31 KB, no protocol)",
      f(r.ptyCeilingAckOffToRaw, 2),
    );
    info('host', '… i.e. this share of that ceiling', f(r.bulkAckOffToRawRequestResponse, 2));
  }
  const b0 = host.boards?.[0];
  if (b0) {
    rows.push([
      'host',
      'small command round trip p50 / p99',
      `${f(b0.smallRttMs?.p50, 2)} / ${f(b0.smallRttMs?.p99, 2)} ms`,
      `p99 ≤ ${t.p99OverP50} × p50`,
      mark(r.smallRttP99OverP50 <= t.p99OverP50),
    ]);
    if (r.rawPingPongP99OverP50 !== undefined)
      rows.push([
        'host',
        '… raw pty ping-pong p99 ÷ p50 (no protocol)',
        f(r.rawPingPongP99OverP50, 1),
        '',
        '',
      ]);
    rows.push([
      'host',
      'config write round trip p50 / p99',
      `${f(b0.configWriteRttMs?.p50, 2)} / ${f(b0.configWriteRttMs?.p99, 2)} ms`,
      `p99 ≤ ${t.p99OverP50} × p50`,
      mark(r.configRttP99OverP50 <= t.p99OverP50),
    ]);
    rows.push([
      'host',
      'connect (open, SYNC, caps, list, version, sysinfo), p50',
      `${f(b0.connectMs?.p50)} ms`,
      '',
      '',
    ]);
  }
  const fl = host.faults;
  for (const b of fl?.boards ?? []) {
    // the worst case (frame READ/LOCK/SIZE header or payload, config WRITE) by its median
    const worst = [...b.cases].sort((x, y) => y.medianMs - x.medianMs)[0];
    if (!worst) continue;
    rows.push([
      'host',
      `one corrupted device packet, stall p50 of the worst case (${worst.case}) / max of all, ${b.maxPayload} B`,
      `${f(worst.medianMs)} / ${f(Math.max(...b.cases.map((c) => c.maxMs)))} ms`,
      `p50 ≤ ${fl.targetMedianMs} ms`,
      mark(worst.medianMs <= fl.targetMedianMs),
    ]);
  }
  if (fl?.comparisonMs)
    info(
      'host',
      '… per corrupted packet, vendor Python host / our old NAK path (not re-measured)',
      `≈ ${fl.comparisonMs.vendorPythonMs} / ${fl.comparisonMs.oldNakPathMs} ms`,
    );
}
for (const [file, label] of [
  ['app.json', 'app'],
  ['app-10min.json', 'app (10 min)'],
]) {
  const app = read(file);
  if (!app) continue;
  dates.push(`${label} ${app.date?.slice(0, 10)}`);
  if (file === 'app.json') {
    rows.push([
      label,
      `frames displayed ÷ produced over ${app.seconds} s (VGA 30 fps)`,
      f(app.frames?.ratio, 3),
      `≥ ${app.frames?.target}`,
      mark(app.frames?.ratio >= app.frames?.target),
    ]);
    const s = app.sliderLatency ?? {};
    rows.push([
      label,
      'quality slider → first frame at the new quality, p50',
      `${f(s.p50Frames)} periods (${f(s.p50Ms)} ms)`,
      `≤ ${s.targetFrames?.p50}`,
      mark(s.p50Frames <= s.targetFrames?.p50),
    ]);
    rows.push([
      label,
      'quality slider → first frame at the new quality, p99',
      `${f(s.p99Frames)} periods (${f(s.p99Ms)} ms)`,
      `≤ ${s.targetFrames?.p99}`,
      mark(s.p99Frames <= s.targetFrames?.p99),
    ]);
    rows.push([
      label,
      'renderer main-thread time per frame',
      `${f(app.rendererMainThread?.msPerFrame, 2)} ms`,
      '',
      '',
    ]);
    rows.push([
      label,
      'page load → first frame drawn',
      `${f(app.launch?.pageLoadToFirstFrameMs, 0)} ms`,
      `< ${app.launch?.targetMs} ms`,
      mark(app.launch?.pageLoadToFirstFrameMs < app.launch?.targetMs),
    ]);
  }
  // the bitrate scenarios: shown ÷ produced with the host's share, then the issue-13 targets of the same run
  for (const sc of app.scenarios ?? []) {
    const fr = sc.frames ?? {};
    info(
      label,
      `${sc.label}, ${sc.load} (load ${f(sc.loadAverage1m)}): shown ÷ produced (host delivered ÷ produced), cam / shown fps`,
      `${f(fr.ratio, 3)} (${f(fr.deliveredByHost / fr.produced, 3)}), ${f(sc.cameraFps)} / ${f(sc.displayedFps)}`,
    );
  }
  for (const t of app.targets ?? [])
    rows.push([
      label,
      t.what,
      t.value === null ? '—' : String(t.value),
      t.target,
      t.met === null ? '' : mark(t.met),
    ]);
  const m = app.memory ?? {};
  rows.push([
    label,
    `page JS heap growth over ${m.overSeconds} s`,
    `${f(m.pageHeapGrowthMB)} MB`,
    `< ${m.targetMB} MB`,
    mark(m.pageHeapGrowthMB < m.targetMB),
  ]);
  rows.push([label, `server RSS growth over ${m.overSeconds} s`, `${f(m.serverRssGrowthMB)} MB`, '', '']);
  if (m.serverRssGrowthSecondHalfMB !== undefined)
    rows.push([
      label,
      '… of which in the second half (a leak keeps climbing)',
      `${f(m.serverRssGrowthSecondHalfMB)} MB`,
      '',
      '',
    ]);
}

const multi = read('multicam.json');
if (multi) {
  dates.push(`multicam ${multi.machine?.date?.slice(0, 10)}`);
  for (const sc of multi.scenarios ?? []) {
    if (sc.page === false) {
      rows.push([
        'multicam',
        `${sc.label}: frames read by the host ÷ produced, worst camera`,
        f(sc.worstRatio, 3),
        '',
        '',
      ]);
      continue;
    }
    rows.push([
      'multicam',
      `${sc.label}: frames displayed ÷ produced, worst camera (load ${f(sc.loadAverage1m)})`,
      f(sc.worstRatio, 3),
      `≥ ${sc.target} each`,
      mark(sc.meetsTarget),
    ]);
    const cams = sc.perCamera ?? [];
    const sum = (k) => cams.reduce((a, c) => a + c[k], 0);
    info(
      'multicam',
      `… ${sc.label}: read by the host ÷ produced, reached the page ÷ read, drawn ÷ reached`,
      `${f(sum('receivedByHost') / sum('produced'), 2)}, ${f(sum('receivedByPage') / sum('receivedByHost'), 2)}, ${f(sum('displayed') / sum('receivedByPage'), 2)}`,
    );
    info(
      'multicam',
      `… ${sc.label}: CPU ms per frame, cameras · server (per produced) · browser (per drawn); share of 2 cores`,
      `${f(sc.cpuMsPerProducedFrame?.cameras, 2)} · ${f(sc.cpuMsPerProducedFrame?.server, 2)} · ${f(sc.cpuMsPerDisplayedFrame?.browser, 1)}; ${f(sc.cpuShareOfTwoCores?.cameras, 0)} % · ${f(sc.cpuShareOfTwoCores?.server, 0)} % · ${f(sc.cpuShareOfTwoCores?.browser, 0)} %`,
    );
  }
}

// padded like Prettier pads markdown tables, so the README stays formatted after a refresh
const header = ['benchmark', 'measure', 'value', 'target', ''];
const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
const table = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join(
  '\n',
);
const awake =
  host?.deviceAwakeMs > 0
    ? `, the simulated camera (and raw echo) staying awake ${host.deviceAwakeMs} ms after each packet it sends`
    : host
      ? ', the simulated camera (and raw echo) sleeping between packets'
      : '';
const idle = host?.machine?.idle
  ? ` Host figures measured with idle CPUs in ${host.machine.idle}${awake}.`
  : '';
const summary = `# Benchmark summary\n\nGenerated by \`npm run bench\` from bench/results/*.json (${dates.join(', ')}).\nThe machine is shared and noisy: ratios measured in one run are more telling than absolute figures.${idle}\n\n${table}\n`;
writeFileSync(path.join(RESULTS, 'summary.md'), summary);
// the README carries the same table between two markers
const readmePath = path.join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const marked = /(<!-- bench-table:start -->\n)[\s\S]*?(<!-- bench-table:end -->)/;
if (marked.test(readme))
  writeFileSync(
    readmePath,
    readme.replace(marked, (_m, open, close) => `${open}\n${table}\n\n${close}`),
  );
console.log(`\n${table}\n\nbench: summary written to bench/results/summary.md`);
if (failed.length) {
  console.error(`bench: ${failed.join(', ')} did not complete`);
  process.exit(1);
}
