import { describe, expect, it } from 'vitest';
import type { FrameMeta } from '../../../shared/contract';
import { DISPLAY_INTERVAL_MS, FrameSink, type Decoded } from './frame-sink';

class FakeBitmap implements Decoded {
  closed = false;
  constructor(
    readonly id: number,
    readonly width = 4,
    readonly height = 2,
  ) {}
  close() {
    this.closed = true;
  }
}

function harness() {
  let now = 0;
  const decodes: Array<{ id: number; resolve: (b: FakeBitmap) => void; reject: (e: Error) => void }> = [];
  let drawRequests = 0;
  const errors: string[] = [];
  const sink = new FrameSink<FakeBitmap>({
    decode: (image, meta) =>
      new Promise((resolve, reject) =>
        decodes.push({ id: meta.seq, resolve: (bitmap) => resolve({ bitmap, image }), reject }),
      ),
    requestDraw: () => drawRequests++,
    now: () => now,
    onDecodeError: (e) => errors.push(e.message),
  });
  const meta = (seq: number): FrameMeta => ({
    camera: 'demo-1',
    seq,
    channel: 'frame',
    width: 4,
    height: 2,
    bytes: 1000,
    format: 'jpeg',
    receivedAt: 0,
  });
  return { sink, decodes, errors, meta, draws: () => drawRequests, tick: (ms: number) => (now += ms) };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('FrameSink', () => {
  it('decodes one at a time, only the newest frame waiting, and none while a decoded frame waits', async () => {
    const h = harness();
    for (let i = 1; i <= 5; i++) h.sink.push(h.meta(i), new Uint8Array([i]));
    expect(h.decodes.map((d) => d.id)).toEqual([1]);
    h.decodes[0]!.resolve(new FakeBitmap(1));
    await flush();
    expect(h.draws()).toBe(1);
    h.sink.push(h.meta(6), new Uint8Array([6]));
    expect(h.decodes.map((d) => d.id)).toEqual([1]); // 1 waits for its animation frame: 6 is not decoded yet
    expect(h.sink.takeForDraw()?.meta.seq).toBe(1);
    expect(h.decodes.map((d) => d.id)).toEqual([1, 6]); // 2..5 were replaced, never decoded
    expect(h.sink.counters).toMatchObject({ superseded: 4, notDecoded: 4, decodedNotDrawn: 0 });
  });

  it('overlaps the next decode with the wait for the animation frame when decoding is slower than a refresh', async () => {
    const h = harness();
    h.sink.push(h.meta(1), new Uint8Array([1]));
    h.tick(DISPLAY_INTERVAL_MS * 2);
    h.decodes[0]!.resolve(new FakeBitmap(1));
    await flush();
    h.sink.push(h.meta(2), new Uint8Array([2]));
    expect(h.decodes.map((d) => d.id)).toEqual([1, 2]);
    expect(h.sink.decodeMs()).toBeCloseTo(DISPLAY_INTERVAL_MS * 2);
  });

  it('holds one waiting frame however many arrive while a decode is stuck', () => {
    const h = harness();
    for (let i = 1; i <= 10_000; i++) h.sink.push(h.meta(i), new Uint8Array([i]));
    expect(h.decodes).toHaveLength(1);
    expect(h.sink.counters).toMatchObject({ received: 10_000, superseded: 9_998, notDecoded: 9_998 });
  });

  it('closes a decoded bitmap that was never drawn, and the previous one on draw', async () => {
    const h = harness();
    h.sink.push(h.meta(1), new Uint8Array([1]));
    h.tick(DISPLAY_INTERVAL_MS * 2); // slow decodes: the next one overlaps the wait
    const b1 = new FakeBitmap(1);
    h.decodes[0]!.resolve(b1);
    await flush();
    h.sink.push(h.meta(2), new Uint8Array([2]));
    const b2 = new FakeBitmap(2);
    h.decodes[1]!.resolve(b2);
    await flush();
    expect(b1.closed).toBe(true); // superseded before any animation frame
    expect(h.sink.counters.decodedNotDrawn).toBe(1);
    const shown = h.sink.takeForDraw();
    expect(shown?.bitmap).toBe(b2);
    expect(h.sink.takeForDraw()).toBeNull();
    h.sink.push(h.meta(3), new Uint8Array([3]));
    const b3 = new FakeBitmap(3);
    h.decodes[2]!.resolve(b3);
    await flush();
    expect(h.sink.takeForDraw()?.meta.seq).toBe(3);
    expect(b2.closed).toBe(true);
    expect(h.sink.shown()?.image).toEqual(new Uint8Array([3]));
    h.sink.dispose();
    expect(b3.closed).toBe(true);
  });

  it('closes a bitmap that comes back after dispose', async () => {
    const h = harness();
    h.sink.push(h.meta(1), new Uint8Array([1]));
    h.sink.dispose();
    const b = new FakeBitmap(1);
    h.decodes[0]!.resolve(b);
    await flush();
    expect(b.closed).toBe(true);
    expect(h.sink.shown()).toBeNull();
  });

  it('reports a decode error and carries on with the next frame', async () => {
    const h = harness();
    h.sink.push(h.meta(1), new Uint8Array([1]));
    h.sink.push(h.meta(2), new Uint8Array([2]));
    h.decodes[0]!.reject(new Error('bad JPEG'));
    await flush();
    expect(h.errors).toEqual(['bad JPEG']);
    expect(h.decodes.map((d) => d.id)).toEqual([1, 2]);
  });

  it('measures the display rate (draws), not the camera rate', async () => {
    const h = harness();
    for (let i = 1; i <= 31; i++) {
      h.sink.push(h.meta(i), new Uint8Array([i]));
      const d = h.decodes[h.decodes.length - 1]!;
      if (i % 2 === 1) {
        d.resolve(new FakeBitmap(i));
        await flush();
        h.sink.takeForDraw();
      }
      h.tick(1000 / 30);
    }
    expect(h.sink.displayFps()).toBeCloseTo(15, 0);
    expect(h.sink.counters.received).toBe(31);
  });
});
