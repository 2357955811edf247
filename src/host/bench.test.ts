import { describe, expect, it } from 'vitest';
import { PixFormat, createLinkPair, encodeStreamHeader } from '../protocol';
import { createSimCam, registerBenchChannels } from '../simcam';
import { FAULT_CASES, runFaultBench, runHostBench } from './bench';
import { Camera } from './camera';
import { memoryTransport } from './transport';

describe('runHostBench', () => {
  it('measures connect, round trips, frames and bulk reads against the sim cam (structure and sanity)', async () => {
    const cam = createSimCam({ demo: false });
    const frame = new Uint8Array(32 + 31_000);
    frame.set(
      encodeStreamHeader({
        width: 640,
        height: 480,
        pixfmt: PixFormat.JPEG,
        size: 31_000,
        offset: 32,
        fps: 90,
      }),
    );
    const readp = (o: number, n: number) => frame.subarray(o, o + n);
    cam.register({
      name: 'benchframe',
      backend: { poll: () => true, lock: () => true, unlock: () => true, size: () => frame.length, readp },
    });
    cam.register({ name: 'bulk', backend: { size: () => frame.length, readp } });
    try {
      const r = await runHostBench({
        open: async () => {
          const [h, d] = createLinkPair();
          cam.attach(d);
          return memoryTransport(h);
        },
        frameChannel: 'benchframe',
        bulkChannel: 'bulk',
        frameSeconds: 0.3,
        bulkSeconds: 0.2,
        rttCount: 50,
        connectCount: 2,
      });
      expect(r.connectMs.runs).toBe(2);
      expect(r.smallRttMs.count).toBe(50);
      expect(r.smallRttMs.p99).toBeGreaterThanOrEqual(r.smallRttMs.p50);
      expect(r.frames!.count).toBeGreaterThan(3);
      expect(r.frames!.bytesPerFrame).toBe(frame.length);
      // the firmware's lock grid: never more than one frame per 11 ms. The count starts at a frame, so n frames
      // span at least n - 1 grid steps (n / seconds alone reads up to one frame high on a short run)
      const { count, seconds } = r.frames!;
      expect(r.frames!.perSecond).toBeCloseTo(count / seconds, 6);
      expect((count - 1) / seconds).toBeLessThanOrEqual(1000 / 11 + 1);
      expect(r.bulk!.bytes).toBe(frame.length);
      expect(r.bulk!.ackOnMBps).toBeGreaterThan(0);
      expect(r.bulk!.ackOffMBps).toBeGreaterThan(0);
      expect(r.configWriteRttMs).toBeNull(); // no config channel on this camera
      expect(r.host.timeouts).toBe(0);
    } finally {
      cam.close();
    }
  }, 20_000);
});

describe('runFaultBench', () => {
  it('places faults one at a time and reports stalls per case, every frame and write intact', async () => {
    const cam = createSimCam({ demo: false, maxBuffer: 512 });
    registerBenchChannels(
      cam,
      Uint8Array.from({ length: 9000 }, (_, i) => (i * 13) & 0xff),
    );
    const [h, d] = createLinkPair();
    cam.attach(d);
    const camera = new Camera(memoryTransport(h), { timeoutMs: 5000 });
    try {
      await camera.connect();
      const r = await runFaultBench({
        camera,
        frameChannel: 'benchframe',
        configChannel: 'config',
        faults: 3,
        goodBetween: 2,
        place: async (part, opcode, channel) => cam.faults.flipNext(part, { opcode, channel }),
      });
      expect(r.map((x) => x.case)).toEqual(FAULT_CASES.map((c) => c.name));
      for (const x of r) {
        expect(x.faults, x.case).toBeGreaterThanOrEqual(3);
        expect(x).toMatchObject({ corruptDelivered: 0, missed: 0, timeouts: 0 });
        expect(x.resyncs, x.case).toBeGreaterThanOrEqual(3);
        expect(x.maxMs).toBeGreaterThanOrEqual(x.medianMs);
      }
    } finally {
      camera.disconnect();
      cam.close();
    }
  }, 30_000);
});
