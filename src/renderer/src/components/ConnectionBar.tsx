import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DEMO_TARGET, type PortInfo } from '../../../shared/contract';
import { formatUsbId } from '../lib/format';
import { portOptions } from '../lib/ports';
import { tilePhase, viewOf, type TilePhase } from '../store/camera-view';
import { progressPercent } from '../store/reducers';
import type { AppState } from '../store/state';
import { useActions, useApp } from '../store/use-app';
import { savedForTarget, tileKey } from '../store/workspace';

export function portLabel(p: PortInfo): string {
  if (p.target === DEMO_TARGET) return 'Demo camera (simulated)';
  const name = p.board ?? p.manufacturer ?? (p.isCamera ? 'OpenMV camera' : 'Serial port');
  const id = formatUsbId(p.vid, p.pid);
  const parts = [name, p.path];
  if (id) parts.push(id);
  if (p.serialNumber) parts.push(`SN ${p.serialNumber}`);
  return parts.join(' · ');
}

/** The button says what is going on with the chosen target's camera: Connect unless its tile is open. */
function connectLabel(phase: TilePhase | null): string {
  switch (phase) {
    case 'opening':
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
    case 'resyncing':
      return 'Reconnecting…';
    default:
      return 'Connect';
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

/** The tile showing `target`: its phase and connection (null: no tile shows it). */
function targetTile(s: AppState, target: string) {
  const saved = savedForTarget(s.settings.workspace, target);
  if (!saved) return { phase: null, connection: null };
  const v = viewOf(s.cameras, tileKey(saved));
  return { phase: tilePhase(v), connection: v.connection };
}

/** A `camdeck://host:port/<id>` target: another camdeck's camera, which needs that camdeck's token. */
const isRemote = (t: string) => t.startsWith('camdeck://');

/**
 * Add camera: the ports (the `ports` event keeps the list fresh; Refresh asks again), or a typed target (a
 * serial path, demo:2, tcp://…, camdeck://host:7410/<id> with its token). Connect opens it in a tile.
 */
export function ConnectionBar() {
  const { ports, portsLoading, lastTarget, serverUp } = useApp(
    useShallow((s) => ({
      ports: s.ports,
      portsLoading: s.portsLoading,
      lastTarget: s.settings.lastTarget,
      serverUp: s.server.up,
    })),
  );
  const { openCamera, refreshPorts } = useActions();
  // A typed target (tcp://…) from last time goes back into the text box.
  const known = lastTarget === DEMO_TARGET || lastTarget.startsWith('/') || /^COM\d+$/i.test(lastTarget);
  const [selected, setSelected] = useState(lastTarget || DEMO_TARGET);
  const [typed, setTyped] = useState(known ? '' : lastTarget);
  const [token, setToken] = useState('');

  const isOption = (t: string) => t === DEMO_TARGET || ports.some((p) => p.target === t);
  // With exactly one camera attached and nothing chosen yet, offer it.
  useEffect(() => {
    if (isOption(selected)) return;
    const cams = ports.filter((p) => p.isCamera);
    if (cams.length === 1) setSelected(cams[0]!.target);
  }, [ports, selected]);

  const shown = isOption(selected) ? selected : DEMO_TARGET;
  const target = typed.trim() || shown;
  const { phase, connection } = useApp(useShallow((s) => targetTile(s, target)));
  const label = connectLabel(phase);
  const canConnect = serverUp && label === 'Connect';
  const remote = isRemote(target);
  const onConnect = () => {
    if (canConnect) void openCamera(target, remote && token ? { token } : {});
  };
  const options = portOptions(ports);

  return (
    <header className="connection-bar" aria-label="Add camera">
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
        title="Camera port (the list follows what is plugged in)"
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
        placeholder="or type: /dev/ttyACM0 · demo:2 · tcp://host:port · camdeck://host:7410/id"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onConnect();
        }}
      />
      {remote && (
        <>
          <HiddenLabel htmlFor="port-token">Access token of the other camdeck</HiddenLabel>
          <input
            id="port-token"
            data-testid="port-token"
            className="port-token"
            type="password"
            autoComplete="off"
            placeholder="token"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onConnect();
            }}
          />
        </>
      )}
      <button
        type="button"
        className="primary"
        data-testid="connect"
        data-state={connection?.kind ?? 'disconnected'}
        onClick={onConnect}
        disabled={!canConnect}
        title="Open this camera in a tile"
      >
        {label}
      </button>
      {connection?.kind === 'connecting' && (
        <div className="connect-progress" title={connection.step}>
          <progress max={100} value={progressPercent(connection.progress)} aria-label="Connecting" />
          <span className="muted">{connection.step}</span>
        </div>
      )}
    </header>
  );
}
