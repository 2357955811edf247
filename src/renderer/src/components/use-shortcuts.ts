import { useEffect } from 'react';
import { useLiveFrames } from '../frame/use-live-frames';
import { shortcutFor, type ShortcutAction } from '../lib/shortcuts';
import { isZoomCommand } from '../lib/viewport';
import { useAppStore } from '../store/use-app';
import { useZoomCommand } from './frame-view/use-zoom';

function keyAction(e: KeyboardEvent): ShortcutAction | null {
  const t = e.target as HTMLElement | null;
  return shortcutFor({
    key: e.key,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    shiftKey: e.shiftKey,
    targetTag: t?.tagName ?? 'BODY',
    targetType: t instanceof HTMLInputElement ? t.type : undefined,
  });
}

/** The keyboard shortcuts of lib/shortcuts.ts, on the window; each does what its button does. */
export function useShortcuts(): void {
  const store = useAppStore();
  const frames = useLiveFrames();
  const zoom = useZoomCommand();
  useEffect(() => {
    const a = store.actions;
    /** false: the key is not ours after all (Escape with nothing to close), the browser keeps it. */
    const run = (action: ShortcutAction): boolean => {
      if (isZoomCommand(action)) zoom(action);
      else if (action === 'snapshot-jpeg' || action === 'snapshot-png')
        void frames.takeSnapshot(action === 'snapshot-png' ? 'png' : 'jpeg');
      else if (action === 'disconnect') void a.disconnect();
      else if (action === 'pause') void a.toggleStreaming();
      else if (action === 'stats') a.toggleStats();
      else if (action === 'theme') a.toggleTheme();
      else if (action === 'help') a.toggleHelp();
      else if (action === 'close') {
        if (!store.getState().helpOpen) return false;
        a.setHelpOpen(false);
      }
      return true;
    };
    const onKey = (e: KeyboardEvent) => {
      const action = keyAction(e);
      if (action && run(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, frames, zoom]);
}
