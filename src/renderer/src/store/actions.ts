// User actions: each calls the contract and turns a failure into a toast with its cause (never silent).
import type { ConfigValue } from '../../../shared/contract';
import { DEMO_TARGET } from '../../../shared/contract';
import { getApi, toAppError } from '../api';
import { createConfigController } from './config-controller';
import { applySnapshot as applySnap } from './config-writer';
import { showToast, updateSettings, useApp } from './app-store';
import { applyConnectionState } from './reducers';

function fail(err: unknown, code: string): void {
  showToast(toAppError(err, code));
}

export async function refreshPorts(): Promise<void> {
  useApp.setState({ portsLoading: true });
  try {
    const ports = await getApi().request('listPorts');
    useApp.setState({ ports });
  } catch (e) {
    fail(e, 'ports-failed');
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
    showToast({ ...err, message: `Connect to ${t} failed: ${err.message}` });
  } finally {
    useApp.setState({ connectBusy: false });
  }
}

export async function disconnect(): Promise<void> {
  try {
    await getApi().request('disconnect');
  } catch (e) {
    fail(e, 'disconnect-failed');
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
    if (err.code !== 'no-config') showToast({ ...err, message: `Reading config failed: ${err.message}` });
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
    fail(e, 'state-failed');
  }
  await refreshPorts();
}

export async function saveSnapshot(format: 'jpeg' | 'png'): Promise<string | null> {
  try {
    const r = await getApi().request('saveSnapshot', format);
    showToast(
      {
        code: 'snapshot-saved',
        message: `Saved ${format.toUpperCase()} snapshot: ${r.path}`,
        at: Date.now(),
      },
      'info',
    );
    return r.path;
  } catch (e) {
    fail(e, 'snapshot-failed');
    return null;
  }
}

export async function setStreaming(enable: boolean): Promise<void> {
  try {
    await getApi().request('setStreaming', enable);
    useApp.setState({ paused: !enable });
  } catch (e) {
    fail(e, 'streaming-failed');
  }
}
