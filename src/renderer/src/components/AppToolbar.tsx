import { useShallow } from 'zustand/react/shallow';
import { useLiveFrames } from '../frame/use-live-frames';
import { useActions, useApp } from '../store/use-app';

const SNAPSHOTS = [
  { format: 'jpeg', title: 'Save the frame as received (S)', text: 'Save JPEG' },
  { format: 'png', title: 'Save the frame as PNG (Shift+S)', text: 'Save PNG' },
] as const;

/** Snapshots, theme and help, top right. */
export function AppToolbar() {
  const { theme, connected } = useApp(
    useShallow((s) => ({ theme: s.settings.theme, connected: s.connection.kind === 'connected' })),
  );
  const { toggleTheme, toggleHelp } = useActions();
  const frames = useLiveFrames();
  const other = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="toolbar-right">
      {SNAPSHOTS.map((s) => (
        <button
          key={s.format}
          type="button"
          data-testid={`snapshot-${s.format}`}
          disabled={!connected}
          onClick={() => void frames.takeSnapshot(s.format)}
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
