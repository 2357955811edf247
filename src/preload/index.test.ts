// The preload in Node with electron mocked: what it exposes, how it unwraps replies, forwards events and frames.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { CamdeckApi, FrameMeta } from '../shared/contract';
import { FRAME_PORT_MESSAGE, FRAME_PORT_REQUEST } from '../shared/contract';
import { encodeFrameMessage } from '../shared/frame-wire';

const h = vi.hoisted(() => {
  const state = {
    exposed: {} as Record<string, unknown>,
    invoked: [] as Array<{ channel: string; args: unknown[] }>,
    sent: [] as string[],
    reply: (_channel: string, _args: unknown[]): unknown => ({ ok: true, result: null }),
    ipcListeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
    windowListeners: [] as Array<(ev: { source: unknown; data: unknown }) => void>,
    posted: [] as Array<{ message: unknown; transfer: unknown[] }>,
  };
  return state;
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (h.exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      h.invoked.push({ channel, args });
      return h.reply(channel, args);
    },
    send: (channel: string) => h.sent.push(channel),
    on: (channel: string, l: (event: unknown, ...args: unknown[]) => void) => h.ipcListeners.set(channel, l),
  },
}));

const fakeWindow = {
  addEventListener: (_t: string, l: (ev: { source: unknown; data: unknown }) => void) =>
    h.windowListeners.push(l),
  postMessage: (message: unknown, _origin: string, transfer: unknown[]) =>
    h.posted.push({ message, transfer }),
};

let api: CamdeckApi;
beforeAll(async () => {
  (globalThis as unknown as { window: unknown }).window = fakeWindow;
  await import('./index');
  api = h.exposed['camdeck'] as CamdeckApi;
});

describe('preload', () => {
  it('exposes exactly the contract as window.camdeck', () => {
    expect(Object.keys(h.exposed)).toEqual(['camdeck']);
    expect(Object.keys(api).sort()).toEqual(['carrier', 'on', 'onFrame', 'request']);
    expect(api.carrier).toBe('electron');
  });

  it('invokes one channel per request and unwraps the envelope', async () => {
    h.reply = () => ({ ok: true, result: [{ target: 'demo' }] });
    await expect(api.request('listPorts')).resolves.toEqual([{ target: 'demo' }]);
    expect(h.invoked.at(-1)).toEqual({ channel: 'camdeck:listPorts', args: [] });
    h.reply = () => ({ ok: false, error: { message: 'refused — hint', code: 'config-rejected' } });
    await expect(api.request('writeConfig', { quality: 5 })).rejects.toMatchObject({
      message: 'refused — hint',
      code: 'config-rejected',
    });
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const n = h.invoked.length;
    await expect((api.request as (n: string) => Promise<unknown>)('eval')).rejects.toThrow(/unknown request/);
    expect(() => (api.on as (n: string, l: () => void) => void)('anything', () => undefined)).toThrow(
      /unknown event/,
    );
    expect(h.invoked.length).toBe(n);
  });

  it('dispatches pushed events by name and ignores unknown ones', () => {
    const got: string[] = [];
    const off = api.on('stdout', (t) => got.push(t));
    const push = h.ipcListeners.get('camdeck:event')!;
    push({}, 'stdout', 'hello');
    push({}, 'bogus', 'x');
    off();
    push({}, 'stdout', 'after');
    expect(got).toEqual(['hello']);
  });

  it('delivers frames from its own port, and hands the page a port of its own on request', async () => {
    const frames: number[] = [];
    api.onFrame((meta) => frames.push(meta.seq));
    expect(h.sent).toEqual(['camdeck:frame-port']);
    const own = new MessageChannel();
    h.ipcListeners.get('camdeck:frame-port')!({ ports: [own.port2] });
    const meta: FrameMeta = {
      seq: 9,
      channel: 'frame',
      width: 1,
      height: 1,
      bytes: 2,
      format: 'jpeg',
      receivedAt: 0,
    };
    own.port1.postMessage(encodeFrameMessage(meta, new Uint8Array([0xff, 0xd8])));
    await vi.waitFor(() => expect(frames).toEqual([9]));

    // the page's zero-copy path
    for (const l of h.windowListeners) l({ source: fakeWindow, data: FRAME_PORT_REQUEST });
    expect(h.sent).toEqual(['camdeck:frame-port', 'camdeck:frame-port']);
    const page = new MessageChannel();
    h.ipcListeners.get('camdeck:frame-port')!({ ports: [page.port2] });
    expect(h.posted).toEqual([{ message: FRAME_PORT_MESSAGE, transfer: [page.port2] }]);
    // a request from another source (e.g. an iframe) is ignored
    for (const l of h.windowListeners) l({ source: {}, data: FRAME_PORT_REQUEST });
    expect(h.sent.length).toBe(2);
    own.port1.close();
    page.port1.close();
  });
});
