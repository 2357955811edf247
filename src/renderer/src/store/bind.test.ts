import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  CamdeckEvents,
  ConfigSnapshot,
  ConnectionState,
  DeviceSummary,
  EventName,
  RequestName,
} from '../../../shared/contract';
import type { ServerState, RendererApi } from '../api';
import { createAppStore, type AppStore } from './app-store';
import { memoryStorage } from './settings-storage';

const device: DeviceSummary = {
  board: 'Demo camera',
  protocolVersion: '1.0.2',
  firmwareVersion: '5.0.0',
  usbId: '37C5:124A',
  maxPayload: 4082,
  channels: [{ id: 5, name: 'config', flags: 0x43, flagNames: ['READ', 'WRITE', 'DYNAMIC'] }],
};
const connected: ConnectionState = { kind: 'connected', target: 'demo', device };
const snap = (quality: number): ConfigSnapshot => ({
  channel: 'config',
  values: { quality },
  schema: { properties: {} },
});

// A fake carrier: requests answered from a table, events pushed by the test. Made afresh for every test.
let listeners: Map<string, Set<(p: unknown) => void>>;
let serverListener: ((s: ServerState) => void) | null;
let cameraQuality: number;
let rejectWrites: boolean;
let calls: string[];
const fake: RendererApi = {
  carrier: 'browser',
  async request(name: RequestName, ...args: unknown[]) {
    calls.push(name);
    switch (name) {
      case 'getState':
        return connected;
      case 'readConfig':
        return snap(cameraQuality);
      case 'listPorts':
        return [];
      case 'writeConfig': {
        if (rejectWrites)
          throw Object.assign(new Error('camera refused (NAK FAILED)'), { code: 'config-rejected' });
        cameraQuality = (args[0] as { quality: number }).quality;
        return snap(cameraQuality);
      }
      default:
        throw new Error(`unexpected ${name}`);
    }
  },
  on(name, l) {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(l as (p: unknown) => void);
    return () => set.delete(l as (p: unknown) => void);
  },
  onFrame: () => () => undefined,
  onServer(l) {
    serverListener = l;
    l({ up: false, attempt: 0 });
    return () => undefined;
  },
} as RendererApi;

function push<K extends EventName>(name: K, payload: CamdeckEvents[K]): void {
  for (const l of listeners.get(name) ?? []) l(payload);
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('store bound to a carrier', () => {
  let app: AppStore;
  let unbind: () => void;
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  beforeEach(() => {
    listeners = new Map();
    serverListener = null;
    cameraQuality = 85;
    rejectWrites = false;
    calls = [];
    app = createAppStore(fake, { storage: memoryStorage() });
    unbind = app.bind();
  });
  afterEach(() => {
    unbind();
    vi.useRealTimers();
  });

  it('re-reads state, config and ports when the carrier link comes up', async () => {
    expect(app.getState().carrier).toBe('browser');
    serverListener!({ up: true, attempt: 0 });
    await vi.waitFor(() => expect(app.getState().config.confirmed).toEqual({ quality: 85 }));
    expect(app.getState().connection).toEqual(connected);
    expect(app.getState().channels).toEqual(device.channels);
    expect(calls).toEqual(expect.arrayContaining(['getState', 'readConfig', 'listPorts']));
  });

  it('applies pushed config, channels and errors', () => {
    push('config', snap(60));
    expect(app.getState().config.shown.quality).toBe(60);
    push('channels', []);
    expect(app.getState().channels).toEqual([]);
    push('error', { code: 'timeout', message: 'no answer', at: 1 });
    expect(app.getState().toasts.at(-1)).toMatchObject({ code: 'timeout', kind: 'error' });
  });

  it('writes a slider edit and shows the readback; a refused one reverts with a toast', async () => {
    app.actions.editConfig('quality', 40);
    expect(app.getState().config.shown.quality).toBe(40);
    await vi.waitFor(() => expect(app.getState().config.confirmed.quality).toBe(40));
    rejectWrites = true;
    app.actions.editConfig('quality', 10);
    await vi.waitFor(() => expect(app.getState().config.shown.quality).toBe(40));
    expect(app.getState().toasts.at(-1)).toMatchObject({
      title: 'Writing quality=10 failed',
      message: 'camera refused (NAK FAILED)',
    });
    rejectWrites = false;
  });

  it('batches stdout into the bounded ring', async () => {
    vi.useFakeTimers();
    for (let i = 0; i < 100; i++) push('stdout', `line ${i}\n`);
    expect(app.getState().stdout.lines).toHaveLength(0); // not rendered per chunk
    vi.advanceTimersByTime(150);
    expect(app.getState().stdout.lines).toHaveLength(100);
    expect(app.getState().stdout.lines.at(-1)).toBe('line 99');
  });

  it('shows Disconnected with the reason when the server goes away', async () => {
    serverListener!({ up: true, attempt: 0 });
    await vi.waitFor(() => expect(calls).toContain('listPorts')); // the reload on server-up is done
    serverListener!({ up: false, attempt: 1, error: 'connection to the camdeck server was lost' });
    expect(app.getState().connection).toEqual({
      kind: 'disconnected',
      reason: 'connection to the camdeck server was lost',
    });
    await settle();
  });

  it('keeps each store to itself: a second one starts empty and its toasts are its own', () => {
    push('error', { code: 'timeout', message: 'no answer', at: 1 });
    const other = createAppStore(fake, { storage: memoryStorage() });
    expect(other.getState().toasts).toEqual([]);
    other.actions.showToast({ code: 'internal', message: 'only here', at: 2 });
    expect(app.getState().toasts.map((t) => t.code)).toEqual(['timeout']);
  });

  it('persists only the settings', async () => {
    app.actions.updateSettings({ theme: 'light', lastTarget: '/dev/ttyACM0' });
    const raw = await app.persist.getOptions().storage!.getItem('camdeck.settings');
    const saved = raw as { state: Record<string, unknown>; version: number };
    expect(Object.keys(saved.state)).toEqual(['settings']);
    expect(saved.state['settings']).toMatchObject({ theme: 'light', lastTarget: '/dev/ttyACM0' });
  });
});
