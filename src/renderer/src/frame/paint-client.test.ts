// The page's side of the paint worker with a fake worker: what it posts, what it transfers, and how the worker's
// reports reach the tiles and the user.
import { describe, expect, it } from 'vitest';
import type { FrameMeta } from '../../../shared/contract';
import type { FramesCarrier } from '../api/types';
import { createPaintClient, type PaintWorkerLike } from './paint-client';
import type { PaintReply, PaintRequest } from './paint-protocol';

function fakeWorker() {
  const posted: Array<{ msg: PaintRequest; transfer: unknown[] }> = [];
  const listeners = {
    message: [] as Array<(ev: MessageEvent<PaintReply>) => void>,
    error: [] as Array<() => void>,
  };
  let terminated = false;
  const worker: PaintWorkerLike = {
    postMessage: (msg, transfer) => void posted.push({ msg, transfer: transfer ?? [] }),
    addEventListener: ((type: 'message' | 'error', l: never) =>
      listeners[type].push(l)) as PaintWorkerLike['addEventListener'],
    terminate: () => void (terminated = true),
  };
  const reply = (r: PaintReply) =>
    listeners.message.forEach((l) => l({ data: r } as MessageEvent<PaintReply>));
  const crash = () => listeners.error.forEach((l) => l());
  return { worker, posted, reply, crash, terminated: () => terminated };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function canvas() {
  const offscreen = { kind: 'offscreen' };
  return {
    el: {
      width: 300,
      height: 200,
      transferControlToOffscreen: () => offscreen,
    } as unknown as HTMLCanvasElement,
    offscreen,
  };
}

function setup(carrier: () => Promise<FramesCarrier>) {
  const w = fakeWorker();
  const problems: string[] = [];
  const decodeErrors: Array<{ message: string; seq: number }> = [];
  const client = createPaintClient({
    carrier,
    onDecodeError: (err, meta) => void decodeErrors.push({ message: err.message, seq: meta.seq }),
    onProblem: (m) => void problems.push(m),
    worker: () => w.worker,
  });
  return { ...w, client, problems, decodeErrors };
}

describe('the paint client', () => {
  it('gives the worker its carrier, transferring a port and not a URL', async () => {
    const port = { postMessage() {}, addEventListener() {}, start() {}, close() {} };
    const a = setup(() => Promise.resolve({ kind: 'port', port }));
    await settle();
    expect(a.posted[0]).toEqual({
      msg: { type: 'carrier', carrier: { kind: 'port', port } },
      transfer: [port],
    });
    const b = setup(() => Promise.resolve({ kind: 'ws', url: 'ws://h/ws?token=t' }));
    await settle();
    expect(b.posted[0]).toEqual({
      msg: { type: 'carrier', carrier: { kind: 'ws', url: 'ws://h/ws?token=t' } },
      transfer: [],
    });
  });

  it('hands a tile’s canvas over, then only resizes it, and reads its figures from the worker’s reports', async () => {
    const c = setup(() => Promise.resolve({ kind: 'ws', url: 'ws://h/ws' }));
    const { el, offscreen } = canvas();
    const tile = c.client.attach('cam1', el, '#111');
    expect(c.posted.at(-1)).toEqual({
      msg: {
        type: 'show',
        surface: 1,
        camera: 'cam1',
        canvas: offscreen,
        width: 300,
        height: 200,
        background: '#111',
      },
      transfer: [offscreen],
    });
    tile.resize(600, 400);
    tile.background('#eee');
    expect(c.posted.slice(-2).map((p) => p.msg)).toEqual([
      { type: 'resize', surface: 1, camera: 'cam1', width: 600, height: 400 },
      { type: 'background', surface: 1, camera: 'cam1', background: '#eee' },
    ]);
    expect(tile.figures()).toBeNull();
    const figures = {
      counters: {
        received: 3,
        decoded: 2,
        drawn: 2,
        superseded: 1,
        notDecoded: 1,
        decodedNotDrawn: 0,
        decodeErrors: 0,
      },
      displayFps: 30,
      shown: { width: 320, height: 240, bytes: 999, seq: 7 },
    };
    c.reply({ type: 'figures', cameras: { cam1: figures } });
    expect(tile.figures()).toEqual(figures);
    tile.dispose();
    tile.dispose(); // once
    expect(c.posted.filter((p) => p.msg.type === 'hide')).toHaveLength(1);
    tile.resize(1, 1); // gone: nothing more is sent for it
    expect(c.posted.at(-1)!.msg.type).toBe('hide');
    expect(tile.figures()).toBeNull();
  });

  it('decode errors, carrier problems and a crashed worker reach the user (a crash once)', async () => {
    const c = setup(() => Promise.reject(new Error('no port')));
    await settle();
    expect(c.problems).toEqual(['the page could not open its frames connection (no port).']);
    const meta = { seq: 5 } as FrameMeta;
    c.reply({ type: 'decode-error', message: 'bad JPEG', meta });
    expect(c.decodeErrors).toEqual([{ message: 'bad JPEG', seq: 5 }]);
    c.reply({ type: 'carrier-error', message: 'the watch was refused.' });
    c.crash();
    c.crash();
    expect(c.problems.slice(1)).toEqual([
      'the watch was refused.',
      'the frame painter stopped; reload the page to show the cameras’ frames again.',
    ]);
    c.client.dispose();
    expect(c.terminated()).toBe(true);
  });

  it('delivers the cameras asked for: their decoded frames reach the listener, and each draw is told back', () => {
    const c = setup(() => Promise.resolve({ kind: 'ws', url: 'ws://h/ws' }));
    c.client.deliver(['f']);
    expect(c.posted.at(-1)!.msg).toEqual({ type: 'deliver', cameras: ['f'] });
    const bitmap = { close() {} } as unknown as ImageBitmap;
    const bytes = { buffer: new Uint8Array([9, 8, 7]).buffer, offset: 1, length: 2 };
    const meta = { camera: 'f', seq: 3 } as FrameMeta;
    c.reply({ type: 'frame', meta, bitmap, bytes }); // no listener yet: closed, and the worker told to go on
    expect(c.posted.at(-1)!.msg).toEqual({ type: 'released', camera: 'f' });
    const got: Array<[number, number[]]> = [];
    const off = c.client.onFrame((m, _b, image) => void got.push([m.seq, [...image]]));
    c.reply({ type: 'frame', meta, bitmap, bytes });
    expect(got).toEqual([[3, [8, 7]]]);
    c.client.released('f');
    expect(c.posted.at(-1)!.msg).toEqual({ type: 'released', camera: 'f' });
    off();
  });
});
