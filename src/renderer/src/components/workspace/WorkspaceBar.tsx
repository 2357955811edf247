import { useShallow } from 'zustand/react/shallow';
import { LAYOUTS, type Layout } from '../../store/workspace';
import { useActions, useApp } from '../../store/use-app';

const LAYOUT_TEXT: Record<Layout, string> = { '1': '1', '2x1': '2×1', '2x2': '2×2', '3x3': '3×3' };

/** Above the grid: the layout (keys 1–4), the focus view, and whether new cameras open by themselves. */
export function WorkspaceBar() {
  const { layout, autoOpen, selected } = useApp(
    useShallow((s) => ({
      layout: s.settings.workspace.layout,
      autoOpen: s.settings.autoOpenCameras,
      selected: s.settings.workspace.selected,
    })),
  );
  const { setLayout, focusTile, setAutoOpen } = useActions();
  return (
    <div className="workspace-bar">
      <div className="layout-picker" role="group" aria-label="Layout">
        {LAYOUTS.map((l, i) => (
          <button
            key={l}
            type="button"
            className="small"
            data-testid={`layout-${l}`}
            aria-pressed={layout === l}
            aria-label={`Layout ${LAYOUT_TEXT[l]}`}
            title={`Layout ${LAYOUT_TEXT[l]} (${i + 1})`}
            onClick={() => setLayout(l)}
          >
            {LAYOUT_TEXT[l]}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="small"
        data-testid="to-focus"
        disabled={selected === null}
        onClick={() => selected !== null && focusTile(selected)}
        title="Show the selected camera large (Enter)"
      >
        Focus
      </button>
      <span className="spacer" />
      <label className="auto-open" title="When an OpenMV camera is plugged in, open it in a new tile">
        <input
          type="checkbox"
          data-testid="auto-open"
          checked={autoOpen}
          onChange={(e) => setAutoOpen(e.target.checked)}
        />
        Open new OpenMV cameras automatically
      </label>
    </div>
  );
}
