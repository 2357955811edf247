// What the user asks of one camera: each names the camera (its tile key, the camera id once open), calls the
// contract and turns a failure into a toast with its cause (never silent). Config edits go through that
// camera's own config controller, so an edit on one camera writes only that camera.
import type { StoreApi } from 'zustand';
import type { CameraId, ConfigValue, ErrorCode, SnapshotResult } from '../../../shared/contract';
import { toAppError, type RendererApi } from '../api';
import { emptyRing } from '../lib/stdout-ring';
import { patchCamera, viewOf } from './camera-view';
import { createConfigController, type ConfigController } from './config-controller';
import { applySnapshot } from './config-writer';
import type { AppState } from './state';
import type { UiActions } from './ui-actions';

export interface CameraActions {
  /** Read the camera's config once (after it opened); later changes arrive as pushed events. */
  loadConfig(camera: CameraId): Promise<void>;
  editConfig(camera: CameraId, key: string, value: ConfigValue): void;
  setConfigDragging(camera: CameraId, key: string, dragging: boolean): void;
  /** Save through the contract; `seq` is the frame on screen. Resolves with what was saved, null on failure. */
  saveSnapshot(camera: CameraId, format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult | null>;
  setStreaming(camera: CameraId, enable: boolean): Promise<void>;
  /** Pause a running stream or resume a paused one; nothing unless the camera is connected. */
  toggleStreaming(camera: CameraId): Promise<void>;
  clearConsole(camera: CameraId): void;
  /** The camera's tile is gone: forget its config writer. */
  forgetCamera(camera: CameraId): void;
}

/** "OpenMV Cam H7 · 3f2a" for titles, else the key. */
export function cameraName(s: AppState, camera: string): string {
  return viewOf(s.cameras, camera).info?.label ?? camera.replace(/^new:/, '');
}

export function createCameraActions(
  store: StoreApi<AppState>,
  api: RendererApi,
  ui: Pick<UiActions, 'showToast'>,
): CameraActions {
  const set = store.setState;
  const { showToast } = ui;
  const patch = (camera: string, change: Parameters<typeof patchCamera>[2]) =>
    set((s) => ({ cameras: patchCamera(s.cameras, camera, change) }));
  const fail = (err: unknown, code: ErrorCode, title: string) =>
    showToast({ ...toAppError(err, code), title });
  const name = (camera: string) => cameraName(store.getState(), camera);

  const controllers = new Map<CameraId, ConfigController>();
  function controller(camera: CameraId): ConfigController {
    let c = controllers.get(camera);
    if (!c) {
      c = createConfigController({
        get: () => viewOf(store.getState().cameras, camera).config,
        set: (config) => patch(camera, { config }),
        write: (values) => api.request('writeConfig', camera, values),
        onError: (err) => showToast({ ...err, title: `${name(camera)}: ${err.title}` }),
      });
      controllers.set(camera, c);
    }
    return c;
  }

  async function setStreaming(camera: CameraId, enable: boolean): Promise<void> {
    try {
      await api.request('setStreaming', camera, enable);
      patch(camera, { paused: !enable });
    } catch (e) {
      const what = enable ? 'Resuming' : 'Pausing';
      fail(e, 'streaming-failed', `${what} the stream of ${name(camera)} failed`);
    }
  }

  return {
    setStreaming,

    async loadConfig(camera) {
      try {
        const snap = await api.request('readConfig', camera);
        patch(camera, (v) => ({ config: applySnapshot(v.config, snap) }));
      } catch (e) {
        // A camera without a config channel is fine; anything else is worth saying.
        const err = toAppError(e, 'config-read-failed');
        if (err.code !== 'no-config')
          showToast({ ...err, title: `Reading the config of ${name(camera)} failed` });
      }
    },

    editConfig: (camera, key, value) => controller(camera).edit(key, value),
    setConfigDragging: (camera, key, dragging) => controller(camera).setDragging(key, dragging),

    async saveSnapshot(camera, format, seq) {
      const f = format.toUpperCase();
      try {
        const r =
          seq === undefined
            ? await api.request('saveSnapshot', camera, format)
            : await api.request('saveSnapshot', camera, format, seq);
        showToast(
          { code: 'snapshot-saved', message: `Saved ${f} snapshot: ${r.path}`, at: Date.now() },
          'info',
        );
        return r;
      } catch (e) {
        fail(e, 'snapshot-failed', `Saving the ${f} snapshot of ${name(camera)} failed`);
        return null;
      }
    },

    async toggleStreaming(camera) {
      const v = viewOf(store.getState().cameras, camera);
      if (v.connection.kind === 'connected') await setStreaming(camera, v.paused);
    },

    clearConsole: (camera) => patch(camera, { stdout: emptyRing }),
    forgetCamera: (camera) => void controllers.delete(camera),
  };
}
