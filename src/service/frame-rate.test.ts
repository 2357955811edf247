import { describe, expect, it } from 'vitest';
import { FrameRateEstimator } from './frame-rate';

/** Feed `count` frames every `intervalMs` of camera time, received `lagMs` later on the host clock. */
function feed(
  e: FrameRateEstimator,
  opts: { from: number; count: number; intervalMs: number; bytes: number; lagMs?: number; hostFrom?: number },
): number {
  let t = opts.from;
  const hostOffset = (opts.hostFrom ?? opts.from) - opts.from;
  for (let i = 0; i < opts.count; i++) {
    // host arrival jitters; the camera's stamps do not
    const jitter = (i % 3) * 7;
    e.add({ captureTime: t, hostMs: t + hostOffset + (opts.lagMs ?? 20) + jitter, bytes: opts.bytes });
    t += opts.intervalMs;
  }
  return t - opts.intervalMs;
}

describe('FrameRateEstimator', () => {
  it('1 fps reads 1.0, not 0', () => {
    const e = new FrameRateEstimator();
    expect(e.estimate(0).fps).toBeNull(); // nothing measured yet: no number at all
    feed(e, { from: 10_000, count: 1, intervalMs: 1000, bytes: 13_000 });
    expect(e.estimate(10_100).fps).toBeNull();
    const last = feed(e, { from: 11_000, count: 1, intervalMs: 1000, bytes: 13_000 });
    const r = e.estimate(last + 100);
    expect(r.fps).toBeCloseTo(1.0, 5);
    expect(r.kbps).toBeCloseTo(104, 5); // 13 000 B × 8 per second
    expect(r.clock).toBe('camera');
    // and stays 1.0 as more frames come
    const later = feed(e, { from: 12_000, count: 8, intervalMs: 1000, bytes: 13_000 });
    expect(e.estimate(later + 500).fps).toBeCloseTo(1.0, 5);
  });

  it('30 fps: fps and kbps from camera time, not from the jittery host arrivals', () => {
    const e = new FrameRateEstimator();
    const last = feed(e, { from: 0, count: 90, intervalMs: 1000 / 30, bytes: 13_000 });
    const r = e.estimate(last + 30);
    expect(r.fps).toBeCloseTo(30, 5);
    expect(r.kbps).toBeCloseTo((30 * 13_000 * 8) / 1000, 5);
    expect(r.spanMs).toBeGreaterThanOrEqual(1000);
    expect(r.frames).toBeLessThan(40);
  });

  it('after a quality change the pair stays possible: kbps ÷ fps is a real frame size', () => {
    const e = new FrameRateEstimator();
    let last = feed(e, { from: 0, count: 60, intervalMs: 1000 / 30, bytes: 71_000 });
    last = feed(e, { from: last + 1000 / 30, count: 5, intervalMs: 1000 / 30, bytes: 13_000 });
    for (const at of [0, 5, 15, 40]) {
      if (at) last = feed(e, { from: last + 1000 / 30, count: at, intervalMs: 1000 / 30, bytes: 13_000 });
      const r = e.estimate(last + 10);
      const meanFrame = (r.kbps! * 1000) / 8 / r.fps!;
      expect(meanFrame).toBeGreaterThanOrEqual(13_000 - 1);
      expect(meanFrame).toBeLessThanOrEqual(71_000 + 1);
      expect(r.fps).toBeCloseTo(30, 5);
    }
    // a second later only small frames are in the window
    last = feed(e, { from: last + 1000 / 30, count: 35, intervalMs: 1000 / 30, bytes: 13_000 });
    expect(e.estimate(last + 10).kbps).toBeCloseTo((30 * 13_000 * 8) / 1000, 5);
  });

  it('a gap in the stream: the window spans it, then recovers; a stopped stream reads 0', () => {
    const e = new FrameRateEstimator();
    let last = feed(e, { from: 0, count: 40, intervalMs: 1000 / 30, bytes: 10_000 });
    expect(e.estimate(last + 20).fps).toBeCloseTo(30, 5);
    // nothing for 3 s on the host: stopped
    expect(e.estimate(last + 3000).fps).toBe(0);
    expect(e.estimate(last + 3000).kbps).toBe(0);
    // frames resume after a 5 s stall: the rate over the window is honest (low), then back to 30
    last = feed(e, { from: last + 5000, count: 1, intervalMs: 1000 / 30, bytes: 10_000 });
    expect(e.estimate(last + 20).fps).toBeLessThan(10);
    last = feed(e, { from: last + 1000 / 30, count: 40, intervalMs: 1000 / 30, bytes: 10_000 });
    expect(e.estimate(last + 20).fps).toBeCloseTo(30, 5);
  });

  it('reconnect: reset forgets the old connection; a camera clock that runs backwards restarts the window', () => {
    const e = new FrameRateEstimator();
    feed(e, { from: 50_000, count: 40, intervalMs: 100, bytes: 5000 });
    e.reset();
    expect(e.estimate(60_000).fps).toBeNull();
    const last = feed(e, { from: 70_000, count: 20, intervalMs: 50, bytes: 5000 });
    expect(e.estimate(last + 10).fps).toBeCloseTo(20, 5);
    // the camera rebooted: its stamps start near 0 again; no negative or huge span
    feed(e, { from: 100, count: 1, intervalMs: 50, bytes: 5000, hostFrom: last + 100 });
    expect(e.estimate(last + 150).fps).toBeNull();
    const l2 = feed(e, { from: 150, count: 30, intervalMs: 50, bytes: 5000, hostFrom: last + 150 });
    expect(e.estimate(last + 150 + (l2 - 150) + 10).fps).toBeCloseTo(20, 5);
  });

  it('without capture stamps: the stream header fps, else the host clock', () => {
    const h = new FrameRateEstimator();
    for (let i = 0; i < 10; i++) h.add({ hostMs: i * 40, bytes: 8000, headerFps: 25 });
    const r = h.estimate(400);
    expect(r).toMatchObject({ fps: 25, clock: 'header' });
    expect(r.kbps).toBeCloseTo((25 * 8000 * 8) / 1000, 5);

    const host = new FrameRateEstimator();
    for (let i = 0; i < 40; i++) host.add({ hostMs: i * 50, bytes: 1000 });
    expect(host.estimate(40 * 50).fps).toBeCloseTo(20, 5);
    expect(host.estimate(40 * 50).clock).toBe('host');
  });

  it("numbered frames: fps is the camera's rate when the host reads only some of them; kbps what was read", () => {
    const e = new FrameRateEstimator();
    // a 30 fps camera, the host reading every third frame (a page showing 10 fps)
    for (let i = 0; i < 90; i += 3)
      e.add({ captureTime: (i * 1000) / 30, cameraFrame: 1 + i, hostMs: (i * 1000) / 30 + 5, bytes: 10_000 });
    const r = e.estimate((87 * 1000) / 30 + 10);
    expect(r.fps).toBeCloseTo(30, 5);
    expect(r.kbps).toBeCloseTo((10 * 10_000 * 8) / 1000, 5); // 10 frames a second crossed the link
    // the same frames without numbers: the rate of frames read
    const u = new FrameRateEstimator();
    for (let i = 0; i < 90; i += 3)
      u.add({ captureTime: (i * 1000) / 30, hostMs: (i * 1000) / 30 + 5, bytes: 1 });
    expect(u.estimate((87 * 1000) / 30 + 10).fps).toBeCloseTo(10, 5);
  });
});
