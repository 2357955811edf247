// What the user does with the workspace: open a camera into a tile, retry, detach a tile (this page only),
// close a camera (for every page), pick the layout and the view, move the selection. `reload` re-opens every
// saved camera: on load, and whenever the page gets the server back (openCamera attaches to an open camera).
import type { StoreApi } from 'zustand';
import { DEMO_TARGET, type CameraInfo } from '../../../shared/contract';
import { toAppError, type RendererApi } from '../api';
import { cameraName, type CameraActions } from './actions';
import { patchCamera, viewOf, withoutCamera } from './camera-view';
import type { AppState, Settings } from './state';
import type { UiActions } from './ui-actions';
import {
  findSaved,
  layoutFor,
  layoutSize,
  moveInGrid,
  removeSaved,
  replaceSaved,
  savedForTarget,
  tileKey,
  type Layout,
  type SavedCamera,
  type Workspace,
  type WorkspaceView,
} from './workspace';

export interface WorkspaceActions {
  refreshPorts(): Promise<void>;
  /** Open a camera in a tile (or bring up the tile already showing it); resolves when it opened or failed. */
  openCamera(target: string, options?: { token?: string }): Promise<void>;
  /** Open a tile's camera again (after a failure, or after it was closed). */
  retryTile(key: string): Promise<void>;
  /** Take the tile off this page only; the camera stays open for other pages. */
  removeTile(key: string): void;
  /** Close the tile's camera for every page (each gets its `closed` event). */
  closeCamera(key: string): Promise<void>;
  setLayout(layout: Layout): void;
  setView(view: WorkspaceView): void;
  selectTile(key: string): void;
  /** Select a tile and show it in the focus view. */
  focusTile(key: string): void;
  moveSelection(dir: 'left' | 'right' | 'up' | 'down'): void;
  /** Re-open the saved cameras, re-read their state and config, and the ports (the service kept running). */
  reload(): Promise<void>;
}

