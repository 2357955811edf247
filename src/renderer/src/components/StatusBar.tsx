import { useShallow } from 'zustand/react/shallow';
import type { AppError } from '../../../shared/contract';
import { presentError } from '../lib/messages';
import { describeConnection } from '../store/reducers';
import { useApp } from '../store/use-app';

function LastError({ err }: { err: AppError }) {
  const p = presentError(err);
  return (
    <span className="last-error" data-testid="last-error" title={`${p.message} ${p.hint}`}>
      Last error: {p.message}
    </span>
  );
}

export function StatusBar() {
  const { connection, lastError, carrier, server, device } = useApp(
    useShallow((s) => ({
      connection: s.connection,
      lastError: s.lastError,
      carrier: s.carrier,
      server: s.server,
      device: s.device,
    })),
  );
  const { label, detail } = describeConnection(connection);
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
