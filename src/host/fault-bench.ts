// Fault-recovery bench: corrupted device packets placed one at a time (a frame READ fragment, a LOCK or
// SIZE reply, a config WRITE reply) while frames are read or config written, and the stall each costs.
import { Opcode } from '../protocol';
import type { Camera, ChannelRef } from './camera';
import { ConfigChannel } from './config';
import { percentile } from './stats';

const now = (): number => performance.now();

/** Where one corrupted device packet is placed: which part of which reply. */
export interface FaultCase {
  name: string;
  part: 'header' | 'payload';
  opcode: number;
  /** 'frame': during stream-frame reads (LOCK → SIZE → READ → UNLOCK); 'config': during a config write. */
  during: 'frame' | 'config';
}

export const FAULT_CASES: FaultCase[] = [
  { name: 'frame READ fragment, header', part: 'header', opcode: Opcode.CHANNEL_READ, during: 'frame' },
  { name: 'frame READ fragment, payload', part: 'payload', opcode: Opcode.CHANNEL_READ, during: 'frame' },
  { name: 'LOCK reply, header', part: 'header', opcode: Opcode.CHANNEL_LOCK, during: 'frame' },
  { name: 'SIZE reply, header', part: 'header', opcode: Opcode.CHANNEL_SIZE, during: 'frame' },
  { name: 'SIZE reply, payload', part: 'payload', opcode: Opcode.CHANNEL_SIZE, during: 'frame' },
  // a WRITE is answered by a bare ACK: it has no payload to corrupt
  { name: 'config WRITE reply, header', part: 'header', opcode: Opcode.CHANNEL_WRITE, during: 'config' },
];

/**
 * How stalls are measured (printed with the results, and in src/host/README.md): frames are read back to
 * back while faults are placed one at a time. Stall = (completion of the first good frame after the fault −
 * completion of the last good frame before it) − the normal frame interval (the median interval between
 * consecutive good frames with no fault in between, same run). For a config write: the duration of the
 * confirmed write (WRITE + read-back) hit by the fault − the median duration of unhit writes.
 */
export const STALL_DEFINITION =
  'stall = time from the last good frame before the fault to the first good frame after it, minus the ' +
  'normal frame interval (median gap between good frames with no fault, same run); for a config write: ' +
  'its duration (WRITE + read-back) minus the median unhit write';

export interface FaultStall {
  case: string;
  part: 'header' | 'payload';
  faults: number;
  medianMs: number;
  maxMs: number;
  /** The normal frame interval (or write duration) subtracted. */
  normalMs: number;
  /** Delivered frames that differed from the reference frame, or writes whose read-back was wrong. */
  corruptDelivered: number;
  /** Faults that did not fire within 3 s (the packet never came). */
  missed: number;
  timeouts: number;
  resyncs: number;
}

