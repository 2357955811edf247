// The paint worker's logic in Node: fake surfaces, a fake decoder and a fake connection stand in for the
// OffscreenCanvas, ImageDecoder and the worker's socket.
import { describe, expect, it } from 'vitest';
import type { CameraId, FrameMeta } from '../../../shared/contract';
import type { PaintReply } from './paint-protocol';
import {
  createPainter,
  type FramesHandlers,
  type PaintContext,
  type PaintSurface,
  type Picture,
} from './paint-worker-core';

function surface() {
  const draws: Array<{ source: unknown; dw: number; dh: number }> = [];
  const fills: string[] = [];
  const ctx: PaintContext = {
    fillStyle: '',
    imageSmoothingEnabled: true,
    fillRect() {
      fills.push(String(ctx.fillStyle));
    },
    drawImage(source, _dx, _dy, dw, dh) {
      draws.push({ source, dw, dh });
    },
  };
  const s: PaintSurface = { width: 0, height: 0, getContext: () => ctx };
  return { s, draws, fills };
}

const meta = (camera: CameraId, seq: number, format: FrameMeta['format'] = 'jpeg'): FrameMeta => ({
  camera,
  seq,
  channel: 'frame',
  width: 320,
  height: 240,
  bytes: 10 + seq,
  format,
  receivedAt: 0,
  quality: 50,
});

function rig() {
  const posted: PaintReply[] = [];
  const watched: CameraId[][] = [];
  const credits: CameraId[] = [];
  let on: FramesHandlers | null = null;
  let closed = 0;
  const frames: Array<() => void> = [];
  const decodes: Array<{
    seq: number;
    bytes: Uint8Array;
    resolve(p: Picture): void;
    reject(e: Error): void;
  }> = [];
  const bitmapDecodes: Array<{
    seq: number;
    bytes: Uint8Array;
    resolve(b: ImageBitmap): void;
    reject(e: Error): void;
  }> = [];
  const transfers: unknown[][] = [];
  const closedPictures: number[] = [];
  let interval: (() => void) | null = null;
  const painter = createPainter({
    post: (m, transfer) => {
      posted.push(m);
      transfers.push(transfer ?? []);
    },
    connect(_carrier, handlers) {
      on = handlers;
      return {
        watch: (ids) => void watched.push(ids),
        credit: (c) => void credits.push(c),
        close: () => void closed++,
      };
    },
    decode: (bytes) =>
      new Promise((resolve, reject) => decodes.push({ seq: bytes[0]!, bytes, resolve, reject })),
    decodeBitmap: (bytes) =>
      new Promise((resolve, reject) => bitmapDecodes.push({ seq: bytes[0]!, bytes, resolve, reject })),
    requestFrame: (cb) => void frames.push(cb),
    now: () => 0,
    setInterval: (fn) => ((interval = fn), 1),
    clearInterval: () => (interval = null),
  });
  const picture = (seq: number): Picture => ({
    width: 320,
    height: 240,
    source: { seq } as unknown as CanvasImageSource,
    close: () => void closedPictures.push(seq),
  });
  const push = (camera: CameraId, seq: number, format?: FrameMeta['format']) =>
    on!.frame(meta(camera, seq, format), new Uint8Array([seq]));
  const animationFrame = () => frames.splice(0).forEach((f) => f());
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const show = (camera: CameraId, id: number) => {
    const sf = surface();
    painter.handle({
      type: 'show',
      surface: id,
      camera,
      canvas: sf.s as unknown as OffscreenCanvas,
      width: 640,
      height: 480,
      background: '#111',
    });
    return sf;
  };
  return {
    painter,
    posted,
    watched,
    credits,
    decodes,
    bitmapDecodes,
    transfers,
    closedPictures,
    picture,
    push,
    animationFrame,
    settle,
    show,
    closed: () => closed,
    tick: () => interval?.(),
    problem: (message: string) => on!.problem(message),
    connect: () => painter.handle({ type: 'carrier', carrier: { kind: 'ws', url: 'ws://x/ws' } }),
  };
}

