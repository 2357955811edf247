import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { tileKey } from '../../store/workspace';
import { useApp } from '../../store/use-app';
import { NoCameras } from './NoCameras';
import { Tile } from './Tile';
import { WorkspaceBar } from './WorkspaceBar';

/** Every camera of the workspace as a tile, in the chosen layout (more tiles than cells scroll). */
export function GridView() {
  const { keys, layout, selected } = useApp(
    useShallow((s) => ({
      keys: s.settings.workspace.cameras.map(tileKey).join('\n'),
      layout: s.settings.workspace.layout,
      selected: s.settings.workspace.selected,
    })),
  );
  const gridRef = useRef<HTMLDivElement>(null);
  // roving focus: when the selection moves while the focus is in the grid (or nowhere), the focus follows
  useEffect(() => {
    const grid = gridRef.current;
    const active = document.activeElement;
    if (!grid || !selected || (active && active !== document.body && !grid.contains(active))) return;
    const tile = [...grid.querySelectorAll<HTMLElement>('[data-tile]')].find(
      (t) => t.dataset.tile === selected,
    );
    if (tile && active !== tile) tile.focus();
  }, [selected]);
  const tiles = keys ? keys.split('\n') : [];
  return (
    <main className="grid-view" aria-label="Cameras">
      <WorkspaceBar />
      {tiles.length === 0 ? (
        <NoCameras />
      ) : (
        <div className={`tile-grid layout-${layout}`} ref={gridRef} role="group" aria-label="Camera tiles">
          {tiles.map((k) => (
            <Tile key={k} tileKey={k} selected={k === selected} />
          ))}
        </div>
      )}
    </main>
  );
}
