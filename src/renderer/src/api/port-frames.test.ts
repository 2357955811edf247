import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FRAME_PORT_MESSAGE,
  FRAME_PORT_REQUEST,
  type CamdeckApi,
  type FrameMeta,
} from '../../../shared/contract';
import { encodeFrameMessage } from '../../../shared/frame-wire';
import { withPortFrames, type PortLike, type WindowLike } from './port-frames';

type Handler = Parameters<WindowLike['addEventListener']>[1];

function fakeWindow() {
  const handlers = new Set<Handler>();
  const posted: unknown[] = [];
  const win: WindowLike = {
    postMessage: (m) => posted.push(m),
    addEventListener: (_t, l) => handlers.add(l),
    removeEventListener: (_t, l) => handlers.delete(l),
  };
  const dispatch = (data: unknown, ports: PortLike[], source: unknown = win) => {
    for (const h of [...handlers]) h({ source, data, ports });
  };
  return { win, posted, dispatch, handlers };
}

function fakeApi() {
  const bridged: Array<(m: FrameMeta, i: Uint8Array) => void> = [];
  const api: CamdeckApi = {
    carrier: 'electron',
    request: vi.fn() as unknown as CamdeckApi['request'],
    on: () => () => undefined,
    onFrame: (l) => {
      bridged.push(l);
      return () => undefined;
    },
  };
  return { api, bridged };
}

const meta: FrameMeta = {
  seq: 1,
  channel: 'frame',
  width: 2,
  height: 2,
  bytes: 2,
  format: 'jpeg',
  receivedAt: 0,
};

describe('withPortFrames', () => {
  afterEach(() => vi.useRealTimers());

  it('asks for a port and reads frames from it', () => {
    vi.useFakeTimers();
    const w = fakeWindow();
    const { api, bridged } = fakeApi();
    const wrapped = withPortFrames(api, w.win, {
      setTimeout,
      clearTimeout: (h) => clearTimeout(h as number),
    });
    const got: number[] = [];
    wrapped.onFrame((m) => got.push(m.seq));
    expect(w.posted).toEqual([FRAME_PORT_REQUEST]);
    const port: PortLike = { onmessage: null, start: vi.fn() };
    w.dispatch('something else', [port]);
    w.dispatch(FRAME_PORT_MESSAGE, [port], {}); // from another window: ignored
    expect(port.onmessage).toBeNull();
    w.dispatch(FRAME_PORT_MESSAGE, [port]);
    expect(port.start).toHaveBeenCalled();
    port.onmessage!({ data: encodeFrameMessage(meta, new Uint8Array([1, 2])) });
    port.onmessage!({ data: new Uint8Array([7]) }); // malformed: dropped
    vi.advanceTimersByTime(5000);
    expect(got).toEqual([1]);
    expect(bridged).toHaveLength(0);
    expect(w.handlers.size).toBe(0);
  });

  it('falls back to the bridged onFrame when no port arrives', () => {
    vi.useFakeTimers();
    const w = fakeWindow();
    const { api, bridged } = fakeApi();
    const wrapped = withPortFrames(
      api,
      w.win,
      { setTimeout, clearTimeout: (h) => clearTimeout(h as number) },
      1000,
    );
    const got: number[] = [];
    wrapped.onFrame((m) => got.push(m.seq));
    vi.advanceTimersByTime(1001);
    expect(bridged).toHaveLength(1);
    bridged[0]!(meta, new Uint8Array([1]));
    expect(got).toEqual([1]);
  });
});
