// Host benchmark over a socat pty with real serialport, against the simulated camera in its own process
// (its engine follows the firmware: 11 ms lock grid, ACK per fragment, 498/4082-byte payloads; like the
// camera's MCU it stays awake, polling its port, for a moment after each packet it sends).
// Measures frame reads/s of a ~31 KB JPEG (LOCK → SIZE → READ → UNLOCK), bulk READ MB/s with ACK on and
// off, small-command and config-write round trips, connect time, the raw pty byte-pump throughput, and the
// stall one corrupted device packet costs (faults placed through the device's stdin, `flip-next`).
// Writes bench/results/host.json. Run: npm run bench:host (BENCH_ONLY=faults: the fault section alone,
// merged into the existing results; BENCH_FAULTS=N faults per case, default 20).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { ReadStream } from 'node:tty';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { SerialPort } from 'serialport';
import {
  Camera,
  STALL_DEFINITION,
  memoryTransport,
  openTransport,
  runFaultBench,
  runHostBench,
} from '../src/host';
import { createLinkPair } from '../src/protocol';
import type { FaultStall, HostBenchResult } from '../src/host';
import { createSimCam, registerBenchChannels } from '../src/simcam';
import { serveTty } from '../src/simcam/links';
import { machine, printTable, round1 } from './lib/measure';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * The device stays awake (polls its port) this long after each packet it sends, like the camera's MCU; the
 * raw echo does the same. BENCH_DEVICE_AWAKE=0 lets both sleep between packets instead.
 */
const DEVICE_AWAKE_MS = Number(process.env.BENCH_DEVICE_AWAKE ?? 2);
const TARGET = {
  fps: 88,
  busyPerFrame: 40,
  bulkAckOnRatio: 0.25,
  bulkAckOffRatio: 0.8,
  p99OverP50: 5,
  faultStallMedianMs: 50,
};
const ONLY_FAULTS = process.env.BENCH_ONLY === 'faults';
const FAULTS_PER_CASE = Number(process.env.BENCH_FAULTS ?? 20);
/** For comparison, per corrupted packet (§2.3 of the protocol reference; not re-measured here). */
const FAULT_COMPARISON = {
  vendorPythonMs: 560, // drops the packet silently and waits out the camera's 500 ms RTX
  oldNakPathMs: 1000, // our NAK: 3 RTX back to back, the camera resets, the host waits out its deadline
};

/** A ~31 KB JPEG (noise over a gradient, quality picked to land near the size). */
async function benchJpeg(target = 31_000): Promise<Uint8Array> {
  const w = 640;
  const h = 480;
  const rgb = new Uint8Array(w * h * 3);
  let x = 0x12345678;
  for (let i = 0; i < rgb.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    rgb[i] = ((i / 3) % w) / 3 + ((x >>> 0) % 24);
  }
  let best: Uint8Array = new Uint8Array(0);
  for (let q = 5; q <= 95; q += 5) {
    const b = new Uint8Array(
      await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: q })
        .toBuffer(),
    );
    if (!best.length || Math.abs(b.length - target) < Math.abs(best.length - target)) best = b;
  }
  return best;
}

// ---- device process ------------------------------------------------------------------------------

async function device(path: string, buffer: 512 | 4096 | 8192): Promise<void> {
  const jpeg = await benchJpeg();
  const cam = createSimCam({ demo: false, maxBuffer: buffer });
  // a script that snapshots as fast as it can: a new frame is ready as soon as the host unlocked the last
  registerBenchChannels(cam, jpeg);
  const served = serveTty(cam, path, { awakeMs: DEVICE_AWAKE_MS });
  // the simcam CLI's control line for placing one fault: flip-next header|payload [opcode] [channel]
  let pending = '';
  process.stdin.on('data', (b: Buffer) => {
    pending += b.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      const [cmd, part, opcode, channel] = line.split(/\s+/);
      if (cmd === 'flip-next' && (part === 'header' || part === 'payload')) {
        cam.faults.flipNext(part, { opcode: Number(opcode), channel: Number(channel) });
        console.log(`ok ${line}`);
      } else console.log(`error unknown command: ${line}`);
    }
  });
  console.log(`ready ${jpeg.length}`);
  process.on('SIGTERM', () => {
    cam.close();
    served.close();
    process.exit(0);
  });
}

