import { describe, expect, it } from 'vitest';
import type { FrameListener, FrameMeta } from '../../../shared/contract';
import type { RendererApi } from '../api';
import { createFrameHub } from './hub';

function fakeApi() {
  const listeners = new Set<FrameListener>();
  const credits: string[] = [];
  const api = {
    carrier: 'browser',
    credit: (camera: string) => void credits.push(camera),
    onFrame(l: FrameListener) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  } as unknown as RendererApi;
  const emit = (camera: string, seq: number) => {
    const meta: FrameMeta = {
      camera,
      seq,
      channel: 'frame',
      width: 4,
      height: 2,
      bytes: 1,
      format: 'jpeg',
      receivedAt: 0,
    };
    for (const l of listeners) l(meta, new Uint8Array([seq]));
  };
  return { api, emit, listeners, credits };
}

const bitmap = () => ({ width: 4, height: 2, close: () => undefined }) as unknown as ImageBitmap;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('createFrameHub', () => {
  it('routes each frame to its camera only, and ignores cameras nobody asked for', async () => {
    const f = fakeApi();
    const decoded: string[] = [];
    const hub = createFrameHub(f.api, {
      onDecodeError: () => undefined,
      decode: (image, meta) => {
        decoded.push(`${meta.camera}#${meta.seq}`);
        return Promise.resolve({ bitmap: bitmap(), image });
      },
    });
    const a = hub.camera('a');
    const b = hub.camera('b');
    expect(hub.camera('a')).toBe(a);
    f.emit('a', 1);
    f.emit('b', 1);
    f.emit('c', 1);
    await flush();
    expect(decoded).toEqual(['a#1', 'b#1']);
    // each frame taken for decoding credits its camera (paced watching: the next may come)
    expect(f.credits).toEqual(['a', 'b']);
    expect(a.sink.takeForDraw()?.meta.camera).toBe('a');
    expect(b.sink.takeForDraw()?.meta.camera).toBe('b');
    hub.release('a');
    f.emit('a', 2);
    await flush();
    expect(decoded).toEqual(['a#1', 'b#1']);
    expect(a.sink.shown()).toBeNull();
    hub.dispose();
    expect(f.listeners.size).toBe(0);
  });

  it('takes a snapshot of the camera it was asked for', async () => {
    const f = fakeApi();
    const asked: string[] = [];
    const hub = createFrameHub(f.api, {
      onDecodeError: () => undefined,
      decode: (image) => Promise.resolve({ bitmap: bitmap(), image }),
      snapshot: (camera, shown, picture, format) => {
        asked.push(
          `${camera}:${format}:${shown?.meta.seq ?? 'none'}:${picture === null ? 'no picture' : 'picture'}`,
        );
        return Promise.resolve();
      },
    });
    await hub.camera('x').takeSnapshot('png');
    expect(asked).toEqual(['x:png:none:no picture']);
  });

  it('with the paint worker: decoded frames go to their camera’s view, and the worker hears of each draw', () => {
    const f = fakeApi();
    let deliver: ((meta: FrameMeta, bitmap: ImageBitmap, image: Uint8Array) => void) | null = null;
    const drawn: string[] = [];
    const closed: string[] = [];
    const hub = createFrameHub(f.api, {
      onDecodeError: () => undefined,
      delivered: {
        onFrame: (l) => ((deliver = l), () => (deliver = null)),
        released: (camera) => void drawn.push(camera),
      },
    });
    const meta = (camera: string, seq: number) => ({ camera, seq }) as FrameMeta;
    const bm = (name: string) =>
      ({ width: 4, height: 2, close: () => void closed.push(name) }) as unknown as ImageBitmap;
    const a = hub.camera('a');
    f.emit('a', 9); // the carrier's frames are not this hub's any more
    expect(a.sink.counters.received).toBe(0);
    deliver!(meta('a', 1), bm('a1'), new Uint8Array([1]));
    deliver!(meta('b', 1), bm('b1'), new Uint8Array([1])); // nobody shows b: closed, and the worker goes on
    expect(closed).toEqual(['b1']);
    expect(drawn).toEqual(['b']);
    deliver!(meta('a', 2), bm('a2'), new Uint8Array([2])); // replaces 1 before it was drawn: released too
    expect(closed).toEqual(['b1', 'a1']);
    expect(drawn).toEqual(['b', 'a']);
    expect(a.sink.takeForDraw()?.meta.seq).toBe(2);
    expect(drawn).toEqual(['b', 'a', 'a']);
    expect(f.credits).toEqual([]); // the worker credits its own connection
    hub.dispose();
    expect(deliver).toBeNull();
  });
});
