// Host benchmark core, shared by `camdeck bench` and bench/host.bench.ts: frame reads/s on a stream-like
// channel, bulk READ MB/s with ACK on and off, small-command and config-write round trips, connect time.
import { EMPTY, Opcode } from '../protocol';
import { Camera } from './camera';
import type { CameraOptions, ChannelRef } from './camera';
import { ConfigChannel } from './config';
import { percentile } from './stats';
import type { HostStats } from '../model';
import type { Transport } from './transport';

// The fault-recovery bench (runFaultBench) lives beside it; one import path serves both.
export * from './fault-bench';

export interface HostBenchOptions {
  /** Opens a fresh transport to the camera (called for each connect). */
  open: () => Promise<Transport>;
  /** Channel for frame reads (LOCK → SIZE → READ → UNLOCK). Default the stream channel. */
  frameChannel?: ChannelRef;
  /** Channel for bulk reads; default: the frame channel, read repeatedly while locked. */
  bulkChannel?: ChannelRef;
  /** Config channel for write round trips (skipped when absent). Default "config". */
  configChannel?: string;
  /** Enable the stream (STREAM_CTRL 1) before reading frames. Default true when frameChannel is the stream. */
  enableStream?: boolean;
  frameSeconds?: number;
  bulkSeconds?: number;
  rttCount?: number;
  connectCount?: number;
  camera?: CameraOptions;
  log?: (line: string) => void;
}

export interface HostBenchResult {
  connectMs: { p50: number; max: number; runs: number };
  frames: {
    perSecond: number;
    count: number;
    bytesPerFrame: number;
    busyPerFrame: number;
    seconds: number;
  } | null;
  bulk: {
    bytes: number;
    ackOnMBps: number;
    ackOffMBps: number;
    maxPayload: number;
  } | null;
  smallRttMs: { p50: number; p99: number; count: number };
  configWriteRttMs: { p50: number; p99: number; count: number } | null;
  host: { foldedAcks: number; retransmits: number; crcErrors: number; timeouts: number; resyncs: number };
}

const now = (): number => performance.now();