// ---- helpers ---------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'camdeck-bench-'));
const children: ChildProcess[] = [];
function killAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-c.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function socatPair(name: string): Promise<{ host: string; dev: string }> {
  const host = join(dir, `${name}-host`);
  const dev = join(dir, `${name}-dev`);
  const c = spawn('socat', [`pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${dev}`], {
    stdio: 'ignore',
    detached: true,
  });
  children.push(c);
  const end = Date.now() + 5000;
  while (!(existsSync(host) && existsSync(dev))) {
    if (Date.now() > end) throw new Error('socat did not create the pty pair (is socat installed?)');
    await sleep(10);
  }
  return { host, dev };
}

interface DeviceProcess {
  jpeg: number;
  /** Send one control line; resolves with the device's answer line. */
  control: (line: string) => Promise<string>;
}

async function startDevice(dev: string, buffer: number): Promise<DeviceProcess> {
  const c = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--device', dev, '--buffer', String(buffer)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    },
  );
  children.push(c);
  const answers: Array<(line: string) => void> = [];
  const control = (line: string): Promise<string> =>
    new Promise((resolve) => {
      answers.push(resolve);
      c.stdin!.write(`${line}\n`);
    });
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /^ready (\d+)/.exec(line);
        if (m) resolve({ jpeg: Number(m[1]), control });
        else if (/^(ok|error) /.test(line)) answers.shift()?.(line);
      }
    });
    c.once('exit', (code) => reject(new Error(`device process exited (${code})`)));
  });
}

/** The fault section on one board: a fresh link, faults placed through the device's stdin. */
async function faultSection(host: string, device: DeviceProcess): Promise<FaultStall[]> {
  const camera = new Camera(await openTransport(host), {
    ...(process.env.BENCH_LOCK_PACE ? { lockPaceMs: Number(process.env.BENCH_LOCK_PACE) } : {}),
  });
  await camera.connect();
  try {
    return await runFaultBench({
      camera,
      frameChannel: 'benchframe',
      configChannel: 'config',
      faults: FAULTS_PER_CASE,
      place: async (part, opcode, channel) => {
        const answer = await device.control(`flip-next ${part} ${opcode} ${channel}`);
        if (!answer.startsWith('ok')) throw new Error(`device: ${answer}`);
      },
      log: (l) => console.log(`  ${l}`),
    });
  } finally {
    camera.disconnect('bench');
  }
}

/**
 * The same fault section over an in-process link (no pty, the device in this process): what recovery
 * itself costs, apart from the pty and from waking a second process on a loaded machine.
 */
async function faultInProcess(buffer: 512 | 4096): Promise<FaultStall[]> {
  const cam = createSimCam({ demo: false, maxBuffer: buffer });
  registerBenchChannels(cam, await benchJpeg());
  const [h, d] = createLinkPair();
  cam.attach(d);
  const camera = new Camera(memoryTransport(h, 'in-process'));
  try {
    await camera.connect();
    return await runFaultBench({
      camera,
      frameChannel: 'benchframe',
      configChannel: 'config',
      faults: FAULTS_PER_CASE,
      place: async (part, opcode, channel) => cam.faults.flipNext(part, { opcode, channel }),
    });
  } finally {
    camera.disconnect('bench');
    cam.close();
  }
}

interface FaultResults {
  /** 1/5/15-minute load averages at the end of the section (a shared 2-core machine). */
  loadavg: number[];
  definition: string;
  targetMedianMs: number;
  comparisonMs: typeof FAULT_COMPARISON;
  faultsPerCase: number;
  boards: Array<{ buffer: number; maxPayload: number; cases: FaultStall[]; inProcess?: FaultStall[] }>;
}

function printFaults(f: FaultResults): void {
  const rows: (string | number)[][] = [];
  for (const b of f.boards) {
    for (const [i, c] of b.cases.entries()) {
      const mem = b.inProcess?.[i];
      rows.push([
        `${c.case} (${b.maxPayload} B payload)`,
        round1(c.medianMs),
        round1(c.maxMs),
        `≤ ${f.targetMedianMs}`,
        c.faults,
        c.corruptDelivered,
        c.timeouts,
        mem ? `${round1(mem.medianMs)} / ${round1(mem.maxMs)}` : '',
      ]);
    }
  }
  console.log('');
  printTable(
    [
      'one corrupted device packet',
      'stall p50 ms',
      'max ms',
      'target p50',
      'faults',
      'corrupt',
      'timeouts',
      'in-process p50 / max',
    ],
    rows,
  );
  console.log(`${f.definition}.`);
  console.log(`load average ${f.loadavg.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min)`);
  console.log(
    `for comparison, per corrupted packet: the vendor Python host ≈ ${f.comparisonMs.vendorPythonMs} ms (waits out the camera's 500 ms RTX), our old NAK path ≈ ${f.comparisonMs.oldNakPathMs} ms (NAK → 3 RTX back to back → camera reset → host deadline)`,
  );
}

