// Robustness against the simulated camera's fault injection (in-memory links, real time, a few seconds).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelId, EMPTY, Opcode, PacketParser, createLinkPair, decodeCaps } from '../protocol';
import type { ByteLink } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import { ConfigChannel } from './config';
import { FrameSource } from './frames';
import type { Frame } from './frames';
import { parseStamp } from '../model';
import { parseJpeg } from './jpeg';
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

/**
 * A JSON config channel registered on the camera that counts how often each document is applied, so a
 * test can tell "re-sent after a read-back showed it missing" (fine) from "applied twice" (never).
 */
function countingConfig(cam: SimCam, name = 'counted') {
  let values: Record<string, unknown> = { quality: 10 };
  const applied = new Map<string, number>();
  cam.register({
    name,
    backend: {
      size: () => new TextEncoder().encode(JSON.stringify(values)).length,
      read: (offset: number, size: number) =>
        new TextEncoder().encode(JSON.stringify(values)).subarray(offset, offset + size),
      write: (_offset: number, data: Uint8Array) => {
        const text = new TextDecoder().decode(data);
        applied.set(text, (applied.get(text) ?? 0) + 1);
        values = { ...values, ...(JSON.parse(text) as object) };
        return data.length;
      },
    },
  });
  return {
    name,
    applied,
    /** Every document applied at most once, and at least the confirmed ones. */
    expectExact(confirmed: number) {
      for (const [doc, n] of applied) expect(n, doc).toBe(1);
      expect(applied.size).toBeGreaterThanOrEqual(confirmed);
    },
  };
}

