// The page tells the service which cameras' frames it wants (`watch`) whenever the set it shows changes: every
// open tile in the grid, the focused camera in the focus view; and again once it has the server back. Where the
// page has a paint worker, the worker has the frames connection: the tiles' cameras are watched by their tiles,
// and the focused camera is handed to the worker to deliver (`deliver`); this connection watches nothing.
import type { StoreApi } from 'zustand';
import type { CameraId } from '../../../shared/contract';
import { toAppError, type RendererApi } from '../api';
import { viewOf } from './camera-view';
import type { AppState } from './state';
import type { UiActions } from './ui-actions';
import { tileKey } from './workspace';

export interface WatchOptions {
  /** The grid's tiles are painted by the paint worker, which watches their cameras itself. */
  gridInWorker?: boolean;
  /** The paint worker brings the shown cameras' frames: tell it these instead of watching them here. */
  deliver?: (cameras: CameraId[]) => void;
}

/** The cameras whose frames the page's own connection brings now: open (the service knows them), not closed. */
export function watchedCameras(s: AppState, opts: WatchOptions = {}): CameraId[] {
  const ws = s.settings.workspace;
  if (ws.view === 'grid' && opts.gridInWorker) return [];
  const shown = ws.view === 'grid' ? ws.cameras : ws.cameras.filter((c) => tileKey(c) === ws.selected);
  return shown.flatMap((c) => {
    const v = viewOf(s.cameras, tileKey(c));
    return c.id && v.info && !v.opening && v.closed === null && !v.openError ? [c.id] : [];
  });
}

/** Keep the service's idea of what this page watches in step; returns the unwiring. */
export function syncWatch(
  store: StoreApi<AppState>,
  api: RendererApi,
  ui: Pick<UiActions, 'showToast'>,
  opts: WatchOptions = {},
): () => void {
  let sent: string | null = null;
  const sync = (s: AppState) => {
    if (!s.server.up) {
      sent = null; // a new connection starts watching nothing: say it all again once it is up
      return;
    }
    const ids = watchedCameras(s, opts);
    const key = ids.join('\n');
    if (key === sent) return;
    sent = key;
    if (opts.deliver) return opts.deliver(ids);
    // paced: the frame hub credits each camera's frame as it takes it, so nothing is sent only to be dropped
    api.request('watch', ids, { paced: true }).catch((e: unknown) => {
      sent = null;
      ui.showToast({ ...toAppError(e, 'request-failed'), title: 'Asking for the cameras’ frames failed' });
    });
  };
  sync(store.getState());
  return store.subscribe((s) => sync(s));
}
