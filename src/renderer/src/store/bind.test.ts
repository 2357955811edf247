import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  CamdeckEvents,
  CameraInfo,
  ConfigSnapshot,
  ConnectionState,
  DeviceSummary,
  EventName,
  PortInfo,
  RequestName,
} from '../../../shared/contract';
import { emptyStats } from '../../../model';
import type { ServerState, RendererApi } from '../api';
import { createAppStore, type AppStore } from './app-store';
import { viewOf } from './camera-view';
import { memoryStorage } from './settings-storage';
import { tileKey } from './workspace';

const device: DeviceSummary = {
  board: 'Demo camera',
  protocolVersion: '1.0.2',
  firmwareVersion: '5.0.0',
  usbId: '37C5:124A',
  maxPayload: 4082,
  channels: [{ id: 5, name: 'config', flags: 0x43, flagNames: ['READ', 'WRITE', 'DYNAMIC'] }],
};
const connected = (target: string): ConnectionState => ({ kind: 'connected', target, device });
const snap = (quality: number): ConfigSnapshot => ({
  channel: 'config',
  values: { quality },
  schema: { properties: {} },
});
/** The fake service's cameras: target → id. */
const IDS: Record<string, string> = { demo: 'cam-a', 'demo:2': 'cam-b', '/dev/ttyACM0': 'cam-c' };
const info = (target: string): CameraInfo => ({
  id: IDS[target]!,
  target,
  label: `Camera ${IDS[target]}`,
  serial: `SN-${IDS[target]}`,
  state: connected(target),
  device,
});

// A fake carrier: requests answered from a table, events pushed by the test. Made afresh for every test.
let listeners: Map<string, Set<(p: unknown, camera: string | null) => void>>;
let serverListener: ((s: ServerState) => void) | null;
let quality: Record<string, number>;
let rejectWrites: boolean;
/** Targets of the cameras the fake service holds already (listCameras). */
let held: string[];
let calls: Array<[string, ...unknown[]]>;
const fake: RendererApi = {
  carrier: 'browser',
  async request(name: RequestName, ...args: unknown[]) {
    calls.push([name, ...args]);
    const camera = args[0] as string;
    switch (name) {
      case 'openCamera':
        if (!IDS[camera]) throw Object.assign(new Error(`cannot open ${camera}`), { code: 'port-not-found' });
        return info(camera);
      case 'readConfig':
        return snap(quality[camera] ?? 85);
      case 'listPorts':
        return [];
      case 'listCameras':
        return held.map(info);
      case 'watch':
      case 'closeCamera':
        return undefined;
      case 'writeConfig': {
        if (rejectWrites)
          throw Object.assign(new Error('camera refused (NAK FAILED)'), { code: 'config-rejected' });
        quality[camera] = (args[1] as { quality: number }).quality;
        return snap(quality[camera]!);
      }
      default:
        throw new Error(`unexpected ${name}`);
    }
  },
  on(name, l) {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(l as (p: unknown, camera: string | null) => void);
    return () => set.delete(l as (p: unknown, camera: string | null) => void);
  },
  onFrame: () => () => undefined,
  credit: () => undefined,
  onServer(l) {
    serverListener = l;
    l({ up: false, attempt: 0 });
    return () => undefined;
  },
} as RendererApi;

function push<K extends EventName>(name: K, payload: CamdeckEvents[K], camera: string | null = null): void {
  for (const l of listeners.get(name) ?? []) l(payload, camera);
}
const watches = () => calls.filter((c) => c[0] === 'watch').map((c) => c[1]);
const view = (app: AppStore, key: string) => viewOf(app.getState().cameras, key);
const tiles = (app: AppStore) => app.getState().settings.workspace.cameras.map(tileKey);

