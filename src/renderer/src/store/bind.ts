// Wire the carrier's pushed events into a store (outside React), each camera event to its camera's view by the
// camera id the carrier gives beside the payload. Returns the unwiring.
// stdout is batched per camera: a script printing fast must not re-render the console per chunk.
import type { StoreApi } from 'zustand';
import { emptyStats } from '../../../model';
import type { CameraId, StatsSnapshot } from '../../../shared/contract';
import type { RendererApi } from '../api';
import { appendStdout } from '../lib/stdout-ring';
import { portsToOpen } from './auto-open';
import { patchCamera, viewOf, withoutCamera, type CameraView } from './camera-view';
import { applySnapshot } from './config-writer';
import { applyConnectionState } from './reducers';
import { STDOUT_MAX_LINES, type AppState } from './state';
import type { UiActions } from './ui-actions';
import { syncWatch, type WatchOptions } from './watch-sync';
import type { WorkspaceActions } from './workspace-actions';
import { findSaved, replaceSaved, tileKey } from './workspace';

const STDOUT_FLUSH_MS = 100;
/** Text held between flushes per camera; the ring keeps far less than this anyway. */
const STDOUT_PENDING_MAX = 512 * 1024;

type BindActions = Pick<WorkspaceActions, 'reload' | 'openCamera'> & Pick<UiActions, 'showToast'>;

/** The camera's figures once its stream stopped: fps and data rate 0 (counters kept), even before any arrived. */
function stopped(stats: StatsSnapshot | null): StatsSnapshot {
  const s = stats ?? emptyStats();
  return { ...s, frames: { ...s.frames, fps: 0, kbps: 0 } };
}

export function bindApi(
  store: StoreApi<AppState>,
  api: RendererApi,
  actions: BindActions,
  opts: WatchOptions = {},
): () => void {
  const set = store.setState;
  /** A camera event: applied to that camera's view (made if the page has not heard of the camera yet). */
  const onCamera =
    <P>(apply: (v: CameraView, payload: P) => Partial<CameraView>) =>
    (payload: P, camera: CameraId | null) => {
      if (camera !== null)
        set((s) => ({ cameras: patchCamera(s.cameras, camera, (v) => apply(v, payload)) }));
    };
  const offs = [
    api.on(
      'state',
      onCamera((v, cs) => applyConnectionState(v, cs)),
    ),
    api.on(
      'config',
      onCamera((v, snap) => ({ config: applySnapshot(v.config, snap) })),
    ),
    api.on(
      'channels',
      onCamera((_v, channels) => ({ channels })),
    ),
    api.on(
      'stats',
      onCamera((_v, stats) => ({ stats })),
    ),
    api.on('error', (err, camera) => {
      const title = camera === null ? undefined : viewOf(store.getState().cameras, camera).info?.label;
      if (camera !== null) set((s) => ({ cameras: patchCamera(s.cameras, camera, { lastError: err }) }));
      actions.showToast({ ...err, ...(title ? { title } : {}) });
    }),
    api.on('closed', ({ reason }, camera) => {
      if (camera === null) return;
      const ws = store.getState().settings.workspace;
      const saved = findSaved(ws, camera);
      if (!saved) {
        // not one of ours: forget what its events left here
        set((s) => ({ cameras: withoutCamera(s.cameras, camera) }));
        return;
      }
      set((s) => ({
        cameras: patchCamera(s.cameras, camera, (v) => ({
          ...applyConnectionState(v, { kind: 'disconnected' }),
          closed: reason,
          paused: false,
          // the stream stopped: say so at once (fps 0), as the service does when a link goes away
          stats: stopped(v.stats),
        })),
        settings: {
          ...s.settings,
          workspace: replaceSaved(s.settings.workspace, camera, { ...saved, closed: reason }),
        },
      }));
    }),
    api.on('cameras', (list) => {
      const listed = new Map(list.map((c) => [c.id, c]));
      set((s) => {
        const tiles = new Set(s.settings.workspace.cameras.map(tileKey));
        const cameras = Object.fromEntries(
          Object.entries(s.cameras).flatMap(([k, v]): Array<[string, CameraView]> => {
            const info = listed.get(k);
            if (tiles.has(k)) return [[k, info && v.info ? { ...v, info } : v]];
            // another page's camera: kept while the service holds it (its tile may be about to appear)
            return info ? [[k, v]] : [];
          }),
        );
        return { cameras };
      });
    }),
    api.on('ports', (ports) => {
      const s = store.getState();
      const before = s.ports;
      set({ ports });
      if (!s.settings.autoOpenCameras || !portsListed) return;
      for (const t of portsToOpen(before, ports, s.settings.workspace, s.cameras)) void actions.openCamera(t);
    }),
  ];

  // auto-open compares with a list the page has seen: the first list (at start-up) opens nothing by itself
  let portsListed = false;
  offs.push(
    store.subscribe((s, prev) => {
      if (s.ports !== prev.ports) portsListed = true;
    }),
  );

  const pending = new Map<CameraId, string>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    flushTimer = null;
    const texts = [...pending];
    pending.clear();
    set((s) => ({
      cameras: texts.reduce(
        (cams, [camera, t]) =>
          patchCamera(cams, camera, (v) => ({ stdout: appendStdout(v.stdout, t, STDOUT_MAX_LINES) })),
        s.cameras,
      ),
    }));
  };
  offs.push(
    api.on('stdout', (text, camera) => {
      if (camera === null) return;
      const t = (pending.get(camera) ?? '') + text;
      pending.set(camera, t.length > STDOUT_PENDING_MAX ? t.slice(-STDOUT_PENDING_MAX) : t);
      flushTimer ??= setTimeout(flush, STDOUT_FLUSH_MS);
    }),
  );

  offs.push(syncWatch(store, api, actions, opts));

  if (api.onServer) {
    let wasUp = false;
    offs.push(
      api.onServer((server) => {
        set({ server });
        if (server.up && !wasUp) void actions.reload();
        // Without the server we know nothing about the cameras: do not keep showing a stale "Connected".
        if (!server.up && wasUp) {
          const reason = server.error ?? 'lost the camdeck server';
          set((s) => ({
            cameras: Object.fromEntries(
              Object.entries(s.cameras).map(([k, v]) => [
                k,
                v.closed === null ? applyConnectionState(v, { kind: 'disconnected', reason }) : v,
              ]),
            ),
          }));
        }
        wasUp = server.up;
      }),
    );
  } else {
    set({ server: { up: true, attempt: 0 } });
    void actions.reload();
  }

  return () => {
    for (const off of offs) off();
    if (flushTimer) clearTimeout(flushTimer);
  };
}
