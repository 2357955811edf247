import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useActions, useApp } from '../store/use-app';
import { AppToolbar } from './AppToolbar';
import { ChannelList } from './ChannelList';
import { ConfigPanel } from './ConfigPanel';
import { ConnectionBar } from './ConnectionBar';
import { ConsolePanel } from './ConsolePanel';
import { FrameView } from './frame-view/FrameView';
import { HelpPopover } from './HelpPopover';
import { Panel } from './Panel';
import { Splitter } from './Splitter';
import { StatsPanel } from './StatsPanel';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { useShortcuts } from './use-shortcuts';

/** The page: connection bar and tools on top, the live frame beside the camera's panels, console, status. */
export function App() {
  const { theme, consoleOpen, consoleHasLines, sideWidth, consoleHeight } = useApp(
    useShallow((s) => ({
      theme: s.settings.theme,
      consoleOpen: s.settings.panels.console,
      consoleHasLines: s.stdout.lines.length > 0 || s.stdout.partial !== '',
      sideWidth: s.settings.sideWidth,
      consoleHeight: s.settings.consoleHeight,
    })),
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    // CSSOM, not an inline style attribute: allowed under the strict CSP
    document.documentElement.style.setProperty('--side-width', `${sideWidth}px`);
    document.documentElement.style.setProperty('--console-height', `${consoleHeight}px`);
  }, [sideWidth, consoleHeight]);
  useShortcuts();
  const { updateSettings } = useActions();

  return (
    <div className={`app${consoleOpen ? ' with-console' : ''}`}>
      <ConnectionBar />
      <AppToolbar />
      <main className="workspace">
        <FrameView />
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
      <section className="console-dock" aria-label="Console">
        {consoleOpen && consoleHasLines && (
          <Splitter
            orientation="horizontal"
            label="Resize the console"
            value={consoleHeight}
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
      <StatusBar />
      <HelpPopover />
      <Toasts />
    </div>
  );
}
