import { useEffect } from 'react';
import { layoutOf, shortcutFor, tileMoveOf, type ShortcutAction } from '../lib/shortcuts';
import { isZoomCommand } from '../lib/viewport';
import type { AppStore } from '../store/app-store';
import { useAppStore } from '../store/use-app';
import { useFrameHub } from './frame-hub';
import { runZoomCommand } from './frame-view/use-zoom';

function keyAction(e: KeyboardEvent, store: AppStore): ShortcutAction | null {
  const t = e.target as HTMLElement | null;
  return shortcutFor({
    key: e.key,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    shiftKey: e.shiftKey,
    targetTag: t?.tagName ?? 'BODY',
    targetType: t instanceof HTMLInputElement ? t.type : undefined,
    view: store.getState().settings.workspace.view,
  });
}

/** The keyboard shortcuts of lib/shortcuts.ts, on the window; each does what its button does. */
export function useShortcuts(): void {
  const store = useAppStore();
  const hub = useFrameHub();
  useEffect(() => {
    const a = store.actions;
    const selected = () => store.getState().settings.workspace.selected;
    /** false: the key is not ours after all (Escape with nothing to close), the browser keeps it. */
    const run = (action: ShortcutAction): boolean => {
      const key = selected();
      const layout = layoutOf(action);
      const move = tileMoveOf(action);
      if (layout) a.setLayout(layout);
      else if (move) a.moveSelection(move);
      else if (action === 'open-tile') {
        if (!key) return false;
        a.focusTile(key);
      } else if (action === 'close') {
        if (store.getState().helpOpen) a.setHelpOpen(false);
        else if (store.getState().settings.workspace.view === 'focus') a.setView('grid');
        else return false;
      } else if (action === 'stats') a.toggleStats();
      else if (action === 'theme') a.toggleTheme();
      else if (action === 'help') a.toggleHelp();
      else if (!key) return false;
      // the rest act on the selected camera
      else if (isZoomCommand(action)) runZoomCommand(store, hub.camera(key), action);
      else if (action === 'snapshot-jpeg' || action === 'snapshot-png')
        void hub.camera(key).takeSnapshot(action === 'snapshot-png' ? 'png' : 'jpeg');
      else if (action === 'disconnect') void a.closeCamera(key);
      else if (action === 'pause') void a.toggleStreaming(key);
      return true;
    };
    const onKey = (e: KeyboardEvent) => {
      const action = keyAction(e, store);
      if (action && run(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, hub]);
}
