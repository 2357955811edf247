// Protocol core micro-benchmark: CRC-32/CRC-16 throughput and parser throughput on a stream of
// 4 KB-payload packets (CRC on). Prints a table and writes bench/results/protocol.json.
// Run: npm run bench:protocol
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc16, crc32, Flag, Opcode, PacketParser, packetSize, writePacket } from '../src/protocol';
import { machine, printTable, round1, throughput } from './lib/measure';

const TARGET_MBPS = 200;
const PAYLOAD = 4096;
const PACKETS = 2048; // ~8.4 MB of wire bytes per pass
const REPS = Number(process.env.BENCH_REPS ?? 7);

// Deterministic pseudo-random payload bytes (xorshift32), so runs are comparable.
function randomBytes(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const data = randomBytes(8 << 20);
const crc32Result = throughput(data.length, () => void crc32(data), REPS);
const crc16Result = throughput(data.length, () => void crc16(data), REPS);

// A stream as a camera sends a frame: CHANNEL_READ fragments on channel 3 with ACK_REQ.
const size = packetSize(PAYLOAD);
const stream = new Uint8Array(size * PACKETS);
const payload = randomBytes(PAYLOAD, 12345);
for (let i = 0; i < PACKETS; i++) {
  const flags = Flag.ACK_REQ | (i < PACKETS - 1 ? Flag.FRAGMENT : 0);
  writePacket(stream, i * size, { seq: i & 0xff, channel: 3, flags, opcode: Opcode.CHANNEL_READ, payload });
}

function parseIn(chunk: number, crc: boolean): () => void {
  return () => {
    const parser = new PacketParser({ maxPayload: PAYLOAD, crc });
    let got = 0;
    for (let off = 0; off < stream.length; off += chunk) {
      got += parser.push(stream.subarray(off, Math.min(off + chunk, stream.length))).length;
    }
    if (got !== PACKETS) throw new Error(`parser returned ${got} of ${PACKETS} packets`);
  };
}

const parserRuns = [
  { name: 'parser, 64 KB chunks, CRC on', chunk: 65536, crc: true },
  { name: 'parser, 4 KB chunks, CRC on', chunk: 4096, crc: true },
  { name: 'parser, 512 B chunks, CRC on', chunk: 512, crc: true },
  { name: 'parser, 64 B chunks, CRC on', chunk: 64, crc: true },
  { name: 'parser, 64 KB chunks, CRC off', chunk: 65536, crc: false },
].map((r) => ({ ...r, result: throughput(stream.length, parseIn(r.chunk, r.crc), REPS) }));

const rows = [{ name: 'crc32', result: crc32Result }, { name: 'crc16', result: crc16Result }, ...parserRuns];
printTable(
  ['workload (MB/s)', 'median', 'best', 'runs'],
  rows.map((r) => [
    r.name,
    round1(r.result.median),
    round1(r.result.best),
    r.result.runs.map((x) => Math.round(x)).join(' '),
  ]),
);

const parserMBps = round1(parserRuns[0]!.result.median);
const info = machine();
const results = {
  ...info,
  crc32MBps: round1(crc32Result.median),
  crc16MBps: round1(crc16Result.median),
  parserMBps,
  parserBestMBps: round1(parserRuns[0]!.result.best),
  target: TARGET_MBPS,
  meetsTarget: parserMBps >= TARGET_MBPS,
  payloadBytes: PAYLOAD,
  packets: PACKETS,
  repetitions: REPS,
  statistic: 'median MB/s (10^6 bytes/s) over repetitions, after 3 warm-up passes; best = fastest repetition',
  parserByChunk: Object.fromEntries(parserRuns.map((r) => [r.name, round1(r.result.median)])),
  loadAverage: loadavg()[0],
};
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'protocol.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(
  `\nparser ${parserMBps} MB/s (target ${TARGET_MBPS}): ${results.meetsTarget ? 'met' : 'NOT met'}; ` +
    `${info.cpu}, ${info.cores} cores, node ${info.node} → ${out}`,
);
