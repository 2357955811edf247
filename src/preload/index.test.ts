// The preload in Node with electron mocked: it exposes one typed bridge and forwards main's contract port to the
// page's window; it never exposes ipcRenderer or anything generic.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CONTRACT_PORT_CHANNEL,
  CONTRACT_PORT_MESSAGE,
  ELECTRON_BRIDGE_KEY,
  FRAMES_PORT_CHANNEL,
  FRAMES_PORT_MESSAGE,
} from '../shared/contract';
import type { ElectronBridge } from '../shared/contract';

const h = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  sent: [] as string[],
  ipcListeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  posted: [] as Array<{ data: unknown; origin: string; transfer: unknown[] }>,
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      h.exposed[key] = api;
    },
  },
  ipcRenderer: {
    send: (channel: string) => h.sent.push(channel),
    on: (channel: string, l: (event: unknown, ...args: unknown[]) => void) => h.ipcListeners.set(channel, l),
  },
}));

beforeAll(async () => {
  (globalThis as Record<string, unknown>)['window'] = {
    postMessage: (data: unknown, origin: string, transfer: unknown[]) =>
      h.posted.push({ data, origin, transfer }),
  };
  await import('./index');
});

describe('preload', () => {
  it('exposes exactly the typed bridge', () => {
    expect(Object.keys(h.exposed)).toEqual([ELECTRON_BRIDGE_KEY]);
    expect(Object.keys(h.exposed[ELECTRON_BRIDGE_KEY] as object)).toEqual([
      'openContractPort',
      'openFramesPort',
    ]);
  });

  it('asks main for the contract port and hands main’s port to the page', () => {
    const bridge = h.exposed[ELECTRON_BRIDGE_KEY] as ElectronBridge;
    bridge.openContractPort();
    expect(h.sent).toEqual([CONTRACT_PORT_CHANNEL]);
    const port = { name: 'port from main' };
    h.ipcListeners.get(CONTRACT_PORT_CHANNEL)!({ ports: [port] });
    expect(h.posted).toEqual([{ data: CONTRACT_PORT_MESSAGE, origin: '*', transfer: [port] }]);
    h.ipcListeners.get(CONTRACT_PORT_CHANNEL)!({ ports: [] }); // nothing to forward
    expect(h.posted).toHaveLength(1);
  });

  it('the paint worker’s port comes the same way, under its own message', () => {
    const bridge = h.exposed[ELECTRON_BRIDGE_KEY] as ElectronBridge;
    h.posted.length = 0;
    bridge.openFramesPort();
    expect(h.sent.at(-1)).toBe(FRAMES_PORT_CHANNEL);
    const port = { name: 'frames port from main' };
    h.ipcListeners.get(FRAMES_PORT_CHANNEL)!({ ports: [port] });
    expect(h.posted).toEqual([{ data: FRAMES_PORT_MESSAGE, origin: '*', transfer: [port] }]);
  });
});
