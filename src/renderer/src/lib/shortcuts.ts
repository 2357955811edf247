// Keyboard shortcuts: one table, used by the key handler and the help popover. Some keys mean one thing in the
// grid (move between tiles, pick the layout) and another in the focus view (fit, zoom 1:1).

import type { Layout, WorkspaceView } from '../store/workspace';

export type TileMove = 'tile-left' | 'tile-right' | 'tile-up' | 'tile-down';
export type LayoutKey = 'layout-1' | 'layout-2x1' | 'layout-2x2' | 'layout-3x3';

export type ShortcutAction =
  | 'fit'
  | 'one-to-one'
  | 'zoom-in'
  | 'zoom-out'
  | 'snapshot-jpeg'
  | 'snapshot-png'
  | 'disconnect'
  | 'theme'
  | 'pause'
  | 'stats'
  | 'help'
  | 'close'
  | 'open-tile'
  | TileMove
  | LayoutKey;

export interface Shortcut {
  keys: string;
  action: ShortcutAction;
  description: string;
  /** Where the key means this (absent: everywhere). */
  view?: WorkspaceView;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '← → ↑ ↓', action: 'tile-right', description: 'Move between the tiles', view: 'grid' },
  { keys: 'Enter / F', action: 'open-tile', description: 'Show the tile in focus', view: 'grid' },
  { keys: '1 2 3 4', action: 'layout-1', description: 'Layout 1, 2×1, 2×2, 3×3', view: 'grid' },
  { keys: 'Esc', action: 'close', description: 'Back to the grid (or close this help)', view: 'focus' },
  { keys: 'F', action: 'fit', description: 'Fit the frame to the view', view: 'focus' },
  { keys: '1', action: 'one-to-one', description: 'Zoom 1:1', view: 'focus' },
  { keys: '+ / −', action: 'zoom-in', description: 'Zoom in / out (or the mouse wheel)', view: 'focus' },
  { keys: 'S', action: 'snapshot-jpeg', description: 'Save a JPEG snapshot (as received)' },
  { keys: 'Shift+S', action: 'snapshot-png', description: 'Save a PNG snapshot' },
  { keys: 'Ctrl+D', action: 'disconnect', description: 'Close the selected camera (for every page)' },
  { keys: 'P', action: 'pause', description: 'Pause / resume streaming' },
  { keys: 'I', action: 'stats', description: 'Show / hide the frame stats line' },
  { keys: 'T', action: 'theme', description: 'Toggle dark / light theme' },
  { keys: '?', action: 'help', description: 'Show this help' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** tag and type of the focused element */
  targetTag: string;
  targetType?: string;
  /** The workspace's view (default: focus, the single-camera page). */
  view?: WorkspaceView;
}

const TYPING_INPUTS = new Set(['text', 'number', 'search', 'email', 'url', 'password', 'tel']);
/** Enter on these is theirs (press the button, open the details), not "open the tile". */
const OWN_ENTER = new Set(['BUTTON', 'A', 'SUMMARY', 'INPUT', 'SELECT', 'TEXTAREA']);

const GRID_KEYS: Record<string, ShortcutAction> = {
  ArrowLeft: 'tile-left',
  ArrowRight: 'tile-right',
  ArrowUp: 'tile-up',
  ArrowDown: 'tile-down',
  f: 'open-tile',
  F: 'open-tile',
  '1': 'layout-1',
  '2': 'layout-2x1',
  '3': 'layout-2x2',
  '4': 'layout-3x3',
};

const FOCUS_KEYS: Record<string, ShortcutAction> = {
  f: 'fit',
  F: 'fit',
  '1': 'one-to-one',
  '+': 'zoom-in',
  '=': 'zoom-in',
  '-': 'zoom-out',
  _: 'zoom-out',
};

const COMMON_KEYS: Record<string, ShortcutAction> = {
  s: 'snapshot-jpeg',
  t: 'theme',
  T: 'theme',
  p: 'pause',
  P: 'pause',
  i: 'stats',
  I: 'stats',
  '?': 'help',
};

/** Which action a key press means, or null (typing in a text field never triggers a shortcut). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const tag = e.targetTag.toUpperCase();
  const view = e.view ?? 'focus';
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'd') return 'disconnect';
  if (
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && TYPING_INPUTS.has(e.targetType ?? 'text'))
  )
    return null; // (Escape there is the field's: it undoes the typing)
  if (e.key === 'Escape') return 'close';
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'S') return e.shiftKey ? 'snapshot-png' : 'snapshot-jpeg';
  if (view === 'grid' && e.key === 'Enter') return OWN_ENTER.has(tag) ? null : 'open-tile';
  // a range input's arrows are its own
  if (view === 'grid' && e.key.startsWith('Arrow') && tag === 'INPUT') return null;
  const own = view === 'grid' ? GRID_KEYS : FOCUS_KEYS;
  return (
    (Object.hasOwn(own, e.key) ? own[e.key] : undefined) ??
    (Object.hasOwn(COMMON_KEYS, e.key) ? COMMON_KEYS[e.key]! : null)
  );
}

/** The layout a layout key picks. */
export function layoutOf(action: ShortcutAction): Layout | null {
  return action.startsWith('layout-') ? (action.slice(7) as Layout) : null;
}

export function tileMoveOf(action: ShortcutAction): 'left' | 'right' | 'up' | 'down' | null {
  return action.startsWith('tile-') ? (action.slice(5) as 'left' | 'right' | 'up' | 'down') : null;
}
