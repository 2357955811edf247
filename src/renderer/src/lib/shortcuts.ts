// Keyboard shortcuts: one table, used by the key handler and the help popover.

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
  | 'close';

export interface Shortcut {
  keys: string;
  action: ShortcutAction;
  description: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'F', action: 'fit', description: 'Fit the frame to the view' },
  { keys: '1', action: 'one-to-one', description: 'Zoom 1:1' },
  { keys: '+ / −', action: 'zoom-in', description: 'Zoom in / out (or the mouse wheel)' },
  { keys: 'S', action: 'snapshot-jpeg', description: 'Save a JPEG snapshot (as received)' },
  { keys: 'Shift+S', action: 'snapshot-png', description: 'Save a PNG snapshot' },
  { keys: 'Ctrl+D', action: 'disconnect', description: 'Disconnect' },
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
}

const TYPING_INPUTS = new Set(['text', 'number', 'search', 'email', 'url', 'password', 'tel']);

/** Which action a key press means, or null (typing in a text field never triggers a shortcut). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const tag = e.targetTag.toUpperCase();
  if (e.key === 'Escape') return 'close';
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'd') return 'disconnect';
  if (
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && TYPING_INPUTS.has(e.targetType ?? 'text'))
  )
    return null;
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'f':
    case 'F':
      return 'fit';
    case '1':
      return 'one-to-one';
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case 's':
      return 'snapshot-jpeg';
    case 'S':
      return e.shiftKey ? 'snapshot-png' : 'snapshot-jpeg';
    case 't':
    case 'T':
      return 'theme';
    case 'p':
    case 'P':
      return 'pause';
    case 'i':
    case 'I':
      return 'stats';
    case '?':
      return 'help';
    default:
      return null;
  }
}
