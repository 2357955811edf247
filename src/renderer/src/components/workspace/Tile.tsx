import { useShallow } from 'zustand/react/shallow';
import { CameraScope } from '../../store/camera-scope';
import { phaseLabel, viewOf } from '../../store/camera-view';
import { useActions, useApp } from '../../store/use-app';
import { CameraName, TileButtons } from './CameraBar';
import { TileBadge } from './TileBadge';
import { TileFrame } from './TileFrame';

/**
 * One camera in the grid. Roving tabindex: only the selected tile is in the tab order; the arrow keys move the
 * selection (use-shortcuts) and the grid moves the focus with it. A click selects, a double click (or Enter, F,
 * the Focus button) opens it in the focus view.
 */
export function Tile({ tileKey, selected }: { tileKey: string; selected: boolean }) {
  const { selectTile, focusTile } = useActions();
  const name = useApp(
    useShallow((s) => {
      const v = viewOf(s.cameras, tileKey);
      return `${v.info?.label ?? tileKey.replace(/^new:/, '')}, ${phaseLabel(v).label}`;
    }),
  );
  return (
    <CameraScope value={tileKey}>
      <article
        className={`tile${selected ? ' is-selected' : ''}`}
        data-testid="tile"
        data-tile={tileKey}
        tabIndex={selected ? 0 : -1}
        aria-label={name}
        aria-current={selected ? 'true' : undefined}
        onFocus={(e) => {
          if (e.target === e.currentTarget && !selected) selectTile(tileKey);
        }}
        onClick={() => selectTile(tileKey)}
        onDoubleClick={() => focusTile(tileKey)}
      >
        <header className="tile-header">
          <CameraName />
          <TileBadge />
        </header>
        <TileFrame />
        <footer className="tile-tools">
          <button
            type="button"
            className="small"
            data-testid="tile-focus"
            onClick={() => focusTile(tileKey)}
            title="Show this camera large, with its config, channels, stats and console (Enter)"
          >
            Focus
          </button>
          <span className="spacer" />
          <TileButtons testIds="tile" />
        </footer>
      </article>
    </CameraScope>
  );
}
