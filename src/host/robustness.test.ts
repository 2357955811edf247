// Robustness against the simulated camera's fault injection (in-memory links, real time, a few seconds).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Opcode, PacketParser, createLinkPair } from '../protocol';
import type { ByteLink } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import { ConfigChannel } from './config';
import { FrameSource } from './frames';
import type { Frame } from './frames';
import type { CameraOptions } from './camera';
import { CameraSession } from './session';
import { memoryTransport } from './transport';

/** Wrap the host end so the test sees every request the host put on the wire. */
function tapped(link: ByteLink): { link: ByteLink; writes: Array<{ opcode: number; payload: Uint8Array }> } {
  const parser = new PacketParser({ maxPayload: 8178, crc: true });
  const writes: Array<{ opcode: number; payload: Uint8Array }> = [];
  return {
    writes,
    link: {
      write(d) {
        for (const p of parser.push(d))
          if (!(p.flags & 0x03)) writes.push({ opcode: p.opcode, payload: p.payload });
        link.write(d);
      },
      onData: (l) => link.onData(l),
      onClose: (l) => link.onClose(l),
      close: () => link.close(),
      get closed() {
        return link.closed;
      },
    },
  };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function rig(opts: Parameters<typeof createSimCam>[0] = {}, host: CameraOptions = {}) {
  const cam: SimCam = createSimCam({ fps: 60, width: 160, height: 120, ...opts });
  const taps: Array<ReturnType<typeof tapped>> = [];
  const session = new CameraSession({
    ...host,
    timeoutMs: 600,
    backoffMs: [50, 100, 200],
    open: async () => {
      const [host, device] = createLinkPair();
      cam.attach(device);
      const t = tapped(host);
      taps.push(t);
      return memoryTransport(t.link, 'sim');
    },
  });
  cleanups.push(
    () => cam.close(),
    () => session.disconnect(),
  );
  return { cam, session, taps };
}

function collect(session: CameraSession, channel: 'stream' | 'frame' = 'stream') {
  const src = new FrameSource(session.camera, { channel, idlePollMs: 150 });
  const frames: Frame[] = [];
  src.on('frame', (f) => frames.push(f));
  src.on('error', () => undefined);
  src.start();
  cleanups.push(() => src.stop());
  return frames;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Config writes under faults: each resolves with a readback showing it, or rejects; none is sent twice. */
async function configWrites(session: CameraSession, n: number) {
  const cfg = new ConfigChannel(session.camera);
  let confirmed = 0;
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const q = 20 + i;
    const started = performance.now();
    try {
      const back = await cfg.write({ quality: q });
      expect(back.quality).toBe(q);
      confirmed++;
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      failed++;
    }
    // no promise outlives its deadline by much: 600 ms per exchange (+ queue wait behind a resync)
    expect(performance.now() - started).toBeLessThan(8000);
  }
  return { confirmed, failed };
}

function writesOnWire(taps: Array<ReturnType<typeof tapped>>): string[] {
  return taps.flatMap((t) =>
    t.writes
      .filter((w) => w.opcode === Opcode.CHANNEL_WRITE)
      .map((w) => new TextDecoder().decode(w.payload.subarray(8))),
  );
}

describe('robustness against the simulated camera', () => {
  it('bit flips at 1e-4 per byte: frames keep coming, config writes are confirmed or failed, never sent twice', async () => {
    const { cam, session, taps } = rig();
    await session.connect('sim');
    await session.camera.streaming(true);
    cam.faults.set({ bitFlipRate: 1e-4 });
    const frames = collect(session);
    const { confirmed, failed } = await configWrites(session, 15);
    await sleep(800);
    expect(frames.length).toBeGreaterThan(10);
    expect(confirmed + failed).toBe(15);
    expect(confirmed).toBeGreaterThan(5);
    const wire = writesOnWire(taps);
    expect(new Set(wire).size).toBe(wire.length);
    const stats = session.camera.hostStats!;
    expect(stats.crcErrors + stats.retransmits + stats.resyncs).toBeGreaterThan(0);
  }, 30_000);

  it('bit flips with ACKs off: a corrupted reply is lost, not re-sent, yet frames keep coming and writes stay exact', async () => {
    // 498-byte packets: a frame is many back-to-back fragments, and about half the frames lose one
    const { cam, session, taps } = rig({}, { caps: { ack: false }, maxPayload: 498 });
    await session.connect('sim');
    expect(session.camera.caps).toMatchObject({ ack: false, maxPayload: 498 });
    await session.camera.streaming(true);
    cam.faults.set({ bitFlipRate: 1e-4 });
    const frames = collect(session);
    const { confirmed, failed } = await configWrites(session, 10);
    expect(confirmed + failed).toBe(10);
    expect(confirmed).toBeGreaterThan(3);
    const wire = writesOnWire(taps);
    expect(new Set(wire).size).toBe(wire.length);
    // slower than with ACKs (each loss costs a resync, a lost status reply a deadline), but never stuck
    await vi.waitFor(
      () => {
        expect(frames.length).toBeGreaterThanOrEqual(8);
        // some reply was hit, not just lucky frames
        expect(session.camera.hostStats!.crcErrors).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 50 },
    );
    for (const f of frames)
      expect([f.image[0], f.image[1], f.image.at(-2), f.image.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const stats = session.camera.hostStats!;
    // nothing is retransmitted with ACKs off: the damage shows as resyncs
    expect(stats.retransmits).toBe(0);
    expect(stats.resyncs).toBeGreaterThan(1);
  }, 30_000);

  it('dropped bytes: the link recovers by itself', async () => {
    const { cam, session } = rig();
    await session.connect('sim');
    await session.camera.streaming(true);
    cam.faults.set({ dropRate: 1e-4 });
    const frames = collect(session);
    await sleep(2500);
    cam.faults.set({ dropRate: 0 });
    const before = frames.length;
    // recovery is one deadline (600 ms) plus a resync; give a loaded machine room, but not forever
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(before), { timeout: 4000, interval: 50 });
    expect(session.state.kind).toBe('connected');
  }, 20_000);

  it('a stall longer than the deadline: requests fail on time, then streaming resumes', async () => {
    const { cam, session } = rig();
    await session.connect('sim');
    await session.camera.streaming(true);
    const frames = collect(session);
    await sleep(300);
    cam.faults.stall(1500);
    const t0 = performance.now();
    const err = await session.camera.version().catch((e: unknown) => e);
    // fails within its deadline (+ one idempotent retry), not hanging for the whole stall
    if (err instanceof Error) expect(performance.now() - t0).toBeLessThan(3000);
    const n = frames.length;
    await sleep(1500);
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(n), { timeout: 4000, interval: 50 });
    expect(session.state.kind).toBe('connected');
  }, 20_000);

  it('soft reboots mid-stream: resync, re-list, streaming restored, frames resume each time', async () => {
    const { cam, session } = rig();
    await session.connect('sim');
    await session.camera.streaming(true);
    const frames = collect(session, 'frame');
    const states: string[] = [];
    session.on('state', (s) => states.push(s.kind));
    await sleep(400);
    for (let i = 0; i < 3; i++) {
      cam.softReboot();
      await sleep(300); // past the reboot: frames counted from here come from the rebooted camera
      const n = frames.length;
      await vi.waitFor(() => expect(frames.length).toBeGreaterThan(n), { timeout: 4000, interval: 50 });
    }
    expect(states).toContain('resyncing');
    expect(session.camera.hasChannel('frame')).toBe(true);
    expect(session.camera.hostStats!.resyncs).toBeGreaterThanOrEqual(4);
  }, 20_000);

  it('memory stays bounded while streaming for a while (no queue growth, no retained frames)', async () => {
    const { session } = rig({ fps: 120 });
    await session.connect('sim');
    await session.camera.streaming(true);
    const src = new FrameSource(session.camera, { channel: 'stream' });
    let count = 0;
    src.on('frame', () => count++);
    src.start();
    cleanups.push(() => src.stop());
    await sleep(500);
    globalThis.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let maxQueued = 0;
    // at least 2 s and 40 frames (a loaded machine streams slower; the point is many frames, not a rate)
    for (let i = 0; i < 20 || (count <= 40 && i < 100); i++) {
      await sleep(100);
      maxQueued = Math.max(maxQueued, session.camera.client.queued);
    }
    globalThis.gc?.();
    const grown = process.memoryUsage().heapUsed - heap0;
    expect(count).toBeGreaterThan(40);
    expect(maxQueued).toBeLessThanOrEqual(2);
    expect(grown).toBeLessThan(64 << 20);
  }, 20_000);
});
