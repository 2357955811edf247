import { SHORTCUTS } from '../lib/shortcuts';
import { useActions, useApp } from '../store/use-app';

export function HelpPopover() {
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
            <dd>
              {s.view && <span className="muted">{s.view === 'grid' ? 'Grid: ' : 'Focus view: '}</span>}
              {s.description}
            </dd>
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
