// User actions: each calls the contract and turns a failure into a toast with its cause (never silent).
import type { ConfigValue, SnapshotResult } from '../../../shared/contract';
import { DEMO_TARGET } from '../../../shared/contract';
import { getApi, toAppError } from '../api';
import { createConfigController } from './config-controller';
import { applySnapshot as applySnap } from './config-writer';
import { showToast, updateSettings, useApp } from './app-store';
import { applyConnectionState } from './reducers';

function fail(err: unknown, code: string, title?: string): void {
  showToast({ ...toAppError(err, code), ...(title ? { title } : {}) });
}

export async function refreshPorts(): Promise<void> {
  useApp.setState({ portsLoading: true });
  try {
    const ports = await getApi().request('listPorts');
    useApp.setState({ ports });
  } catch (e) {
    fail(e, 'ports-failed', 'Listing the ports failed');
  } finally {
    useApp.setState({ portsLoading: false });
  }
}

export async function connect(target: string): Promise<void> {
  const t = target.trim() || DEMO_TARGET;
  updateSettings({ lastTarget: t });
  useApp.setState({ connectBusy: true, lastError: null, paused: false });
  try {
    const device = await getApi().request('connect', t);
    useApp.setState((s) => ({ device, channels: device.channels, lastError: s.lastError }));
    await loadConfig();
  } catch (e) {
    const err = toAppError(e, 'connect-failed');
    useApp.setState({ lastError: err });
    showToast({ ...err, title: `Connecting to ${t} failed` });
  } finally {
    useApp.setState({ connectBusy: false });
  }
}

export async function disconnect(): Promise<void> {
  try {
    await getApi().request('disconnect');
  } catch (e) {
    fail(e, 'disconnect-failed', 'Disconnecting failed');
  }
}

/** Read the config once (after connect); later changes arrive as pushed events. */
export async function loadConfig(): Promise<void> {
  try {
    const snap = await getApi().request('readConfig');
    useApp.setState((s) => ({ config: applySnap(s.config, snap) }));
  } catch (e) {
    // A camera without a config channel is fine; anything else is worth saying.
    const err = toAppError(e, 'config-read-failed');
    if (err.code !== 'no-config') showToast({ ...err, title: 'Reading the config failed' });
  }
}

const configController = createConfigController({
  get: () => useApp.getState().config,
  set: (config) => useApp.setState({ config }),
  write: (patch) => getApi().request('writeConfig', patch),
  onError: (err) => showToast(err),
});

export function editConfig(key: string, value: ConfigValue): void {
  configController.edit(key, value);
}

export function setConfigDragging(key: string, dragging: boolean): void {
  configController.setDragging(key, dragging);
}

/** Re-read state after the carrier (re)attaches: the service kept running while we were away. */
export async function resync(): Promise<void> {
  const api = getApi();
  try {
    const cs = await api.request('getState');
    useApp.setState((s) => applyConnectionState(s, cs));
    if (cs.kind === 'connected') await loadConfig();
  } catch (e) {
    fail(e, 'state-failed', 'Reading the camera state failed');
  }
  await refreshPorts();
}

/** Save through the contract; `seq` is the frame on screen. Resolves with what was saved, null on failure. */
export async function saveSnapshot(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult | null> {
  try {
    const r =
      seq === undefined
        ? await getApi().request('saveSnapshot', format)
        : await getApi().request('saveSnapshot', format, seq);
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
}

export async function setStreaming(enable: boolean): Promise<void> {
  try {
    await getApi().request('setStreaming', enable);
    useApp.setState({ paused: !enable });
  } catch (e) {
    fail(e, 'streaming-failed', enable ? 'Resuming the stream failed' : 'Pausing the stream failed');
  }
}
