// Wire the carrier's pushed events into a store (outside React). Returns the unwiring.
// stdout is batched: a script printing fast must not re-render the console per chunk.
import type { StoreApi } from 'zustand';
import type { RendererApi } from '../api';
import { appendStdout } from '../lib/stdout-ring';
import type { CameraActions } from './actions';
import { applySnapshot } from './config-writer';
import { applyConnectionState } from './reducers';
import { STDOUT_MAX_LINES, type AppState } from './state';
import type { UiActions } from './ui-actions';

const STDOUT_FLUSH_MS = 100;
/** Text held between flushes; the ring keeps far less than this anyway. */
const STDOUT_PENDING_MAX = 512 * 1024;

export function bindApi(
  store: StoreApi<AppState>,
  api: RendererApi,
  actions: Pick<CameraActions, 'reload'> & Pick<UiActions, 'showToast'>,
): () => void {
  const set = store.setState;
  const offs = [
    api.on('state', (cs) => set((s) => applyConnectionState(s, cs))),
    api.on('config', (snap) => set((s) => ({ config: applySnapshot(s.config, snap) }))),
    api.on('channels', (channels) => set({ channels })),
    api.on('stats', (stats) => set({ stats })),
    api.on('error', (err) => actions.showToast(err)),
  ];

  let pendingText = '';
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  offs.push(
    api.on('stdout', (text) => {
      pendingText += text;
      if (pendingText.length > STDOUT_PENDING_MAX) pendingText = pendingText.slice(-STDOUT_PENDING_MAX);
      flushTimer ??= setTimeout(() => {
        flushTimer = null;
        const t = pendingText;
        pendingText = '';
        set((s) => ({ stdout: appendStdout(s.stdout, t, STDOUT_MAX_LINES) }));
      }, STDOUT_FLUSH_MS);
    }),
  );

  if (api.onServer) {
    let wasUp = false;
    offs.push(
      api.onServer((server) => {
        set({ server });
        if (server.up && !wasUp) void actions.reload();
        // Without the server we know nothing about the camera: do not keep showing a stale "Connected".
        if (!server.up && wasUp)
          set((s) =>
            applyConnectionState(s, {
              kind: 'disconnected',
              reason: server.error ?? 'lost the camdeck server',
            }),
          );
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