describe('store bound to a carrier', () => {
  let app: AppStore;
  let unbind: () => void;
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  beforeEach(() => {
    listeners = new Map();
    serverListener = null;
    quality = {};
    rejectWrites = false;
    held = [];
    calls = [];
    app = createAppStore(fake, { storage: memoryStorage() });
    unbind = app.bind();
    serverListener!({ up: true, attempt: 0 });
  });
  afterEach(() => {
    unbind();
    vi.useRealTimers();
  });

  async function openTwo(): Promise<void> {
    await app.actions.openCamera('demo');
    await app.actions.openCamera('demo:2');
  }

  it('opens a camera into a tile keyed by its id, with its config read', async () => {
    await app.actions.openCamera('demo');
    expect(tiles(app)).toEqual(['cam-a']);
    expect(view(app, 'cam-a').info?.label).toBe('Camera cam-a');
    expect(view(app, 'cam-a').connection).toEqual(connected('demo'));
    expect(view(app, 'cam-a').config.confirmed).toEqual({ quality: 85 });
    expect(app.getState().settings.workspace.selected).toBe('cam-a');
  });

  it('an empty workspace shows the cameras the service already holds, laid out to fit', async () => {
    held = ['demo', 'demo:2', '/dev/ttyACM0'];
    const other = createAppStore(fake, { storage: memoryStorage() });
    await other.actions.reload();
    expect(tiles(other)).toEqual(['cam-a', 'cam-b', 'cam-c']);
    expect(other.getState().settings.workspace).toMatchObject({
      layout: '2x2',
      view: 'grid',
      selected: 'cam-a',
    });
    expect(view(other, 'cam-b').connection).toEqual(connected('demo:2'));
    // a page that has chosen its cameras keeps them
    held = ['demo:2'];
    await app.actions.openCamera('demo');
    await app.actions.reload();
    expect(tiles(app)).toEqual(['cam-a']);
  });

  it('routes each camera event to the camera it names', async () => {
    await openTwo();
    push('config', snap(60), 'cam-b');
    push('channels', [], 'cam-a');
    push(
      'state',
      { kind: 'reconnecting', target: 'demo:2', reason: 'unplugged', attempt: 2, nextInMs: 500 },
      'cam-b',
    );
    expect(view(app, 'cam-b').config.shown.quality).toBe(60);
    expect(view(app, 'cam-a').config.shown.quality).toBe(85);
    expect(view(app, 'cam-a').channels).toEqual([]);
    expect(view(app, 'cam-b').channels).toEqual(device.channels);
    expect(view(app, 'cam-b').connection.kind).toBe('reconnecting');
    expect(view(app, 'cam-a').connection.kind).toBe('connected');
    // the service's own error has no camera: a toast, no camera touched
    push('error', { code: 'timeout', message: 'no answer', at: 1 });
    expect(app.getState().toasts.at(-1)).toMatchObject({ code: 'timeout', kind: 'error' });
    expect(view(app, 'cam-a').lastError).toBeNull();
  });

  it('a config edit on one camera writes that camera only; a refused one reverts with a toast', async () => {
    await openTwo();
    app.actions.editConfig('cam-b', 'quality', 40);
    expect(view(app, 'cam-b').config.shown.quality).toBe(40);
    await vi.waitFor(() => expect(view(app, 'cam-b').config.confirmed.quality).toBe(40));
    const writes = calls.filter((c) => c[0] === 'writeConfig');
    expect(writes).toEqual([['writeConfig', 'cam-b', { quality: 40 }]]);
    expect(view(app, 'cam-a').config.shown.quality).toBe(85);
    rejectWrites = true;
    app.actions.editConfig('cam-b', 'quality', 10);
    await vi.waitFor(() => expect(view(app, 'cam-b').config.shown.quality).toBe(40));
    expect(app.getState().toasts.at(-1)).toMatchObject({ message: 'camera refused (NAK FAILED)' });
    expect(app.getState().toasts.at(-1)!.title).toContain('Writing quality=10 failed');
  });

  it('watch follows the tiles: every open tile in the grid, the focused one in the focus view', async () => {
    app.actions.setView('grid');
    await openTwo();
    await vi.waitFor(() => expect(watches().at(-1)).toEqual(['cam-a', 'cam-b']));
    app.actions.focusTile('cam-a');
    expect(watches().at(-1)).toEqual(['cam-a']);
    app.actions.setView('grid');
    app.actions.removeTile('cam-a'); // detach: this page only, no closeCamera
    expect(watches().at(-1)).toEqual(['cam-b']);
    expect(calls.some((c) => c[0] === 'closeCamera')).toBe(false);
    expect(tiles(app)).toEqual(['cam-b']);
  });

  it('with a paint worker, this connection watches nothing: the focused camera is handed to the worker', async () => {
    unbind();
    calls = [];
    const delivered: string[][] = [];
    unbind = app.bind({ gridInWorker: true, deliver: (ids) => void delivered.push(ids) });
    serverListener!({ up: true, attempt: 0 });
    app.actions.setView('grid');
    await openTwo();
    app.actions.focusTile('cam-b');
    await vi.waitFor(() => expect(delivered.at(-1)).toEqual(['cam-b']));
    app.actions.setView('grid'); // the tiles watch their cameras themselves
    expect(delivered.at(-1)).toEqual([]);
    expect(watches()).toEqual([]);
  });

  it('watches again and re-opens the saved cameras when the server comes back', async () => {
    app.actions.setView('grid');
    await openTwo();
    serverListener!({ up: false, attempt: 1, error: 'connection to the camdeck server was lost' });
    expect(view(app, 'cam-a').connection).toEqual({
      kind: 'disconnected',
      reason: 'connection to the camdeck server was lost',
    });
    calls = [];
    serverListener!({ up: true, attempt: 0 });
    await vi.waitFor(() => expect(watches().at(-1)).toEqual(['cam-a', 'cam-b']));
    expect(calls.filter((c) => c[0] === 'openCamera').map((c) => c[1])).toEqual(['demo', 'demo:2']);
    expect(view(app, 'cam-a').connection.kind).toBe('connected');
  });

  it('Close camera asks the service; the closed event shows who closed it, the tile stays with Reopen', async () => {
    await openTwo();
    await app.actions.closeCamera('cam-a');
    expect(calls).toContainEqual(['closeCamera', 'cam-a']);
    push('stats', { ...emptyStats(), frames: { ...emptyStats().frames, fps: 30, kbps: 900 } }, 'cam-a');
    push('closed', { reason: 'closed by a browser page at 127.0.0.1' }, 'cam-a');
    expect(view(app, 'cam-a').stats?.frames).toMatchObject({ fps: 0, kbps: 0 }); // the stream stopped
    // and so for a camera closed before its first figures arrived
    push('closed', { reason: 'closed by camdeck' }, 'cam-b');
    expect(view(app, 'cam-b').stats?.frames).toMatchObject({ fps: 0, kbps: 0 });
    expect(view(app, 'cam-a').closed).toBe('closed by a browser page at 127.0.0.1');
    expect(view(app, 'cam-a').connection.kind).toBe('disconnected');
    expect(tiles(app)).toEqual(['cam-a', 'cam-b']);
    expect(app.getState().settings.workspace.cameras[0]!.closed).toBe(
      'closed by a browser page at 127.0.0.1',
    );
    await app.actions.retryTile('cam-a');
    expect(view(app, 'cam-a').closed).toBeNull();
    expect(view(app, 'cam-a').connection.kind).toBe('connected');
  });

  it('a camera that cannot be opened keeps its tile with the error, and Retry tries again', async () => {
    await app.actions.openCamera('/dev/nope');
    expect(tiles(app)).toEqual(['new:/dev/nope']);
    expect(view(app, 'new:/dev/nope').openError).toMatchObject({ code: 'port-not-found' });
    expect(app.getState().toasts.at(-1)).toMatchObject({ title: 'Opening /dev/nope failed' });
    IDS['/dev/nope'] = 'cam-n';
    await app.actions.retryTile('new:/dev/nope');
    delete IDS['/dev/nope'];
    expect(tiles(app)).toEqual(['cam-n']);
    expect(view(app, 'cam-n').openError).toBeNull();
  });

  it('batches stdout per camera into its bounded ring', async () => {
    await openTwo();
    vi.useFakeTimers();
    for (let i = 0; i < 100; i++) push('stdout', `line ${i}\n`, i % 2 ? 'cam-b' : 'cam-a');
    expect(view(app, 'cam-a').stdout.lines).toHaveLength(0); // not rendered per chunk
    vi.advanceTimersByTime(150);
    expect(view(app, 'cam-a').stdout.lines).toHaveLength(50);
    expect(view(app, 'cam-b').stdout.lines.at(-1)).toBe('line 99');
  });

  it('opens a camera a ports event adds, when asked to; the first list opens nothing', async () => {
    const port = (target: string, isCamera = true): PortInfo => ({ target, path: target, isCamera });
    push('ports', [port('demo:2')]); // the first list: what was there already
    app.actions.setAutoOpen(true);
    push('ports', [port('demo:2'), port('/dev/ttyS0', false)]);
    expect(calls.some((c) => c[0] === 'openCamera')).toBe(false);
    push('ports', [port('demo:2'), port('/dev/ttyACM0')]);
    await vi.waitFor(() => expect(tiles(app)).toEqual(['cam-c']));
    app.actions.setAutoOpen(false);
    push('ports', [port('demo:2'), port('/dev/ttyACM0'), port('demo')]);
    expect(tiles(app)).toEqual(['cam-c']);
  });

  it('persists the workspace (a remote camera with its token) and a new store re-opens it', async () => {
    const storage = memoryStorage();
    const first = createAppStore(fake, { storage });
    first.bind();
    IDS['camdeck://h:7410/cam-r'] = 'cam-r';
    await first.actions.openCamera('camdeck://h:7410/cam-r', { token: 'secret' });
    first.actions.setLayout('2x2');
    first.actions.setView('grid');
    const raw = (await first.persist.getOptions().storage!.getItem('camdeck.settings')) as {
      state: Record<string, unknown>;
    };
    expect(Object.keys(raw.state)).toEqual(['settings']);
    calls = [];
    const second = createAppStore(fake, { storage });
    second.bind();
    serverListener!({ up: true, attempt: 0 });
    await vi.waitFor(() => expect(viewOf(second.getState().cameras, 'cam-r').info).not.toBeNull());
    delete IDS['camdeck://h:7410/cam-r'];
    expect(calls).toContainEqual(['openCamera', 'camdeck://h:7410/cam-r', { token: 'secret' }]);
    expect(second.getState().settings.workspace).toMatchObject({
      layout: '2x2',
      view: 'grid',
      selected: 'cam-r',
    });
  });

  it('keeps each store to itself: a second one starts empty and its toasts are its own', () => {
    push('error', { code: 'timeout', message: 'no answer', at: 1 });
    const other = createAppStore(fake, { storage: memoryStorage() });
    expect(other.getState().toasts).toEqual([]);
    other.actions.showToast({ code: 'internal', message: 'only here', at: 2 });
    expect(app.getState().toasts.map((t) => t.code)).toEqual(['timeout']);
  });
});
