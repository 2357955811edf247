// A small in-memory CamdeckService for carrier tests: records calls, emits events and frames on demand.
import type {
  CamdeckEvents,
  ConfigSnapshot,
  ConnectionState,
  DeviceSummary,
  EventName,
  FrameMeta,
  StatsSnapshot,
  Unsubscribe,
} from '../shared/contract';
import { emptyStats } from '../model';
import type { CamdeckService } from './api';

type Listener = (payload: never) => void;

export interface FakeService extends CamdeckService {
  calls: Array<{ name: string; args: unknown[] }>;
  emit<K extends EventName>(name: K, payload: CamdeckEvents[K]): void;
  emitFrame(meta: FrameMeta, image: Uint8Array): void;
  listenerCount(): number;
}

const device: DeviceSummary = {
  board: 'Fake',
  protocolVersion: '2.0.0',
  firmwareVersion: '5.0.0',
  usbId: '37C5:124A',
  maxPayload: 4096,
  channels: [],
};

const stats: StatsSnapshot = emptyStats();

export function createFakeService(): FakeService {
  const listeners = new Map<string, Set<Listener>>();
  const frameListeners = new Set<(m: FrameMeta, i: Uint8Array) => void>();
  const calls: FakeService['calls'] = [];
  let state: ConnectionState = { kind: 'disconnected' };
  let config: ConfigSnapshot = { channel: 'config', values: { quality: 90 }, schema: { properties: {} } };
  const rec = (name: string, args: unknown[]) => calls.push({ name, args });
  return {
    calls,
    emit(name, payload) {
      for (const l of listeners.get(name) ?? []) (l as (p: typeof payload) => void)(payload);
    },
    emitFrame(meta, image) {
      for (const l of frameListeners) l(meta, image);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) + frameListeners.size,
    on(name, listener): Unsubscribe {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    async close() {},
    async listPorts() {
      rec('listPorts', []);
      return [{ target: 'demo', path: 'demo', isCamera: true, board: 'Demo camera' }];
    },
    async connect(target) {
      rec('connect', [target]);
      if (target === 'fail')
        throw Object.assign(new Error('Permission denied, cannot open /dev/x'), { code: 'EACCES' });
      state = { kind: 'connected', target, device };
      return device;
    },
    async disconnect() {
      rec('disconnect', []);
      state = { kind: 'disconnected' };
    },
    async getState() {
      return state;
    },
    async readConfig() {
      return config;
    },
    async writeConfig(patch) {
      rec('writeConfig', [patch]);
      config = { ...config, values: { ...config.values, ...patch } };
      return config;
    },
    async readChannel(name) {
      rec('readChannel', [name]);
      return new Uint8Array([1, 2, 3, 255]);
    },
    async writeChannel(name, data) {
      rec('writeChannel', [name, data]);
    },
    async setStreaming(enable) {
      rec('setStreaming', [enable]);
    },
    async saveSnapshot(format) {
      return { path: `/tmp/x.${format}`, name: `x.${format}`, seq: 1, bytes: 1, format };
    },
    async getStats() {
      return stats;
    },
  };
}
