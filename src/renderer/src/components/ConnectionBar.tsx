import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DEMO_TARGET, type ConnectionState, type PortInfo } from '../../../shared/contract';
import { formatUsbId } from '../lib/format';
import { portOptions } from '../lib/ports';
import { progressPercent } from '../store/reducers';
import { useActions, useApp } from '../store/use-app';

export function portLabel(p: PortInfo): string {
  if (p.target === DEMO_TARGET) return 'Demo camera (simulated)';
  const name = p.board ?? p.manufacturer ?? (p.isCamera ? 'OpenMV camera' : 'Serial port');
  const id = formatUsbId(p.vid, p.pid);
  const parts = [name, p.path];
  if (id) parts.push(id);
  if (p.serialNumber) parts.push(`SN ${p.serialNumber}`);
  return parts.join(' · ');
}

/** The button says what is going on: Connect only from Disconnected, else the state we are in. */
function connectLabel(busy: boolean, kind: ConnectionState['kind']): string {
  if (busy) return 'Connecting…';
  switch (kind) {
    case 'connected':
      return 'Connected';
    case 'disconnected':
      return 'Connect';
    case 'connecting':
      return 'Connecting…';
    default:
      return 'Reconnecting…';
  }
}

/** For screen readers; on screen the control's options or placeholder say it. */
function HiddenLabel({ htmlFor, children }: { htmlFor: string; children: string }) {
  return (
    <label className="visually-hidden" htmlFor={htmlFor}>
      {children}
    </label>
  );
}

export function ConnectionBar() {
  const { ports, portsLoading, connection, busy, lastTarget, serverUp } = useApp(
    useShallow((s) => ({
      ports: s.ports,
      portsLoading: s.portsLoading,
      connection: s.connection,
      busy: s.connectBusy,
      lastTarget: s.settings.lastTarget,
      serverUp: s.server.up,
    })),
  );
  const { connect, disconnect, refreshPorts } = useActions();
  // A typed target (tcp://…) from last time goes back into the text box.
  const known = lastTarget === DEMO_TARGET || lastTarget.startsWith('/') || /^COM\d+$/i.test(lastTarget);
  const [selected, setSelected] = useState(lastTarget || DEMO_TARGET);
  const [typed, setTyped] = useState(known ? '' : lastTarget);

  const isOption = (t: string) => t === DEMO_TARGET || ports.some((p) => p.target === t);
  // With exactly one camera attached and nothing chosen yet, offer it.
  useEffect(() => {
    if (isOption(selected)) return;
    const cams = ports.filter((p) => p.isCamera);
    if (cams.length === 1) setSelected(cams[0]!.target);
  }, [ports, selected]);

  const shown = isOption(selected) ? selected : DEMO_TARGET;
  const active = connection.kind !== 'disconnected';
  const target = typed.trim() || shown;
  // Connect only from Disconnected: while connected (or on the way) the button says what is going on
  const canConnect = !busy && serverUp && !active;
  const onConnect = () => {
    if (canConnect) void connect(target);
  };
  const options = portOptions(ports);

  return (
    <header className="connection-bar" aria-label="Connection">
      <div className="brand" aria-hidden="true">
        camdeck
      </div>
      <HiddenLabel htmlFor="port-select">Port</HiddenLabel>
      <select
        id="port-select"
        data-testid="port-select"
        value={shown}
        onChange={(e) => {
          setSelected(e.target.value);
          setTyped('');
        }}
        disabled={busy}
        title="Camera port"
      >
        {options.map((p) => (
          <option key={p.target} value={p.target}>
            {portLabel(p)}
          </option>
        ))}
      </select>
      <button
        type="button"
        data-testid="port-refresh"
        onClick={() => void refreshPorts()}
        disabled={portsLoading || !serverUp}
        title="Refresh the port list"
        aria-label="Refresh ports"
      >
        {portsLoading ? '…' : '⟳'}
      </button>
      <HiddenLabel htmlFor="port-input">Target</HiddenLabel>
      <input
        id="port-input"
        data-testid="port-input"
        className="port-input"
        type="text"
        spellCheck={false}
        placeholder="or type: /dev/ttyACM0 · tcp://host:port · udp://host:5555"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onConnect();
        }}
      />
      <button
        type="button"
        className="primary"
        data-testid="connect"
        data-state={connection.kind}
        onClick={onConnect}
        disabled={!canConnect}
      >
        {connectLabel(busy, connection.kind)}
      </button>
      <button
        type="button"
        data-testid="disconnect"
        onClick={() => void disconnect()}
        disabled={!active && !busy}
        title="Disconnect (Ctrl+D)"
      >
        Disconnect
      </button>
      {connection.kind === 'connecting' && (
        <div className="connect-progress" title={connection.step}>
          <progress max={100} value={progressPercent(connection.progress)} aria-label="Connecting" />
          <span className="muted">{connection.step}</span>
        </div>
      )}
    </header>
  );
}
