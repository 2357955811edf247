import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/use-app';
import { AppToolbar } from './AppToolbar';
import { ConnectionBar } from './ConnectionBar';
import { HelpPopover } from './HelpPopover';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { useShortcuts } from './use-shortcuts';
import { FocusView } from './workspace/FocusView';
import { GridView } from './workspace/GridView';

/** The page: Add camera and tools on top, the workspace (grid of tiles, or one camera in focus), status. */
export function App() {
  const { theme, view, consoleOpen, sideWidth, consoleHeight } = useApp(
    useShallow((s) => ({
      theme: s.settings.theme,
      view: s.settings.workspace.view,
      consoleOpen: s.settings.panels.console,
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

  return (
    <div className={`app view-${view}${consoleOpen && view === 'focus' ? ' with-console' : ''}`}>
      <ConnectionBar />
      <AppToolbar />
      {view === 'grid' ? <GridView /> : <FocusView />}
      <StatusBar />
      <HelpPopover />
      <Toasts />
    </div>
  );
}