export interface FaultBenchOptions {
  camera: Camera;
  frameChannel: ChannelRef;
  configChannel: string;
  /** Arm the device: its next packet of this opcode on this channel gets one flipped bit. */
  place: (part: 'header' | 'payload', opcode: number, channel: number) => Promise<void>;
  /** Faults per case. Default 20. */
  faults?: number;
  /** Good frames between two faults. Default 5. */
  goodBetween?: number;
  cases?: FaultCase[];
  log?: (line: string) => void;
}

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(test: () => boolean, ms: number): Promise<boolean> {
  const end = now() + ms;
  while (!test()) {
    if (now() > end) return false;
    await sleepMs(1);
  }
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function runFaultBench(o: FaultBenchOptions): Promise<FaultStall[]> {
  const out: FaultStall[] = [];
  for (const c of o.cases ?? FAULT_CASES) {
    const r = c.during === 'frame' ? await frameStalls(o, c) : await configStalls(o, c);
    out.push(r);
    o.log?.(
      `${c.name}: stall median ${r.medianMs.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms over ${r.faults} faults` +
        ` (normal ${r.normalMs.toFixed(1)} ms; ${r.corruptDelivered} corrupt delivered, ${r.timeouts} timeouts)`,
    );
  }
  return out;
}

/** Stalls = hit durations − the median normal one; counters as deltas since `before`. */
function summary(
  c: FaultCase,
  hit: number[],
  normal: number[],
  client: Camera['client'],
  before: { timeouts: number; resyncs: number },
  corruptDelivered: number,
  missed: number,
): FaultStall {
  const normalMs = percentile(normal, 50);
  const stalls = hit.map((d) => d - normalMs);
  return {
    case: c.name,
    part: c.part,
    faults: stalls.length,
    medianMs: percentile(stalls, 50),
    maxMs: stalls.length ? Math.max(...stalls) : 0,
    normalMs,
    corruptDelivered,
    missed,
    timeouts: client.stats.timeouts - before.timeouts,
    resyncs: client.stats.resyncs - before.resyncs,
  };
}

/** Frames read back to back; faults armed from the side, one at a time, each after `goodBetween` frames. */
async function frameStalls(o: FaultBenchOptions, c: FaultCase): Promise<FaultStall> {
  const { camera } = o;
  const client = camera.client;
  const id = camera.channel(o.frameChannel).id;
  const ref = await camera.readFrame({ channel: id, timeoutMs: 3000 });
  if (!ref) throw new Error('fault bench: no frame to read');
  const stats0 = { timeouts: client.stats.timeouts, resyncs: client.stats.resyncs };
  const crc = (): number => client.stats.crcErrors;
  const good: Array<{ t: number; crc: number }> = [];
  let corrupt = 0;
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      try {
        const f = await camera.readFrame({ channel: id, timeoutMs: 1000 });
        if (!f) continue;
        if (!sameBytes(f.image, ref.image)) corrupt++;
        good.push({ t: now(), crc: crc() });
      } catch {
        // counted by the client (timeouts, resyncs); the loop goes on
      }
    }
  })();
  let missed = 0;
  for (let i = 0; i < (o.faults ?? 20); i++) {
    const n = good.length;
    await until(() => good.length >= n + (o.goodBetween ?? 5), 5000);
    const before = crc();
    await o.place(c.part, c.opcode, id);
    if (!(await until(() => crc() > before && good.length > 0 && good.at(-1)!.crc > before, 3000))) missed++;
  }
  stop = true;
  await reader;
  const normal: number[] = [];
  const stalls: number[] = [];
  for (let j = 1; j < good.length; j++) {
    const dt = good[j]!.t - good[j - 1]!.t;
    (good[j]!.crc > good[j - 1]!.crc ? stalls : normal).push(dt);
  }
  return summary(c, stalls, normal, client, stats0, corrupt, missed);
}

/** Confirmed config writes (WRITE + read-back), every other one hit by a fault placed just before it. */
async function configStalls(o: FaultBenchOptions, c: FaultCase): Promise<FaultStall> {
  const { camera } = o;
  const client = camera.client;
  const cfg = new ConfigChannel(camera, o.configChannel);
  const id = camera.channel(o.configChannel).id;
  const stats0 = { timeouts: client.stats.timeouts, resyncs: client.stats.resyncs };
  const normal: number[] = [];
  const hit: number[] = [];
  let wrong = 0;
  let missed = 0;
  const n = o.faults ?? 20;
  for (let i = 0; i < 2 * n + 10; i++) {
    const faulted = i >= 10 && i % 2 === 0; // ten warm-up writes first
    if (faulted) await o.place(c.part, c.opcode, id);
    const value = 1 + (i % 90);
    const before = client.stats.crcErrors;
    const t0 = now();
    const back = await cfg.write({ quality: value });
    const dt = now() - t0;
    if (back.quality !== value) wrong++;
    if (faulted && client.stats.crcErrors === before) missed++;
    if (i >= 10) (faulted ? hit : normal).push(dt);
  }
  return summary(c, hit, normal, client, stats0, wrong, missed);
}