async function faultsOnly(): Promise<void> {
  const boards: FaultResults['boards'] = [];
  for (const buffer of [4096, 512] as const) {
    const { host, dev } = await socatPair(`dev${buffer}`);
    const device = await startDevice(dev, buffer);
    console.log(`\n== faults, board buffer ${buffer} (max_payload ${buffer - 14}) ==`);
    const cases = await faultSection(host, device);
    boards.push({ buffer, maxPayload: buffer - 14, cases, inProcess: await faultInProcess(buffer) });
  }
  killAll();
  const faults = faultResults(boards);
  printFaults(faults);
  const file = join(here, 'results', 'host.json');
  const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...old, faults }, null, 2) + '\n');
  console.log(`\nwrote the fault section into ${file}`);
}

function faultResults(boards: FaultResults['boards']): FaultResults {
  return {
    loadavg: loadavg(),
    definition: STALL_DEFINITION,
    targetMedianMs: TARGET.faultStallMedianMs,
    comparisonMs: FAULT_COMPARISON,
    faultsPerCase: FAULTS_PER_CASE,
    boards,
  };
}

/**
 * Raw pty throughput: one end writes 64 KB chunks, the other reads, through the same libuv tty streams
 * as the host's serial link, with no protocol on top.
 */
async function rawPump(megabytes = 32): Promise<number> {
  const { host, dev } = await socatPair('raw');
  const a = await SerialPort.binding.open({ path: host, baudRate: 921600 });
  const b = await SerialPort.binding.open({ path: dev, baudRate: 921600 });
  const chunk = Buffer.alloc(65536, 0x5a);
  const total = megabytes * 1e6;
  const rs = new ReadStream(b.fd!);
  const t0 = performance.now();
  let got = 0;
  const done = new Promise<void>((resolve) =>
    rs.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    }),
  );
  const ws = new ReadStream(a.fd!); // a libuv tty stream: non-blocking writes, POLLOUT when full
  const writer = (async () => {
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!ws.write(chunk)) await new Promise((r) => ws.once('drain', r));
    }
  })();
  await done;
  const mbps = got / 1e6 / ((performance.now() - t0) / 1000);
  await writer;
  rs.destroy();
  ws.destroy();
  await a.close().catch(() => undefined);
  await b.close().catch(() => undefined);
  return mbps;
}

/**
 * The device end of the raw ping-pong, run in its own process like the simulated camera, and kept awake
 * after each answer exactly like it (polling its port for `awakeMs`).
 */
const ECHO_SCRIPT = `
const fs = require('node:fs'); const tty = require('node:tty');
const [path, size, awake] = process.argv.slice(1); const awakeMs = Number(awake);
const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
const s = new tty.ReadStream(fd);
const reply = Buffer.alloc(Number(size), 0x5a); const buf = Buffer.alloc(65536); let got = 0;
const take = (n) => { got += n; while (got >= 14) { got -= 14; s.write(reply); poll(); } };
let until = 0; let polling = false;
const poll = () => {
  until = performance.now() + awakeMs;
  if (polling || !awakeMs) return;
  polling = true;
  setImmediate(function spin() {
    while (performance.now() < until) {
      if (s.writableLength > 0) { setImmediate(spin); return; }
      let n = 0;
      try { n = fs.readSync(fd, buf, 0, buf.length, null); } catch (e) { if (e.code === 'EAGAIN') continue; break; }
      if (n > 0) { take(n); setImmediate(spin); return; }
      break;
    }
    polling = false;
  });
};
s.on('data', (d) => take(d.length));
process.stdout.write('ready\\n');
`;

/**
 * Raw pty ping-pong, the floor under every protocol exchange: this process writes 14 bytes (a request's or
 * an ACK's size), a separate echo process answers `size` bytes, the same process layout (host, socat, device)
 * as the protocol benchmark; µs per round trip over `count` exchanges. With `size` = a fragment this is one
 * ACK-on fragment with no protocol at all; with `size` = the frame it is a request/response byte pump shaped
 * like one bulk READ.
 */