describe('the paint worker', () => {
  it('watches exactly the cameras it has tiles for, and again when they change', () => {
    const r = rig();
    r.show('a', 1); // before the carrier: remembered
    r.connect();
    expect(r.watched.at(-1)).toEqual(['a']);
    r.show('b', 2);
    expect(r.watched.at(-1)).toEqual(['a', 'b']);
    r.painter.handle({ type: 'hide', surface: 1, camera: 'a' });
    expect(r.watched.at(-1)).toEqual(['b']);
  });

  it('decodes the newest frame, draws it fitted on the animation frame, and credits each frame it takes', async () => {
    const r = rig();
    r.connect();
    const sf = r.show('a', 1);
    r.push('a', 1);
    expect(r.credits).toEqual(['a']); // taken for decoding: the service may send the next
    r.push('a', 2);
    r.push('a', 3); // 2 is superseded while 1 decodes: never decoded
    expect(r.decodes.map((d) => d.seq)).toEqual([1]);
    r.decodes[0]!.resolve(r.picture(1));
    await r.settle();
    expect(sf.draws).toHaveLength(0); // drawn on the animation frame, not before
    r.animationFrame();
    expect(sf.draws).toHaveLength(1);
    expect(sf.draws[0]).toMatchObject({ source: { seq: 1 }, dw: 640, dh: 480 }); // 320×240 fitted to 640×480
    expect(r.decodes.map((d) => d.seq)).toEqual([1, 3]); // the newest, once the drawn one is on screen
    r.decodes[1]!.resolve(r.picture(3));
    await r.settle();
    r.animationFrame();
    expect(r.closedPictures).toEqual([1]); // the picture it replaced is closed: nothing is held but what shows
    const f = r.painter.figures()['a']!;
    expect(f.counters).toMatchObject({ received: 3, decoded: 2, drawn: 2, superseded: 1, notDecoded: 1 });
    expect(f.shown).toEqual({ width: 320, height: 240, bytes: 13, seq: 3, quality: 50 });
  });

  it('frames of a camera without a tile are ignored, and a late hide of an old canvas changes nothing', async () => {
    const r = rig();
    r.connect();
    r.push('x', 1);
    expect(r.decodes).toHaveLength(0);
    r.show('a', 1);
    const second = r.show('a', 2); // the same camera on a new canvas (a remounted tile)
    r.painter.handle({ type: 'hide', surface: 1, camera: 'a' }); // the old canvas's goodbye, arriving late
    r.push('a', 1);
    r.decodes[0]!.resolve(r.picture(1));
    await r.settle();
    r.animationFrame();
    expect(second.draws).toHaveLength(1);
  });

  it('a resize or a new background repaints what is on screen', async () => {
    const r = rig();
    r.connect();
    const sf = r.show('a', 1);
    r.push('a', 1);
    r.decodes[0]!.resolve(r.picture(1));
    await r.settle();
    r.animationFrame();
    r.painter.handle({ type: 'resize', surface: 1, camera: 'a', width: 160, height: 480 });
    expect(sf.s.width).toBe(160);
    expect(sf.draws.at(-1)).toMatchObject({ dw: 160, dh: 120 });
    r.painter.handle({ type: 'background', surface: 1, camera: 'a', background: '#eee' });
    expect(sf.fills.at(-1)).toBe('#eee');
    expect(sf.draws).toHaveLength(3);
  });

  it('a frame that cannot be decoded is reported with its meta, and the next one is tried', async () => {
    const r = rig();
    r.connect();
    r.show('a', 1);
    r.push('a', 1);
    r.decodes[0]!.reject(new Error('bad JPEG'));
    await r.settle();
    expect(r.posted).toContainEqual(
      expect.objectContaining({
        type: 'decode-error',
        message: 'bad JPEG',
        meta: expect.objectContaining({ seq: 1 }),
      }),
    );
    r.push('a', 2, 'raw'); // a format it cannot show: an error too, without a decode
    await r.settle();
    expect(r.posted.filter((m) => m.type === 'decode-error')).toHaveLength(2);
    r.push('a', 3);
    expect(r.decodes.map((d) => d.seq)).toEqual([1, 3]);
  });

  it('delivers the focus camera decoded, two at most on their way: another once the page releases one', async () => {
    const r = rig();
    r.connect();
    r.painter.handle({ type: 'deliver', cameras: ['f'] });
    expect(r.watched.at(-1)).toEqual(['f']);
    const bitmap = (seq: number) => ({ seq, width: 640, height: 480, close() {} }) as unknown as ImageBitmap;
    const frames = () => r.posted.filter((m) => m.type === 'frame');
    const decodeNext = async (seq: number) => {
      r.push('f', seq);
      r.bitmapDecodes.at(-1)!.resolve(bitmap(r.bitmapDecodes.at(-1)!.seq));
      await r.settle();
    };
    await decodeNext(1);
    expect(r.credits).toEqual(['f']);
    expect(frames()).toHaveLength(1);
    expect(frames()[0]).toMatchObject({ meta: { seq: 1 }, bitmap: { seq: 1 } });
    expect(r.transfers.at(-1)).toHaveLength(2); // the bitmap and the bytes move, not copied
    await decodeNext(2);
    expect(frames()).toHaveLength(2); // two on their way: the page has the next before its animation frame
    await decodeNext(3); // decoded, but waits: the page has not released any yet
    r.push('f', 4); // waits undecoded: a decoded frame waits already
    expect(r.bitmapDecodes.map((d) => d.seq)).toEqual([1, 2, 3]);
    expect(frames()).toHaveLength(2);
    r.painter.handle({ type: 'released', camera: 'f' });
    expect(frames()).toHaveLength(3);
    expect(frames()[2]).toMatchObject({ meta: { seq: 3 } });
    expect(r.bitmapDecodes.map((d) => d.seq)).toEqual([1, 2, 3, 4]);
    r.painter.handle({ type: 'deliver', cameras: [] });
    expect(r.watched.at(-1)).toEqual([]);
    r.painter.handle({ type: 'released', camera: 'f' }); // late: nothing more is sent
    expect(frames()).toHaveLength(3);
  });

  it('a camera both in a tile and delivered: the delivered copy is the one whose buffer moves', () => {
    const r = rig();
    r.connect();
    r.show('a', 1);
    r.painter.handle({ type: 'deliver', cameras: ['a'] });
    r.push('a', 7);
    expect(r.decodes.map((d) => d.seq)).toEqual([7]);
    expect(r.bitmapDecodes.map((d) => d.seq)).toEqual([7]);
    expect(r.bitmapDecodes[0]!.bytes.buffer).not.toBe(r.decodes[0]!.bytes.buffer);
    expect(r.watched.at(-1)).toEqual(['a']); // watched once
  });

  it('posts the figures of its tiles at a calm pace; a carrier problem reaches the page', () => {
    const r = rig();
    r.connect();
    r.tick();
    expect(r.posted).toHaveLength(0); // no tiles, nothing to say
    r.show('a', 1);
    r.tick();
    expect(r.posted.at(-1)).toMatchObject({ type: 'figures', cameras: { a: { shown: null } } });
    r.problem('the watch was refused.');
    expect(r.posted.at(-1)).toEqual({ type: 'carrier-error', message: 'the watch was refused.' });
    r.painter.dispose();
    expect(r.closed()).toBe(1);
  });
});
