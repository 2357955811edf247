// Electron's zero-copy frame path: ask the preload for a MessagePort of the page's own (FRAME_PORT_REQUEST)
// and read frame-wire messages from it, instead of receiving each frame through a context-bridge copy.
// If no port arrives in time (an older preload), fall back to the bridged `onFrame`.
import {
  FRAME_PORT_MESSAGE,
  FRAME_PORT_REQUEST,
  type CamdeckApi,
  type FrameMeta,
} from '../../../shared/contract';
import { decodeFrameMessage } from '../../../shared/frame-wire';

type FrameListener = (meta: FrameMeta, image: Uint8Array) => void;

export interface PortLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  start(): void;
}

export interface WindowLike {
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(
    type: 'message',
    l: (ev: { source: unknown; data: unknown; ports: readonly PortLike[] }) => void,
  ): void;
  removeEventListener(
    type: 'message',
    l: (ev: { source: unknown; data: unknown; ports: readonly PortLike[] }) => void,
  ): void;
}

export function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

/** Wrap an Electron CamdeckApi so onFrame reads the page's own MessagePort. */
export function withPortFrames(
  api: CamdeckApi,
  win: WindowLike,
  timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void },
  waitMs = 2000,
): CamdeckApi {
  const listeners = new Set<FrameListener>();
  let started = false;

  const deliver = (meta: FrameMeta, image: Uint8Array) => {
    for (const l of listeners) l(meta, image);
  };

  function start(): void {
    if (started) return;
    started = true;
    let settled = false;
    const onMessage = (ev: { source: unknown; data: unknown; ports: readonly PortLike[] }) => {
      if (settled || ev.source !== win || ev.data !== FRAME_PORT_MESSAGE || !ev.ports[0]) return;
      settled = true;
      timers.clearTimeout(timer);
      win.removeEventListener('message', onMessage);
      const port = ev.ports[0];
      port.onmessage = (m) => {
        const bytes = asBytes(m.data);
        const frame = bytes && decodeFrameMessage(bytes);
        if (frame) deliver(frame.meta, frame.image);
      };
      port.start();
    };
    const timer = timers.setTimeout(() => {
      if (settled) return;
      settled = true;
      win.removeEventListener('message', onMessage);
      api.onFrame(deliver); // the bridged path
    }, waitMs);
    win.addEventListener('message', onMessage);
    win.postMessage(FRAME_PORT_REQUEST, '*');
  }

  return {
    carrier: api.carrier,
    request: (name, ...args) => api.request(name, ...args),
    on: (name, listener) => api.on(name, listener),
    onFrame(listener) {
      listeners.add(listener);
      start();
      return () => void listeners.delete(listener);
    },
  };
}