async function rawPingPong(
  size: number,
  count: number,
): Promise<{ medianUs: number; p99Us: number; mbps: number }> {
  const { host, dev } = await socatPair(`pp${size}`);
  const echo = spawn(process.execPath, ['-e', ECHO_SCRIPT, dev, String(size), String(DEVICE_AWAKE_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.push(echo);
  await new Promise<void>((resolve, reject) => {
    echo.stdout!.once('data', () => resolve());
    echo.once('exit', (code) => reject(new Error(`echo process exited (${code})`)));
  });
  const a = await SerialPort.binding.open({ path: host, baudRate: 921600 });
  const ra = new ReadStream(a.fd!);
  const request = Buffer.alloc(14, 0xa5);
  const times: number[] = [];
  let atHost = 0;
  let sent = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    ra.on('data', (d: Buffer) => {
      atHost += d.length;
      if (atHost < size) return;
      atHost -= size;
      times.push(performance.now() - sent);
      if (times.length >= count) resolve();
      else {
        sent = performance.now();
        ra.write(request);
      }
    });
    sent = performance.now();
    ra.write(request);
  });
  const total = performance.now() - t0;
  ra.destroy();
  await a.close().catch(() => undefined);
  try {
    process.kill(-echo.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  times.sort((x, y) => x - y);
  return {
    medianUs: times[times.length >> 1]! * 1000,
    p99Us: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]! * 1000,
    mbps: (size * count) / 1e3 / total,
  };
}

// ---- main ------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const idle = machine().idle;
  if (idle) console.log(`idle CPUs: ${idle} (a guest that halts without polling wakes slowly)`);
  console.log(
    DEVICE_AWAKE_MS > 0
      ? `device and raw echo stay awake ${DEVICE_AWAKE_MS} ms after each packet they send (like the camera's MCU)`
      : 'device and raw echo sleep between packets (BENCH_DEVICE_AWAKE=0)',
  );
  const rawRuns: number[] = [];
  rawRuns.push(await rawPump());
  console.log(`raw pty byte pump: ${rawRuns[0]!.toFixed(1)} MB/s`);
  const pingPong = {
    small: await rawPingPong(14, 2000),
    fragment498: await rawPingPong(512, 2000),
    fragment4082: await rawPingPong(4096, 1000),
    frame: await rawPingPong(31155, 300),
  };
  console.log(
    `raw pty ping-pong: 14 B ${pingPong.small.medianUs.toFixed(0)} µs (p99 ${pingPong.small.p99Us.toFixed(0)} µs), 512 B ${pingPong.fragment498.medianUs.toFixed(0)} µs, 4096 B ${pingPong.fragment4082.medianUs.toFixed(0)} µs, ` +
      `31155 B ${pingPong.frame.medianUs.toFixed(0)} µs (${pingPong.frame.mbps.toFixed(1)} MB/s request/response)`,
  );

  const boards: Array<{ buffer: 4096 | 512; result: HostBenchResult; jpeg: number }> = [];
  const faultBoards: FaultResults['boards'] = [];
  for (const buffer of [4096, 512] as const) {
    const { host, dev } = await socatPair(`dev${buffer}`);
    const device = await startDevice(dev, buffer);
    const jpeg = device.jpeg;
    console.log(`\n== board buffer ${buffer} (max_payload ${buffer - 14}), JPEG ${jpeg} B ==`);
    const result = await runHostBench({
      open: () => openTransport(host),
      frameChannel: 'benchframe',
      bulkChannel: 'bulk',
      configChannel: 'config',
      enableStream: false,
      camera: process.env.BENCH_LOCK_PACE ? { lockPaceMs: Number(process.env.BENCH_LOCK_PACE) } : undefined,
      frameSeconds: Number(process.env.BENCH_SECONDS ?? 4),
      connectCount: buffer === 4096 ? 5 : 2,
      log: (l) => console.log(`  ${l}`),
    });
    boards.push({ buffer, result, jpeg });
    console.log('  faults:');
    const cases = await faultSection(host, device);
    faultBoards.push({ buffer, maxPayload: buffer - 14, cases, inProcess: await faultInProcess(buffer) });
  }
  killAll();
  rawRuns.push(await rawPump());
  const raw = Math.max(...rawRuns);
  console.log(
    `raw pty byte pump (again): ${rawRuns[1]!.toFixed(1)} MB/s; using the best, ${raw.toFixed(1)} MB/s`,
  );

  const main4k = boards[0]!.result;
  const rows: (string | number)[][] = [];
  for (const { buffer, result } of boards) {
    const f = result.frames;
    rows.push([`frames/s (${buffer - 14} B payload)`, f ? round1(f.perSecond) : 'n/a', `≥ ${TARGET.fps}`]);
    rows.push([
      `BUSY per frame (${buffer - 14})`,
      f ? round1(f.busyPerFrame) : 'n/a',
      `< ${TARGET.busyPerFrame}`,
    ]);
  }
  const bulk = main4k.bulk!;
  // What the pty itself allows for each bulk pattern, as a ratio to the same raw pump: ACK on is one
  // round trip per fragment (the raw ping-pong of a fragment's size), ACK off one request/response.
  const bulkFragments = Math.ceil(bulk.bytes / bulk.maxPayload);
  const ceilingAckOn = bulk.bytes / bulkFragments / pingPong.fragment4082.medianUs / raw;
  const ceilingAckOff = pingPong.frame.mbps / raw;
  rows.push(['bulk READ ACK on, MB/s', round1(bulk.ackOnMBps), '']);
  rows.push(['  ratio to raw pty', (bulk.ackOnMBps / raw).toFixed(2), `≥ ${TARGET.bulkAckOnRatio}`]);
  rows.push(['  pty ceiling: raw ping-pong of the same fragments', ceilingAckOn.toFixed(2), '']);
  rows.push(['bulk READ ACK off, MB/s', round1(bulk.ackOffMBps), '']);
  rows.push(['  ratio to raw pty', (bulk.ackOffMBps / raw).toFixed(2), `≥ ${TARGET.bulkAckOffRatio}`]);
  rows.push(['  pty ceiling: raw request/response of 31 KB', ceilingAckOff.toFixed(2), '']);
  rows.push(['raw pty byte pump, MB/s', round1(raw), '']);
  rows.push([
    'bulk READ ACK off ÷ raw request/response pump',
    (bulk.ackOffMBps / pingPong.frame.mbps).toFixed(2),
    '',
  ]);
  for (const { buffer, result } of boards) {
    const f = result.frames;
    if (!f) continue;
    const fragments = Math.ceil(f.bytesPerFrame / (buffer - 14));
    const floor = buffer === 512 ? pingPong.fragment498 : pingPong.fragment4082;
    // the frame rate the pty allows for this many ACKed fragments, with no protocol at all
    const ceiling = 1e6 / (fragments * floor.medianUs);
    rows.push([`  pty ceiling for ${fragments} ACKed fragments/frame`, `${round1(ceiling)} /s`, '']);
  }
  rows.push([
    'small command RTT p50 / p99, ms',
    `${main4k.smallRttMs.p50.toFixed(3)} / ${main4k.smallRttMs.p99.toFixed(3)}`,
    '',
  ]);
  rows.push([
    '  p99 / p50',
    (main4k.smallRttMs.p99 / main4k.smallRttMs.p50).toFixed(2),
    `≤ ${TARGET.p99OverP50}`,
  ]);
  rows.push([
    '  raw pty ping-pong p99 / p50 (no protocol)',
    (pingPong.small.p99Us / pingPong.small.medianUs).toFixed(2),
    '',
  ]);
  const cw = main4k.configWriteRttMs!;
  rows.push(['config write RTT p50 / p99, ms', `${cw.p50.toFixed(3)} / ${cw.p99.toFixed(3)}`, '']);
  rows.push(['  p99 / p50', (cw.p99 / cw.p50).toFixed(2), `≤ ${TARGET.p99OverP50}`]);
  rows.push(['connect time p50, ms', main4k.connectMs.p50.toFixed(2), '']);
  console.log('');
  printTable(['host benchmark (socat pty, serialport)', 'value', 'target'], rows);
  const faults = faultResults(faultBoards);
  printFaults(faults);

  const out = {
    machine: machine(),
    deviceAwakeMs: DEVICE_AWAKE_MS,
    loadavg: loadavg(),
    targets: TARGET,
    rawPtyMBps: { runs: rawRuns, best: raw },
    rawPingPong: pingPong,
    boards: boards.map((b) => ({
      buffer: b.buffer,
      maxPayload: b.buffer - 14,
      jpegBytes: b.jpeg,
      ...b.result,
    })),
    ratios: {
      bulkAckOnToRaw: bulk.ackOnMBps / raw,
      bulkAckOffToRaw: bulk.ackOffMBps / raw,
      bulkAckOffToRawRequestResponse: bulk.ackOffMBps / pingPong.frame.mbps,
      ptyCeilingAckOnToRaw: ceilingAckOn,
      ptyCeilingAckOffToRaw: ceilingAckOff,
      smallRttP99OverP50: main4k.smallRttMs.p99 / main4k.smallRttMs.p50,
      configRttP99OverP50: cw.p99 / cw.p50,
      rawPingPongP99OverP50: pingPong.small.p99Us / pingPong.small.medianUs,
    },
    faults,
  };
  const file = join(here, 'results', 'host.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--device') {
  await device(argv[1]!, Number(argv[3] ?? 4096) as 512 | 4096 | 8192);
} else {
  await (ONLY_FAULTS ? faultsOnly() : main());
  process.exit(0);
}
