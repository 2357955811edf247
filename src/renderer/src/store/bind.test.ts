import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  CamdeckEvents,
  ConfigSnapshot,
  ConnectionState,
  DeviceSummary,
  EventName,
  RequestName,
} from '../../../shared/contract';
import { installApi, type LinkState, type RendererApi } from '../api';
import { updateSettings, useApp } from './app-store';
import { bindApi } from './bind';
import { editConfig } from './actions';

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

// A fake carrier: requests answered from a table, events pushed by the test.
const listeners = new Map<string, Set<(p: unknown) => void>>();
let linkListener: ((s: LinkState) => void) | null = null;
let cameraQuality = 85;
let rejectWrites = false;
const calls: string[] = [];
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
  onLink(l) {
    linkListener = l;
    l({ up: false, attempt: 0 });
    return () => undefined;
  },
} as RendererApi;

function push<K extends EventName>(name: K, payload: CamdeckEvents[K]): void {
  for (const l of listeners.get(name) ?? []) l(payload);
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('store bound to a carrier', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    installApi(fake);
    bindApi();
  });
  afterEach(() => vi.useRealTimers());

  it('re-reads state, config and ports when the carrier link comes up', async () => {
    expect(useApp.getState().carrier).toBe('browser');
    linkListener!({ up: true, attempt: 0 });
    await vi.waitFor(() => expect(useApp.getState().config.confirmed).toEqual({ quality: 85 }));
    expect(useApp.getState().connection).toEqual(connected);
    expect(useApp.getState().channels).toEqual(device.channels);
    expect(calls).toEqual(expect.arrayContaining(['getState', 'readConfig', 'listPorts']));
  });

  it('applies pushed config, channels and errors', () => {
    push('config', snap(60));
    expect(useApp.getState().config.shown.quality).toBe(60);
    push('channels', []);
    expect(useApp.getState().channels).toEqual([]);
    push('error', { code: 'timeout', message: 'no answer', at: 1 });
    expect(useApp.getState().toasts.at(-1)).toMatchObject({ code: 'timeout', kind: 'error' });
  });

  it('writes a slider edit and shows the readback; a refused one reverts with a toast', async () => {
    editConfig('quality', 40);
    expect(useApp.getState().config.shown.quality).toBe(40);
    await vi.waitFor(() => expect(useApp.getState().config.confirmed.quality).toBe(40));
    rejectWrites = true;
    editConfig('quality', 10);
    await vi.waitFor(() => expect(useApp.getState().config.shown.quality).toBe(40));
    expect(useApp.getState().toasts.at(-1)).toMatchObject({
      title: 'Writing quality=10 failed',
      message: 'camera refused (NAK FAILED)',
    });
    rejectWrites = false;
  });

  it('batches stdout into the bounded ring', async () => {
    vi.useFakeTimers();
    for (let i = 0; i < 100; i++) push('stdout', `line ${i}\n`);
    expect(useApp.getState().stdout.lines).toHaveLength(0); // not rendered per chunk
    vi.advanceTimersByTime(150);
    expect(useApp.getState().stdout.lines).toHaveLength(100);
    expect(useApp.getState().stdout.lines.at(-1)).toBe('line 99');
  });

  it('shows Disconnected with the reason when the server goes away', async () => {
    linkListener!({ up: false, attempt: 1, error: 'connection to the camdeck server was lost' });
    expect(useApp.getState().connection).toEqual({
      kind: 'disconnected',
      reason: 'connection to the camdeck server was lost',
    });
    await settle();
  });

  it('persists only the settings', async () => {
    updateSettings({ theme: 'light', lastTarget: '/dev/ttyACM0' });
    const raw = await useApp.persist.getOptions().storage!.getItem('camdeck.settings');
    const saved = raw as { state: Record<string, unknown>; version: number };
    expect(Object.keys(saved.state)).toEqual(['settings']);
    expect(saved.state['settings']).toMatchObject({ theme: 'light', lastTarget: '/dev/ttyACM0' });
  });
});
