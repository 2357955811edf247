// Wire the carrier's pushed events into the store, at module scope (outside React).
// stdout is batched: a script printing fast must not re-render the console per chunk.
import { getApi } from '../api';
import { appendStdout } from '../lib/stdout-ring';
import { applySnapshot } from './config-writer';
import { showToast, STDOUT_MAX_LINES, useApp } from './app-store';
import { resync } from './actions';
import { applyConnectionState } from './reducers';

const STDOUT_FLUSH_MS = 100;
/** Text held between flushes; the ring keeps far less than this anyway. */
const STDOUT_PENDING_MAX = 512 * 1024;

let bound = false;

export function bindApi(): void {
  if (bound) return;
  bound = true;
  const api = getApi();
  useApp.setState({ carrier: api.carrier });

  api.on('state', (cs) => useApp.setState((s) => applyConnectionState(s, cs)));
  api.on('config', (snap) => useApp.setState((s) => ({ config: applySnapshot(s.config, snap) })));
  api.on('channels', (channels) => useApp.setState({ channels }));
  api.on('stats', (stats) => useApp.setState({ stats }));
  api.on('error', (err) => showToast(err));

  let pendingText = '';
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  api.on('stdout', (text) => {
    pendingText += text;
    if (pendingText.length > STDOUT_PENDING_MAX) pendingText = pendingText.slice(-STDOUT_PENDING_MAX);
    flushTimer ??= setTimeout(() => {
      flushTimer = null;
      const t = pendingText;
      pendingText = '';
      useApp.setState((s) => ({ stdout: appendStdout(s.stdout, t, STDOUT_MAX_LINES) }));
    }, STDOUT_FLUSH_MS);
  });

  if (api.onLink) {
    let wasUp = false;
    api.onLink((link) => {
      useApp.setState({ link });
      if (link.up && !wasUp) void resync();
      // Without the server we know nothing about the camera: do not keep showing a stale "Connected".
      if (!link.up && wasUp)
        useApp.setState((s) =>
          applyConnectionState(s, { kind: 'disconnected', reason: link.error ?? 'lost the camdeck server' }),
        );
      wasUp = link.up;
    });
  } else {
    useApp.setState({ link: { up: true, attempt: 0 } });
    void resync();
  }
}
