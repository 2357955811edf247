import { useShallow } from 'zustand/react/shallow';
import { selectedKey, selectedView } from '../store/selected';
import { useActions, useApp } from '../store/use-app';
import { useFrameHub } from './frame-hub';

const SNAPSHOTS = [
  { format: 'jpeg', title: 'Save the frame as received (S)', text: 'Save JPEG' },
  { format: 'png', title: 'Save the frame as PNG (Shift+S)', text: 'Save PNG' },
] as const;

/** Snapshots (of the selected camera), theme and help, top right. */
export function AppToolbar() {
  const { theme, connected, selected } = useApp(
    useShallow((s) => ({
      theme: s.settings.theme,
      connected: selectedView(s).connection.kind === 'connected',
      selected: selectedKey(s),
    })),
  );
  const { toggleTheme, toggleHelp } = useActions();
  const hub = useFrameHub();
  const other = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="toolbar-right">
      {SNAPSHOTS.map((s) => (
        <button
          key={s.format}
          type="button"
          data-testid={`snapshot-${s.format}`}
          disabled={!connected || selected === null}
          onClick={() => selected !== null && void hub.camera(selected).takeSnapshot(s.format)}
          title={s.title}
        >
          {s.text}
        </button>
      ))}
      <button
        type="button"
        data-testid="theme-toggle"
        onClick={toggleTheme}
        aria-label={`Switch to ${other} theme`}
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
  );
}
