// The preload in Node with electron mocked. Two "worlds" share one fake window event bus: the preload's isolated
// world (`window`) and the page's main world (`globalThis`, where executeInMainWorld runs its function).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { CamdeckApi, FrameMeta } from '../shared/contract';
import { encodeFrameMessage } from '../shared/frame-wire';

type MsgListener = (ev: { source: unknown; data: unknown; ports: unknown[] }) => void;

const h = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  invoked: [] as Array<{ channel: string; args: unknown[] }>,
  sent: [] as string[],
  reply: (_channel: string): unknown => ({ ok: true, result: null }),
  ipcListeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  bus: [] as Array<{ world: unknown; listener: MsgListener }>,
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      h.exposed[key] = api;
      (globalThis as Record<string, unknown>)[key] = api;
    },
    executeInMainWorld: ({ func, args }: { func: (...a: unknown[]) => unknown; args: unknown[] }) =>
      // serialized like Electron does: no closures survive
      new Function(`return (${func.toString()})`)()(...args),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      h.invoked.push({ channel, args });
      return h.reply(channel);
    },
    send: (channel: string) => h.sent.push(channel),
    on: (channel: string, l: (event: unknown, ...args: unknown[]) => void) => h.ipcListeners.set(channel, l),
  },
}));

/** window.postMessage: every listener sees the message, with `source` = its own world's window. */
function post(data: unknown, transfer: unknown[] = []): void {
  for (const { world, listener } of [...h.bus])
    queueMicrotask(() => listener({ source: world, data, ports: transfer }));
}
const isolatedWindow = {
  addEventListener: (_t: string, listener: MsgListener) => h.bus.push({ world: isolatedWindow, listener }),
  postMessage: (data: unknown, _o: string, transfer: unknown[] = []) => post(data, transfer),
};
const g = globalThis as unknown as Record<string, unknown>;

let api: CamdeckApi;
beforeAll(async () => {
  g['window'] = isolatedWindow;
  g['addEventListener'] = (_t: string, listener: MsgListener) => h.bus.push({ world: globalThis, listener });
  g['postMessage'] = (data: unknown) => post(data);
  await import('./index');
  api = g['camdeck'] as CamdeckApi;
});

describe('preload', () => {
  it('gives the page window.camdeck with exactly the contract, built in its own world', () => {
    expect(Object.keys(api).sort()).toEqual(['carrier', 'on', 'onFrame', 'request']);
    expect(api.carrier).toBe('electron');
    expect(Object.isFrozen(api)).toBe(true);
    // what crosses the bridge: a validated invoke and event subscription, nothing generic
    expect(Object.keys(h.exposed)).toEqual(['__camdeckBridge']);
    expect(Object.keys(h.exposed['__camdeckBridge'] as object).sort()).toEqual(['invoke', 'isRequest', 'on']);
  });

  it('invokes one channel per request; a failure keeps its code and hint', async () => {
    h.reply = () => ({ ok: true, result: [{ target: 'demo' }] });
    await expect(api.request('listPorts')).resolves.toEqual([{ target: 'demo' }]);
    expect(h.invoked.at(-1)).toEqual({ channel: 'camdeck:listPorts', args: [] });
    h.reply = () => ({ ok: false, error: { message: 'refused', code: 'config-rejected', hint: 'h' } });
    const err = await api.request('writeConfig', { quality: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ message: 'refused', code: 'config-rejected', hint: 'h', name: 'ApiError' });
    expect(h.invoked.at(-1)).toEqual({ channel: 'camdeck:writeConfig', args: [{ quality: 5 }] });
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const n = h.invoked.length;
    await expect((api.request as (n: string) => Promise<unknown>)('eval')).rejects.toThrow(/unknown request/);
    const bridge = h.exposed['__camdeckBridge'] as { invoke(n: string, a: unknown[]): Promise<unknown> };
    await expect(bridge.invoke('constructor', [])).rejects.toThrow(/unknown request/);
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

  it('leaves ports the page asked for itself alone', async () => {
    const pagePort = { onmessage: null as unknown, start: () => undefined, close: () => undefined };
    post('camdeck:frame-port', [pagePort]); // as if answering the page's own FRAME_PORT_REQUEST
    await new Promise((r) => setTimeout(r, 10));
    expect(pagePort.onmessage).toBeNull();
  });

  it('frames: the page asks for a port once, the preload forwards main’s port, frames decode in the page', async () => {
    const seqs: number[] = [];
    api.onFrame((meta) => seqs.push(meta.seq));
    api.onFrame(() => undefined);
    await vi.waitFor(() => expect(h.sent).toEqual(['camdeck:frame-port']));
    const ch = new MessageChannel();
    h.ipcListeners.get('camdeck:frame-port')!({ ports: [ch.port2] });
    // an unrequested port is closed, not forwarded
    const stray = new MessageChannel();
    h.ipcListeners.get('camdeck:frame-port')!({ ports: [stray.port2] });
    const meta: FrameMeta = {
      seq: 9,
      channel: 'frame',
      width: 1,
      height: 1,
      bytes: 2,
      format: 'jpeg',
      receivedAt: 0,
    };
    await vi.waitFor(() => {
      (ch.port1 as MessagePort).postMessage(encodeFrameMessage(meta, new Uint8Array([0xff, 0xd8])));
      expect(seqs).toContain(9);
    });
    ch.port1.close();
    stray.port1.close();
  });
});
