// A small in-memory CamdeckService for carrier tests: records calls, emits events and frames on demand. It
// holds one fake camera (FAKE_CAMERA) once openCamera() was called for any target but 'fail'.
import type {
  CamdeckEvents,
  CameraId,
  CameraInfo,
  ConfigSnapshot,
  DeviceSummary,
  EventListener,
  EventName,
  FrameListener,
  FrameMeta,
  StatsSnapshot,
  Unsubscribe,
} from '../shared/contract';
import { emptyStats } from '../model';
import type { CamdeckService } from './api';
import { ServiceError } from './errors';

type Listener = (payload: never, camera: CameraId | null) => void;

/** The id of the fake's one camera. */
export const FAKE_CAMERA = 'fake-1';

export interface FakeService extends CamdeckService {
  calls: Array<{ name: string; args: unknown[] }>;
  /** Push an event; `camera` defaults to FAKE_CAMERA for camera events, null for the service's own. */
  emit<K extends EventName>(name: K, payload: CamdeckEvents[K], camera?: CameraId | null): void;
  /** Push a frame (meta.camera defaults to FAKE_CAMERA). */
  emitFrame(meta: Omit<FrameMeta, 'camera'> & { camera?: CameraId }, image: Uint8Array): void;
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
const SERVICE_EVENTS: ReadonlySet<EventName> = new Set(['cameras', 'ports']);

export function createFakeService(): FakeService {
  const listeners = new Map<string, Set<Listener>>();
  const frameListeners = new Set<FrameListener>();
  const calls: FakeService['calls'] = [];
  let camera: CameraInfo | null = null;
  let config: ConfigSnapshot = { channel: 'config', values: { quality: 90 }, schema: { properties: {} } };
  const rec = (name: string, args: unknown[]) => calls.push({ name, args });
  const emit: FakeService['emit'] = (name, payload, cam) => {
    const id = cam !== undefined ? cam : SERVICE_EVENTS.has(name) ? null : FAKE_CAMERA;
    for (const l of listeners.get(name) ?? []) (l as EventListener<typeof name>)(payload, id);
  };
  const held = (id: CameraId): CameraInfo => {
    if (!camera || id !== camera.id)
      throw new ServiceError('no-camera', `No camera "${id}" is open.`, 'Open it.');
    return camera;
  };
  return {
    calls,
    emit,
    emitFrame(meta, image) {
      for (const l of frameListeners) l({ camera: FAKE_CAMERA, ...meta }, image);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) + frameListeners.size,
    on(name, listener): Unsubscribe {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as unknown as Listener);
      return () => void set.delete(listener as unknown as Listener);
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => void frameListeners.delete(listener);
    },
    async close() {},
    async listPorts() {
      rec('listPorts', []);
      return [{ target: 'demo', path: 'demo', isCamera: true, board: 'Demo camera' }];
    },
    async listCameras() {
      rec('listCameras', []);
      return camera ? [camera] : [];
    },
    async openCamera(target, options) {
      rec('openCamera', options ? [target, options] : [target]);
      if (target === 'fail')
        throw Object.assign(new Error('Permission denied, cannot open /dev/x'), { code: 'EACCES' });
      camera = {
        id: FAKE_CAMERA,
        target,
        board: device.board,
        label: device.board,
        state: { kind: 'connected', target, device },
        device,
      };
      emit('cameras', [camera]);
      return camera;
    },
    async closeCamera(id, context) {
      rec('closeCamera', [id]);
      held(id);
      camera = null;
      emit('closed', { reason: `closed by ${context?.peer ?? 'camdeck'}` }, id);
      emit('cameras', []);
    },
    async getState(id) {
      return held(id).state;
    },
    async readConfig(id) {
      held(id);
      return config;
    },
    async writeConfig(id, patch) {
      rec('writeConfig', [id, patch]);
      config = { ...config, values: { ...config.values, ...patch } };
      return config;
    },
    async readChannel(id, name) {
      rec('readChannel', [id, name]);
      return new Uint8Array([1, 2, 3, 255]);
    },
    async writeChannel(id, name, data) {
      rec('writeChannel', [id, name, data]);
    },
    async setStreaming(id, enable) {
      rec('setStreaming', [id, enable]);
    },
    async saveSnapshot(_id, format) {
      return { path: `/tmp/x.${format}`, name: `x.${format}`, seq: 1, bytes: 1, format };
    },
    async getStats() {
      return stats;
    },
  };
}
