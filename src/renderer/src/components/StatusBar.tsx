import { useShallow } from 'zustand/react/shallow';
import type { AppError } from '../../../shared/contract';
import { presentError } from '../lib/messages';
import { phaseLabel } from '../store/camera-view';
import { selectedView } from '../store/selected';
import { useApp } from '../store/use-app';

function LastError({ err }: { err: AppError }) {
  const p = presentError(err);
  return (
    <span className="last-error" data-testid="last-error" title={`${p.message} ${p.hint}`}>
      Last error: {p.message}
    </span>
  );
}

/** The selected camera's state (e2e reads it), the server link, the carrier. */
export function StatusBar() {
  const { view, carrier, server, count } = useApp(
    useShallow((s) => ({
      view: selectedView(s),
      carrier: s.carrier,
      server: s.server,
      count: s.settings.workspace.cameras.length,
    })),
  );
  const { connection, lastError, device } = view;
  const { label, detail } = phaseLabel(view);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`state-dot state-${connection.kind}`} aria-hidden="true" />
      <span data-testid="connection-state" data-state={connection.kind} className="state-label" role="status">
        {label}
      </span>
      {detail && <span className="muted state-detail">{detail}</span>}
      {lastError && connection.kind !== 'connected' && lastError.message !== detail && (
        <LastError err={lastError} />
      )}
      <span className="spacer" />
      {count > 1 && <span className="muted">{count} cameras</span>}
      {device && connection.kind === 'connected' && (
        <span className="muted">
          {device.usbId} · payload {device.maxPayload} B · proto {device.protocolVersion}
        </span>
      )}
      {!server.up && carrier === 'browser' && (
        <span className="link-down" data-testid="link-state">
          server unreachable{server.attempt ? ` — retry ${server.attempt}` : ''}
          {server.nextInMs ? ` in ${(server.nextInMs / 1000).toFixed(1)} s` : ''}
        </span>
      )}
      <span className="muted" data-testid="carrier" title="How this window talks to the camera service">
        {carrier === 'electron' ? 'Electron IPC' : 'browser · WebSocket'}
      </span>
    </footer>
  );
}
