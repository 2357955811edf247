// The workspace: which cameras this page shows, in which layout, grid or one camera in focus. Persisted with the
// settings (settings-storage.ts), so a reload re-opens the same cameras. Pure functions over the saved list.
import type { CameraId } from '../../../shared/contract';

export const LAYOUTS = ['1', '2x1', '2x2', '3x3'] as const;
export type Layout = (typeof LAYOUTS)[number];
export type WorkspaceView = 'grid' | 'focus';

export interface SavedCamera {
  /** The camera's id once it has opened (it follows the camera across replugs), null before. */
  id: CameraId | null;
  /** What to open it by: the last target the service reported for it, or what the user typed. */
  target: string;
  /**
   * A `camdeck://` camera's access token. Kept in localStorage with the other settings (this page's origin
   * only), so a reload can re-open the remote camera without asking again.
   */
  token?: string;
  /** Closed for every page (the reason): restored as closed, not re-opened behind the closer's back. */
  closed?: string;
}

export interface Workspace {
  cameras: SavedCamera[];
  layout: Layout;
  view: WorkspaceView;
  /** The tile key (tileKey) in focus: the one the focus view shows and the grid's roving focus. */
  selected: string | null;
}

/** First run: one camera at a time, in the focus view (today's single-camera page). */
export const defaultWorkspace: Workspace = { cameras: [], layout: '1', view: 'focus', selected: null };

/** A tile's key: the camera id once known; before that its target (one tile per target). */
export function tileKey(c: SavedCamera): string {
  return c.id ?? `new:${c.target}`;
}

export function findSaved(ws: Workspace, key: string | null): SavedCamera | undefined {
  return key === null ? undefined : ws.cameras.find((c) => tileKey(c) === key);
}

/** The tile showing `target` (as typed or as the service reported it), if any. */
export function savedForTarget(ws: Workspace, target: string): SavedCamera | undefined {
  return ws.cameras.find((c) => c.target === target || c.id === target);
}

export function replaceSaved(ws: Workspace, key: string, next: SavedCamera): Workspace {
  const cameras = ws.cameras.map((c) => (tileKey(c) === key ? next : c));
  return { ...ws, cameras, selected: ws.selected === key ? tileKey(next) : ws.selected };
}

/** Take a tile away; the selection moves to its neighbour. */
export function removeSaved(ws: Workspace, key: string): Workspace {
  const i = ws.cameras.findIndex((c) => tileKey(c) === key);
  if (i < 0) return ws;
  const cameras = ws.cameras.filter((_, j) => j !== i);
  const near = cameras[Math.min(i, cameras.length - 1)];
  const selected = ws.selected === key ? (near ? tileKey(near) : null) : ws.selected;
  return { ...ws, cameras, selected };
}

/** The smallest layout that shows `count` tiles at once (3×3 beyond nine: the grid scrolls). */
export function layoutFor(count: number): Layout {
  return count <= 1 ? '1' : count === 2 ? '2x1' : count <= 4 ? '2x2' : '3x3';
}

/** Columns and rows of a layout ("2x1": two side by side). */
export function layoutSize(layout: Layout): { columns: number; rows: number } {
  if (layout === '1') return { columns: 1, rows: 1 };
  const [c, r] = layout.split('x').map(Number);
  return { columns: c!, rows: r! };
}

/** Which tile an arrow key moves to in a grid of `count` tiles, `columns` wide (stays at the edges). */
export function moveInGrid(
  index: number,
  count: number,
  columns: number,
  dir: 'left' | 'right' | 'up' | 'down',
): number {
  if (count === 0) return -1;
  const i = Math.min(Math.max(index, 0), count - 1);
  const col = i % columns;
  switch (dir) {
    case 'left':
      return col > 0 ? i - 1 : i;
    case 'right':
      return col < columns - 1 && i + 1 < count ? i + 1 : i;
    case 'up':
      return i - columns >= 0 ? i - columns : i;
    case 'down':
      return i + columns < count ? i + columns : i;
  }
}

/** A saved workspace from an older or edited localStorage: keep what is well formed, default the rest. */
export function sanitizeWorkspace(raw: unknown): Workspace {
  if (typeof raw !== 'object' || raw === null) return defaultWorkspace;
  const r = raw as Partial<Record<keyof Workspace, unknown>>;
  const cameras = Array.isArray(r.cameras)
    ? r.cameras.flatMap((c): SavedCamera[] => {
        if (typeof c !== 'object' || c === null) return [];
        const o = c as Record<string, unknown>;
        if (typeof o['target'] !== 'string' || !o['target']) return [];
        return [
          {
            id: typeof o['id'] === 'string' && o['id'] ? o['id'] : null,
            target: o['target'],
            ...(typeof o['token'] === 'string' && o['token'] ? { token: o['token'] } : {}),
            ...(typeof o['closed'] === 'string' ? { closed: o['closed'] } : {}),
          },
        ];
      })
    : [];
  // one tile per key
  const unique = cameras.filter((c, i) => cameras.findIndex((d) => tileKey(d) === tileKey(c)) === i);
  const layout = LAYOUTS.find((l) => l === r.layout) ?? defaultWorkspace.layout;
  const view = r.view === 'grid' || r.view === 'focus' ? r.view : defaultWorkspace.view;
  const selected =
    typeof r.selected === 'string' && unique.some((c) => tileKey(c) === r.selected)
      ? r.selected
      : unique[0]
        ? tileKey(unique[0])
        : null;
  return { cameras: unique, layout, view, selected };
}