export function createWorkspaceActions(
  store: StoreApi<AppState>,
  api: RendererApi,
  ui: Pick<UiActions, 'showToast' | 'updateSettings'>,
  camera: Pick<CameraActions, 'loadConfig' | 'forgetCamera'>,
): WorkspaceActions {
  const set = store.setState;
  const ws = () => store.getState().settings.workspace;
  const setWs = (change: (w: Workspace) => Workspace) =>
    set((s) => ({ settings: { ...s.settings, workspace: change(s.settings.workspace) } }));
  const updateSettings = (patch: Partial<Settings>) => ui.updateSettings(patch);

  /** The saved camera without its closed mark (it is being opened again). */
  function reopened(saved: SavedCamera): SavedCamera {
    const { closed: _closed, ...rest } = saved;
    return rest;
  }

  /** The camera opened: the tile takes its id (merging into a tile that already shows it). */
  function opened(key: string, saved: SavedCamera, info: CameraInfo): string {
    const next: SavedCamera = { ...reopened(saved), id: info.id, target: info.target };
    const other = key !== info.id && ws().cameras.some((c) => tileKey(c) === info.id);
    set((s) => {
      let cameras = s.cameras;
      if (key !== info.id) cameras = withoutCamera(cameras, key);
      cameras = patchCamera(cameras, info.id, (v) => ({
        info,
        connection: info.state,
        device: info.device ?? v.device,
        channels: info.device?.channels ?? v.channels,
        opening: false,
        openError: null,
        closed: null,
        paused: false,
      }));
      const w = s.settings.workspace;
      const workspace = other
        ? { ...removeSaved(w, key), selected: w.selected === key ? info.id : w.selected }
        : replaceSaved(w, key, next);
      return { cameras, settings: { ...s.settings, workspace } };
    });
    if (key !== info.id) camera.forgetCamera(key);
    return info.id;
  }

  async function openTile(key: string): Promise<void> {
    const saved = findSaved(ws(), key);
    if (!saved) return;
    const fresh = reopened(saved);
    if (saved.closed !== undefined) setWs((w) => replaceSaved(w, key, fresh));
    set((s) => ({
      cameras: patchCamera(s.cameras, key, { opening: true, openError: null, closed: null }),
    }));
    try {
      const info = await api.request(
        'openCamera',
        fresh.target,
        ...(fresh.token ? [{ token: fresh.token }] : []),
      );
      const id = opened(key, fresh, info);
      await camera.loadConfig(id);
    } catch (e) {
      const err = toAppError(e, 'connect-failed');
      set((s) => ({
        cameras: patchCamera(s.cameras, key, {
          opening: false,
          openError: err,
          lastError: err,
          connection: { kind: 'disconnected' },
        }),
      }));
      ui.showToast({ ...err, title: `Opening ${fresh.target} failed` });
    }
  }

  function select(key: string, view?: WorkspaceView): void {
    setWs((w) => (findSaved(w, key) ? { ...w, selected: key, ...(view ? { view } : {}) } : w));
  }

  /**
   * An empty workspace shows what the service already runs (`camdeck serve --demo 4`, `--camera` repeated, or
   * another page's cameras), laid out to fit; a page that has chosen nothing gains nothing from a blank screen.
   */
  async function adoptOpenCameras(): Promise<void> {
    let open: CameraInfo[];
    try {
      open = await api.request('listCameras');
    } catch {
      return; // the reload's own requests report a lost server
    }
    if (open.length === 0 || ws().cameras.length > 0) return;
    const cameras: SavedCamera[] = open.map((c) => ({ id: c.id, target: c.target }));
    setWs((w) => ({
      ...w,
      cameras,
      layout: layoutFor(cameras.length),
      view: cameras.length > 1 ? 'grid' : 'focus',
      selected: tileKey(cameras[0]!),
    }));
  }

  async function refreshPorts(): Promise<void> {
    set({ portsLoading: true });
    try {
      set({ ports: await api.request('listPorts') });
    } catch (e) {
      ui.showToast({ ...toAppError(e, 'ports-failed'), title: 'Listing the ports failed' });
    } finally {
      set({ portsLoading: false });
    }
  }

  return {
    refreshPorts,

    async openCamera(target, options = {}) {
      const t = target.trim() || DEMO_TARGET;
      updateSettings({ lastTarget: t });
      const existing = savedForTarget(ws(), t);
      if (existing) {
        const key = tileKey(existing);
        select(key);
        const v = viewOf(store.getState().cameras, key);
        const token = options.token ?? existing.token;
        if (token !== existing.token)
          setWs((w) => replaceSaved(w, key, { ...existing, ...(token ? { token } : {}) }));
        // already open (or on its way): nothing to do but show it
        if (v.opening || (v.info && v.closed === null && !v.openError)) return;
        return openTile(key);
      }
      const saved: SavedCamera = { id: null, target: t, ...(options.token ? { token: options.token } : {}) };
      const key = tileKey(saved);
      setWs((w) => ({ ...w, cameras: [...w.cameras, saved], selected: key }));
      return openTile(key);
    },

    retryTile: (key) => openTile(key),

    removeTile(key) {
      setWs((w) => removeSaved(w, key));
      set((s) => ({ cameras: withoutCamera(s.cameras, key) }));
      camera.forgetCamera(key);
    },

    async closeCamera(key) {
      const v = viewOf(store.getState().cameras, key);
      if (!v.info) return;
      try {
        await api.request('closeCamera', v.info.id);
      } catch (e) {
        const title = `Closing ${cameraName(store.getState(), key)} failed`;
        ui.showToast({ ...toAppError(e, 'disconnect-failed'), title });
      }
    },

    setLayout: (layout) => setWs((w) => ({ ...w, layout })),
    setView: (view) => setWs((w) => ({ ...w, view })),
    selectTile: (key) => select(key),
    focusTile: (key) => select(key, 'focus'),

    moveSelection(dir) {
      const w = ws();
      const keys = w.cameras.map(tileKey);
      const i = moveInGrid(keys.indexOf(w.selected ?? ''), keys.length, layoutSize(w.layout).columns, dir);
      if (i >= 0) select(keys[i]!);
    },

    async reload() {
      if (ws().cameras.length === 0) await adoptOpenCameras();
      const saved = ws().cameras;
      // closed for every page: the tile says so (Reopen / Remove) instead of re-opening it
      set((s) => ({
        cameras: saved.reduce(
          (cams, c) => (c.closed === undefined ? cams : patchCamera(cams, tileKey(c), { closed: c.closed })),
          s.cameras,
        ),
      }));
      const open = saved.filter((c) => c.closed === undefined).map((c) => openTile(tileKey(c)));
      await Promise.all([refreshPorts(), ...open]);
    },
  };
}
