// What the user asks of the camera: each calls the contract and turns a failure into a toast with its cause
// (never silent).
import type { StoreApi } from 'zustand';
import type { ConfigValue, ErrorCode, SnapshotResult } from '../../../shared/contract';
import { DEMO_TARGET } from '../../../shared/contract';
import { toAppError, type RendererApi } from '../api';
import { createConfigController } from './config-controller';
import { applySnapshot } from './config-writer';
import { applyConnectionState } from './reducers';
import type { AppState } from './state';
import type { UiActions } from './ui-actions';

export interface CameraActions {
  refreshPorts(): Promise<void>;
  connect(target: string): Promise<void>;
  disconnect(): Promise<void>;
  /** Read the config once (after connect); later changes arrive as pushed events. */
  loadConfig(): Promise<void>;
  editConfig(key: string, value: ConfigValue): void;
  setConfigDragging(key: string, dragging: boolean): void;
  /** Re-read the camera state, config and ports (after the page (re)gains the server: the service kept running). */
  reload(): Promise<void>;
  /** Save through the contract; `seq` is the frame on screen. Resolves with what was saved, null on failure. */
  saveSnapshot(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult | null>;
  setStreaming(enable: boolean): Promise<void>;
  /** Pause a running stream or resume a paused one; nothing without a camera. */
  toggleStreaming(): Promise<void>;
}

export function createCameraActions(
  store: StoreApi<AppState>,
  api: RendererApi,
  ui: Pick<UiActions, 'showToast' | 'updateSettings'>,
): CameraActions {
  const set = store.setState;
  const { showToast } = ui;
  const fail = (err: unknown, code: ErrorCode, title?: string) =>
    showToast({ ...toAppError(err, code), ...(title ? { title } : {}) });

  const configController = createConfigController({
    get: () => store.getState().config,
    set: (config) => set({ config }),
    write: (patch) => api.request('writeConfig', patch),
    onError: (err) => showToast(err),
  });

  async function refreshPorts(): Promise<void> {
    set({ portsLoading: true });
    try {
      const ports = await api.request('listPorts');
      set({ ports });
    } catch (e) {
      fail(e, 'ports-failed', 'Listing the ports failed');
    } finally {
      set({ portsLoading: false });
    }
  }

  async function loadConfig(): Promise<void> {
    try {
      const snap = await api.request('readConfig');
      set((s) => ({ config: applySnapshot(s.config, snap) }));
    } catch (e) {
      // A camera without a config channel is fine; anything else is worth saying.
      const err = toAppError(e, 'config-read-failed');
      if (err.code !== 'no-config') showToast({ ...err, title: 'Reading the config failed' });
    }
  }

  async function setStreaming(enable: boolean): Promise<void> {
    try {
      await api.request('setStreaming', enable);
      set({ paused: !enable });
    } catch (e) {
      fail(e, 'streaming-failed', enable ? 'Resuming the stream failed' : 'Pausing the stream failed');
    }
  }

  return {
    refreshPorts,
    loadConfig,
    setStreaming,

    async connect(target) {
      const t = target.trim() || DEMO_TARGET;
      ui.updateSettings({ lastTarget: t });
      set({ connectBusy: true, lastError: null, paused: false });
      try {
        const device = await api.request('connect', t);
        // the config arrives as the service's 'config' event (it reads it once on connect)
        set({ device, channels: device.channels });
      } catch (e) {
        const err = toAppError(e, 'connect-failed');
        set({ lastError: err });
        showToast({ ...err, title: `Connecting to ${t} failed` });
      } finally {
        set({ connectBusy: false });
      }
    },

    async disconnect() {
      try {
        await api.request('disconnect');
      } catch (e) {
        fail(e, 'disconnect-failed', 'Disconnecting failed');
      }
    },

    editConfig: (key, value) => configController.edit(key, value),
    setConfigDragging: (key, dragging) => configController.setDragging(key, dragging),

    async reload() {
      try {
        const cs = await api.request('getState');
        set((s) => applyConnectionState(s, cs));
        if (cs.kind === 'connected') await loadConfig();
      } catch (e) {
        fail(e, 'state-failed', 'Reading the camera state failed');
      }
      await refreshPorts();
    },

    async saveSnapshot(format, seq) {
      try {
        const r =
          seq === undefined
            ? await api.request('saveSnapshot', format)
            : await api.request('saveSnapshot', format, seq);
        showToast(
          {
            code: 'snapshot-saved',
            message: `Saved ${format.toUpperCase()} snapshot: ${r.path}`,
            at: Date.now(),
          },
          'info',
        );
        return r;
      } catch (e) {
        fail(e, 'snapshot-failed', `Saving the ${format.toUpperCase()} snapshot failed`);
        return null;
      }
    },

    async toggleStreaming() {
      const s = store.getState();
      if (s.connection.kind === 'connected') await setStreaming(s.paused);
    },
  };
}
