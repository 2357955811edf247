import { useShallow } from 'zustand/react/shallow';
import { CameraScope, useCamera } from '../../store/camera-scope';
import { useActions, useApp } from '../../store/use-app';
import { ChannelList } from '../ChannelList';
import { ConfigPanel } from '../ConfigPanel';
import { ConsolePanel } from '../ConsolePanel';
import { CameraFrames } from '../frame-hub';
import { FrameView } from '../frame-view/FrameView';
import { Panel } from '../Panel';
import { Splitter } from '../Splitter';
import { StatsPanel } from '../StatsPanel';
import { CameraBar } from './CameraBar';
import { NoCameras } from './NoCameras';

/** The console dock under the focus view, with its resize handle once the camera has printed. */
function ConsoleDock() {
  const hasLines = useCamera((v) => v.stdout.lines.length > 0 || v.stdout.partial !== '');
  const { open, height } = useApp(
    useShallow((s) => ({ open: s.settings.panels.console, height: s.settings.consoleHeight })),
  );
  const { updateSettings } = useActions();
  return (
    <section className="console-dock" aria-label="Console">
      {open && hasLines && (
        <Splitter
          orientation="horizontal"
          label="Resize the console"
          value={height}
          min={60}
          max={600}
          invert
          onChange={(v) => updateSettings({ consoleHeight: v })}
        />
      )}
      <Panel id="console" title="Console (stdout)">
        <ConsolePanel />
      </Panel>
    </section>
  );
}

/** One camera large: its frame with zoom, probe and snapshots, beside its config, channels and stats. */
export function FocusView() {
  const { selected, sideWidth } = useApp(
    useShallow((s) => ({ selected: s.settings.workspace.selected, sideWidth: s.settings.sideWidth })),
  );
  const { updateSettings } = useActions();
  if (selected === null) return <NoCameras />;
  return (
    <CameraScope value={selected}>
      <main className="workspace focus-view">
        <CameraBar />
        <CameraFrames>
          <FrameView />
        </CameraFrames>
        <Splitter
          orientation="vertical"
          label="Resize the side panel"
          value={sideWidth}
          min={240}
          max={720}
          invert
          onChange={(v) => updateSettings({ sideWidth: v })}
        />
        <aside className="side" aria-label="Camera">
          <Panel id="config" title="Config">
            <ConfigPanel />
          </Panel>
          <Panel id="channels" title="Channels">
            <ChannelList />
          </Panel>
          <Panel id="stats" title="Protocol stats">
            <StatsPanel />
          </Panel>
        </aside>
      </main>
      <ConsoleDock />
    </CameraScope>
  );
}