/** Config writes under faults: each resolves with a readback showing it, or rejects. */
async function configWrites(session: CameraSession, n: number, name = 'config') {
  const cfg = new ConfigChannel(session.camera, name);
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
  it('bit flips at 1e-4 per byte: frames keep coming, config writes are confirmed or failed, never applied twice', async () => {
    const { cam, session, taps } = rig();
    await session.connect('sim');
    await session.camera.streaming(true);
    cam.faults.set({ bitFlipRate: 1e-4 });
    const frames = collect(session);
    const counted = countingConfig(cam);
    await vi.waitFor(() => expect(session.camera.hasChannel(counted.name)).toBe(true), { timeout: 5000 });
    const { confirmed, failed } = await configWrites(session, 15, counted.name);
    expect(confirmed + failed).toBe(15);
    expect(confirmed).toBeGreaterThan(5);
    counted.expectExact(confirmed);
    void taps;
    // a count, not a rate: on a loaded machine the frames come later, so wait for them (generously)
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(10), { timeout: 15_000, interval: 50 });
    const stats = session.camera.hostStats!;
    expect(stats.crcErrors + stats.retransmits + stats.resyncs).toBeGreaterThan(0);
  }, 30_000);

  it('bit flips with ACKs off: a corrupted reply is lost, not re-sent by the camera, yet frames keep coming and writes stay exact', async () => {
    // 498-byte packets: a frame is many back-to-back fragments, and about half the frames lose one
    const { cam, session, taps } = rig({}, { caps: { ack: false }, maxPayload: 498 });
    await session.connect('sim');
    expect(session.camera.caps).toMatchObject({ ack: false, maxPayload: 498 });
    await session.camera.streaming(true);
    cam.faults.set({ bitFlipRate: 1e-4 });
    const frames = collect(session);
    const counted = countingConfig(cam);
    await vi.waitFor(() => expect(session.camera.hasChannel(counted.name)).toBe(true), { timeout: 5000 });
    const { confirmed, failed } = await configWrites(session, 10, counted.name);
    expect(confirmed + failed).toBe(10);
    expect(confirmed).toBeGreaterThan(3);
    counted.expectExact(confirmed);
    void taps;
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
    // nothing is retransmitted with ACKs off: the damage shows as resyncs (only between a SYNC and its
    // SET_CAPS, while the camera runs its defaults with ACKs on, can a lost ACK bring a retransmission)
    expect(stats.retransmits).toBeLessThanOrEqual(stats.resyncs);
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

  it('a reboot is reported as the reboot even when a request in flight then fails on the reset counter', async () => {
    // 15 ms device → host: the host keeps sending requests after the camera announced the reboot and reset,
    // so they meet the camera's fresh sequence counter (NAK SEQUENCE) before the host sees the event.
    const { cam, session } = rig({ faults: { latencyMs: 15 } });
    await session.connect('sim');
    await session.camera.streaming(true);
    const frames = collect(session, 'frame');
    const reasons: string[] = [];
    session.on('state', (s) => {
      if (s.kind === 'resyncing') reasons.push(s.reason);
    });
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(2), { timeout: 10_000, interval: 50 });
    const timeouts = session.camera.hostStats!.timeouts;
    for (let i = 0; i < 3; i++) {
      const n = reasons.length;
      cam.softReboot();
      await vi.waitFor(() => expect(reasons.length).toBeGreaterThan(n), { timeout: 10_000, interval: 20 });
      const f = frames.length;
      await vi.waitFor(() => expect(frames.length).toBeGreaterThan(f), { timeout: 10_000, interval: 50 });
    }
    expect(reasons.length).toBeGreaterThanOrEqual(3);
    for (const r of reasons) expect(r).toBe('camera soft reboot');
    // the request the reboot cut short failed at once: no reply deadline was waited out
    expect(session.camera.hostStats!.timeouts).toBe(timeouts);
  }, 60_000);

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

/** A delivered stream/frame JPEG is whole: SOI … EOI, parseable segments, the simulated camera's stamp. */
function expectIntact(f: Frame): number {
  expect([f.image[0], f.image[1], f.image.at(-2), f.image.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
  const jpeg = parseJpeg(f.image);
  expect(jpeg).not.toBeNull();
  const stamp = parseStamp(jpeg!.comment);
  expect(stamp.cameraFrame).toBeTypeOf('number');
  return stamp.cameraFrame!;
}

describe('placed faults: one corrupted device packet at a time (flipNext)', () => {
  // A 5 s reply deadline: recovering by waiting one out would show as timeouts, and take seconds.
  const host = (ack: boolean): CameraOptions => ({ caps: { ack }, maxPayload: 498 });

  const frameCases: Array<[string, 'header' | 'payload', number]> = [
    ['READ fragment header', 'header', Opcode.CHANNEL_READ],
    ['READ fragment payload', 'payload', Opcode.CHANNEL_READ],
    ['LOCK reply header', 'header', Opcode.CHANNEL_LOCK],
    ['SIZE reply header', 'header', Opcode.CHANNEL_SIZE],
    ['SIZE reply payload', 'payload', Opcode.CHANNEL_SIZE],
  ];
  for (const ack of [true, false]) {
    it(`stream frames, ACK ${ack ? 'on' : 'off'}: after each fault frames keep coming, every one intact`, async () => {
      const { cam, session } = rig({}, { ...host(ack), timeoutMs: 5000 });
      await session.connect('sim');
      await session.camera.streaming(true);
      const frames = collect(session);
      await vi.waitFor(() => expect(frames.length).toBeGreaterThan(2), { timeout: 5000 });
      for (const [what, part, opcode] of frameCases) {
        for (let i = 0; i < 2; i++) {
          cam.faults.flipNext(part, { opcode, channel: ChannelId.STREAM });
          await vi.waitFor(() => expect(cam.faults.pendingFlip(), what).toBe(false), { timeout: 5000 });
          const n = frames.length;
          // recovery within 2 s on a loaded machine (the bench measures how fast)
          await vi.waitFor(() => expect(frames.length, what).toBeGreaterThan(n), { timeout: 2000 });
        }
      }
      let last = -1;
      for (const f of frames) {
        const n = expectIntact(f);
        expect(n).toBeGreaterThan(last); // nothing stale or repeated delivered
        last = n;
      }
      const s = session.camera.hostStats!;
      expect(s.timeouts).toBe(0);
      expect(s.crcErrors).toBeGreaterThanOrEqual(frameCases.length * 2);
      expect(session.camera.client.recovery.abandoned).toBeGreaterThan(0);
      expect(session.camera.caps).toMatchObject({ ack, maxPayload: 498 });
    }, 60_000);
  }

  it('frame channel (readp, no lock): a corrupted fragment costs one read, frames stay intact', async () => {
    const { cam, session } = rig({}, { timeoutMs: 5000 });
    await session.connect('sim');
    const frames = collect(session, 'frame');
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(2), { timeout: 5000 });
    const id = session.camera.channel('frame').id;
    for (const part of ['header', 'payload', 'header', 'payload'] as const) {
      cam.faults.flipNext(part, { opcode: Opcode.CHANNEL_READ, channel: id });
      await vi.waitFor(() => expect(cam.faults.pendingFlip()).toBe(false), { timeout: 5000 });
      const n = frames.length;
      await vi.waitFor(() => expect(frames.length).toBeGreaterThan(n), { timeout: 2000 });
    }
    for (const f of frames) expectIntact(f);
    expect(session.camera.hostStats!.timeouts).toBe(0);
  }, 30_000);

  for (const ack of [true, false]) {
    it(`config writes, ACK ${ack ? 'on' : 'off'}: a corrupted WRITE ACK or read-back → every write applied exactly once`, async () => {
      const { cam, session, taps } = rig({}, { ...host(ack), timeoutMs: 5000 });
      await session.connect('sim');
      await session.camera.streaming(true);
      collect(session); // frames and their events keep the link busy meanwhile
      const counted = countingConfig(cam);
      await vi.waitFor(() => expect(session.camera.hasChannel(counted.name)).toBe(true), { timeout: 5000 });
      const cfg = new ConfigChannel(session.camera, counted.name);
      const id = session.camera.channel(counted.name).id;
      for (let i = 0; i < 8; i++) {
        if (i % 2 === 0) cam.faults.flipNext('header', { opcode: Opcode.CHANNEL_WRITE, channel: id });
        else
          cam.faults.flipNext(i % 4 === 1 ? 'header' : 'payload', {
            opcode: Opcode.CHANNEL_READ,
            channel: id,
          });
        const t0 = performance.now();
        const back = await cfg.write({ quality: 30 + i });
        expect(back.quality).toBe(30 + i);
        expect(performance.now() - t0).toBeLessThan(2000);
      }
      expect(cam.faults.pendingFlip()).toBe(false);
      counted.expectExact(8);
      expect(counted.applied.size).toBe(8);
      // the camera got every reply-corrupted WRITE once: the read-back showed it, nothing re-sent
      const wire = writesOnWire(taps).filter((w) => w.includes('"quality":3'));
      expect(wire).toHaveLength(8);
      expect(session.camera.hostStats!.timeouts).toBe(0);
    }, 30_000);
  }

  it('caps restored after a soft reboot (the camera back at its defaults): GET_CAPS shows ours again', async () => {
    const { cam, session } = rig({}, { ...host(false), timeoutMs: 5000 });
    await session.connect('sim');
    const deviceCaps = async () =>
      decodeCaps(await session.camera.client.request(Opcode.PROTO_GET_CAPS, 0, EMPTY));
    expect(await deviceCaps()).toMatchObject({ ack: false, maxPayload: 498 });
    for (let i = 0; i < 3; i++) {
      const resyncs = session.camera.client.stats.resyncs;
      cam.softReboot();
      await vi.waitFor(
        () => {
          expect(session.camera.client.stats.resyncs).toBeGreaterThan(resyncs);
          expect(session.state.kind).toBe('connected');
        },
        { timeout: 2000 },
      );
      expect(await deviceCaps()).toMatchObject({ ack: false, maxPayload: 498 });
    }
  }, 20_000);

  it('stdout (read() path): pieces sent after the SYNC are discarded, the link stays in step', async () => {
    const { cam, session } = rig({}, { timeoutMs: 5000 });
    await session.connect('sim');
    cam.print('x'.repeat(900) + '\n'); // two 512-byte pieces and a bit
    await vi.waitFor(async () =>
      expect(await session.camera.channelSize(ChannelId.STDOUT)).toBeGreaterThan(900),
    );
    cam.faults.flipNext('payload', { opcode: Opcode.CHANNEL_READ, channel: ChannelId.STDOUT });
    // a plain READ (the default 'resync' policy): abandoned at once, not retried (READ consumes)
    const size = await session.camera.channelSize(ChannelId.STDOUT);
    const err = await session.camera.channelRead(ChannelId.STDOUT, { length: size }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((await session.camera.version()).firmware).toBeDefined();
    await vi.waitFor(() => expect(session.state.kind).toBe('connected'), { timeout: 2000 });
    const c = session.camera.client;
    expect(c.recovery.stalePackets).toBeGreaterThan(0);
    expect(c.stats.timeouts + c.stats.sequenceErrors).toBe(0);
    cam.print('after\n');
    await vi.waitFor(async () => expect(await session.camera.readStdout()).toContain('after'), {
      timeout: 2000,
    });
  }, 20_000);

  it('readStdout loses nothing to a corrupted piece: it waits for the retransmission instead of resyncing', async () => {
    const { cam, session } = rig({}, { timeoutMs: 5000 });
    await session.connect('sim');
    const resyncs = session.camera.client.stats.resyncs;
    const text = Array.from({ length: 18 }, (_, i) => `line ${i} ${'y'.repeat(40)}`).join('\n') + '\n';
    for (const part of ['payload', 'header'] as const) {
      await session.camera.readStdout(); // whatever the script printed before
      cam.print(text); // two 512-byte pieces (the ring holds 1023 bytes)
      await vi.waitFor(async () =>
        expect(await session.camera.channelSize(ChannelId.STDOUT)).toBe(text.length),
      );
      const before = { ...session.camera.client.recovery };
      cam.faults.flipNext(part, { opcode: Opcode.CHANNEL_READ, channel: ChannelId.STDOUT });
      expect(await session.camera.readStdout()).toBe(text);
      expect(cam.faults.pendingFlip()).toBe(false);
      const after = session.camera.client.recovery;
      expect(after.awaitedRtx).toBeGreaterThan(before.awaitedRtx);
      expect(after.abandoned).toBe(before.abandoned);
    }
    expect(session.camera.client.stats.resyncs).toBe(resyncs);
    expect(cam.stats().retransmits).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
