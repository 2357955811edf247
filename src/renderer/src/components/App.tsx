import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLiveFrames } from '../frame/use-live-frames';
import { SHORTCUTS, shortcutFor } from '../lib/shortcuts';
import { isZoomCommand } from '../lib/viewport';
import type { PanelKey } from '../store/state';
import { useActions, useApp, useAppStore } from '../store/use-app';
import { ChannelList } from './ChannelList';
import { ConfigPanel } from './ConfigPanel';
import { ConnectionBar } from './ConnectionBar';
import { ConsolePanel } from './ConsolePanel';
import { FrameView } from './frame-view/FrameView';
import { useZoomCommand } from './frame-view/use-zoom';
import { Splitter } from './Splitter';
import { StatsPanel } from './StatsPanel';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';

function Panel({ id, title, children }: { id: PanelKey; title: string; children: ReactNode }) {
  const open = useApp((s) => s.settings.panels[id]);
  const { setPanelOpen } = useActions();
  return (
    <details
      className={`panel panel-${id}`}
      open={open}
      onToggle={(e) => setPanelOpen(id, e.currentTarget.open)}
    >
      <summary>{title}</summary>
      {open && children}
    </details>
  );
}

function HelpPopover() {
  const open = useApp((s) => s.helpOpen);
  const { setHelpOpen } = useActions();
  if (!open) return null;
  return (
    <div className="help-popover" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.action}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        Sliders: arrow keys, Page Up/Down, Home/End — each step is written to the camera.
      </p>
      <button type="button" onClick={() => setHelpOpen(false)}>
        Close
      </button>
    </div>
  );
}

function useShortcuts(): void {
  const store = useAppStore();
  const frames = useLiveFrames();
  const zoom = useZoomCommand();
  useEffect(() => {
    const { updateSettings, disconnect, setStreaming, toggleHelp, setHelpOpen } = store.actions;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        targetTag: t?.tagName ?? 'BODY',
        targetType: t instanceof HTMLInputElement ? t.type : undefined,
      });
      if (!action) return;
      const s = store.getState();
      if (isZoomCommand(action)) zoom(action);
      switch (action) {
        case 'snapshot-jpeg':
        case 'snapshot-png':
          void frames.takeSnapshot(action === 'snapshot-png' ? 'png' : 'jpeg');
          break;
        case 'disconnect':
          void disconnect();
          break;
        case 'pause':
          if (s.connection.kind === 'connected') void setStreaming(s.paused);
          break;
        case 'stats':
          updateSettings({ showStats: !s.settings.showStats });
          break;
        case 'theme':
          updateSettings({ theme: s.settings.theme === 'dark' ? 'light' : 'dark' });
          break;
        case 'help':
          toggleHelp();
          break;
        case 'close':
          if (!s.helpOpen) return;
          setHelpOpen(false);
          break;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, frames, zoom]);
}

export function App() {
  const { theme, connected, consoleOpen, consoleHasLines, sideWidth, consoleHeight } = useApp(
    useShallow((s) => ({
      theme: s.settings.theme,
      connected: s.connection.kind === 'connected',
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
  const { updateSettings, toggleHelp } = useActions();
  const frames = useLiveFrames();

  return (
    <div className={`app${consoleOpen ? ' with-console' : ''}`}>
      <ConnectionBar />
      <div className="toolbar-right">
        <button
          type="button"
          data-testid="snapshot-jpeg"
          disabled={!connected}
          onClick={() => void frames.takeSnapshot('jpeg')}
          title="Save the frame as received (S)"
        >
          Save JPEG
        </button>
        <button
          type="button"
          data-testid="snapshot-png"
          disabled={!connected}
          onClick={() => void frames.takeSnapshot('png')}
          title="Save the frame as PNG (Shift+S)"
        >
          Save PNG
        </button>
        <button
          type="button"
          data-testid="theme-toggle"
          onClick={() => updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' })}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          title="Theme (T)"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button
          type="button"
          data-testid="help-toggle"
          onClick={toggleHelp}
          aria-label="Keyboard shortcuts"
          title="Shortcuts (?)"
        >
          ?
        </button>
      </div>
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