export async function runHostBench(o: HostBenchOptions): Promise<HostBenchResult> {
  const log = o.log ?? (() => undefined);
  const frameRef = o.frameChannel ?? 'stream';
  const connectCount = o.connectCount ?? 5;

  // connect time: open + SYNC + caps + list + version + sysinfo, on fresh links
  const connects: number[] = [];
  for (let i = 0; i < connectCount; i++) {
    const t0 = now();
    const cam = new Camera(await o.open(), o.camera);
    await cam.connect();
    connects.push(now() - t0);
    cam.disconnect('bench');
  }
  log(`connect: p50 ${percentile(connects, 50).toFixed(2)} ms`);

  const camera = new Camera(await o.open(), o.camera);
  await camera.connect();
  try {
    // small-command round trip
    const small: number[] = [];
    const rttCount = o.rttCount ?? 500;
    // warm-up: the first exchanges after connect run unoptimised code; steady state is what we report
    for (let i = 0; i < Math.min(100, rttCount); i++)
      await camera.client.request(Opcode.CHANNEL_POLL, 0, EMPTY);
    for (let i = 0; i < rttCount; i++) {
      const t0 = now();
      await camera.client.request(Opcode.CHANNEL_POLL, 0, EMPTY);
      small.push(now() - t0);
    }
    log(
      `small command: p50 ${percentile(small, 50).toFixed(3)} ms, p99 ${percentile(small, 99).toFixed(3)} ms`,
    );

    // config write round trip (WRITE only, of the value it already has: nothing changes on the camera)
    let configRtt: HostBenchResult['configWriteRttMs'] = null;
    const cfgName = o.configChannel ?? 'config';
    if (camera.hasChannel(cfgName)) {
      const cfg = new ConfigChannel(camera, cfgName);
      const values = await cfg.read();
      const key = Object.keys(values)[0];
      if (key !== undefined) {
        const data = new TextEncoder().encode(JSON.stringify({ [key]: values[key] }));
        const rt: number[] = [];
        for (let i = 0; i < Math.min(rttCount, 50); i++) await camera.channelWrite(cfgName, data);
        for (let i = 0; i < Math.min(rttCount, 300); i++) {
          const t0 = now();
          await camera.channelWrite(cfgName, data);
          rt.push(now() - t0);
        }
        configRtt = { p50: percentile(rt, 50), p99: percentile(rt, 99), count: rt.length };
        log(`config write: p50 ${configRtt.p50.toFixed(3)} ms, p99 ${configRtt.p99.toFixed(3)} ms`);
      }
    }

    // frame reads
    let frames: HostBenchResult['frames'] = null;
    const frameInfo = safeChannel(camera, frameRef);
    if (frameInfo) {
      if (o.enableStream ?? frameInfo.name === 'stream') await camera.streaming(true);
      // warm up, and make sure frames come at all
      const first = await camera.readFrame({ channel: frameRef, timeoutMs: 3000 });
      if (first) {
        const busy0 = camera.client.stats.busy;
        const seconds = o.frameSeconds ?? 3;
        let count = 0;
        let bytes = 0;
        const t0 = now();
        while (now() - t0 < seconds * 1000) {
          const f = await camera.readFrame({ channel: frameRef, timeoutMs: 1000 });
          if (f) {
            count++;
            bytes += f.image.length + f.header.offset;
          }
        }
        const elapsed = (now() - t0) / 1000;
        frames = {
          perSecond: count / elapsed,
          count,
          bytesPerFrame: count ? Math.round(bytes / count) : 0,
          busyPerFrame: count ? (camera.client.stats.busy - busy0) / count : 0,
          seconds: elapsed,
        };
        log(
          `frames: ${frames.perSecond.toFixed(1)}/s (${count} × ${frames.bytesPerFrame} B), ${frames.busyPerFrame.toFixed(1)} BUSY per frame`,
        );
      } else {
        log('frames: no frame arrived (is the camera streaming?)');
      }
    }

    // bulk READ, ACK on, then ACK off on a fresh link
    let bulk: HostBenchResult['bulk'] = null;
    let stats: HostStats | null = null;
    const bulkRef = o.bulkChannel ?? frameRef;
    if (safeChannel(camera, bulkRef)) {
      const on = await bulkRead(camera, bulkRef, o.bulkSeconds ?? 2);
      const maxPayload = camera.caps.maxPayload;
      stats = camera.client.stats;
      camera.disconnect('bench'); // one owner per port: the ACK-off run opens its own link
      const offCam = new Camera(await o.open(), { ...o.camera, caps: { ...o.camera?.caps, ack: false } });
      let off = { bytes: 0, mbps: 0 };
      try {
        await offCam.connect();
        off = await bulkRead(offCam, bulkRef, o.bulkSeconds ?? 2);
      } finally {
        offCam.disconnect('bench');
      }
      if (on.bytes) {
        bulk = { bytes: on.bytes, ackOnMBps: on.mbps, ackOffMBps: off.mbps, maxPayload };
        log(
          `bulk READ ${on.bytes} B: ${on.mbps.toFixed(1)} MB/s ACK on, ${off.mbps.toFixed(1)} MB/s ACK off`,
        );
      }
    }

    const s = stats ?? camera.client.stats;
    return {
      connectMs: { p50: percentile(connects, 50), max: Math.max(...connects), runs: connects.length },
      frames,
      bulk,
      smallRttMs: { p50: percentile(small, 50), p99: percentile(small, 99), count: small.length },
      configWriteRttMs: configRtt,
      host: {
        foldedAcks: s.foldedAcks,
        retransmits: s.retransmits,
        crcErrors: s.crcErrors,
        timeouts: s.timeouts,
        resyncs: s.resyncs,
      },
    };
  } finally {
    camera.disconnect('bench');
  }
}

function safeChannel(camera: Camera, ref: ChannelRef) {
  try {
    return camera.channel(ref);
  } catch {
    return null;
  }
}

/**
 * READ the whole channel repeatedly. A LOCK channel is locked once and read while held (READ never
 * checks the lock, and the held frame cannot change), so this measures READ alone.
 */
async function bulkRead(
  camera: Camera,
  ref: ChannelRef,
  seconds: number,
): Promise<{ bytes: number; mbps: number }> {
  const ch = camera.channel(ref);
  const lockable = ch.flagNames.includes('LOCK');
  if (lockable) {
    if (ch.name === 'stream') await camera.streaming(true);
    const end = now() + 3000;
    while (!(await camera.channelLock(ch.id))) {
      if (now() > end) return { bytes: 0, mbps: 0 };
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  try {
    const size = await camera.channelSize(ch.id);
    if (!size) return { bytes: 0, mbps: 0 };
    let total = 0;
    const t0 = now();
    while (now() - t0 < seconds * 1000) {
      const d = await camera.channelRead(ch.id, { length: size });
      total += d.length;
    }
    return { bytes: size, mbps: total / 1e6 / ((now() - t0) / 1000) };
  } finally {
    if (lockable) await camera.channelUnlock(ch.id).catch(() => undefined);
  }
}
