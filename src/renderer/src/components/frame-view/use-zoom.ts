// Every zoom change goes through here: the toolbar and the keys (commands), the wheel and a drag (pointer).
import { useCallback, useEffect, type RefObject } from 'react';
import type { LiveFrames } from '../../frame/live';
import { useLiveFrames } from '../../frame/use-live-frames';
import { listen } from '../../lib/listen';
import {
  pan,
  wheelFactor,
  zoomAt,
  zoomCommand,
  type Size,
  type ZoomCommand,
  type ZoomMode,
} from '../../lib/viewport';
import type { AppStore } from '../../store/app-store';
import { useAppStore } from '../../store/use-app';
import { viewPoint } from './pointer';

/** What the commands zoom about before the first frame arrives. */
const NO_FRAME: Size = { width: 640, height: 480 };

/** Set the zoom from the current one, the view's size and the image's (null: no frame, nothing to do). */
function changeZoom(
  store: AppStore,
  frames: LiveFrames,
  image: Size | null,
  next: (zoom: ZoomMode, view: Size, image: Size) => ZoomMode,
): void {
  if (!image) return;
  const zoom = next(store.getState().settings.zoom, frames.view.size, image);
  store.actions.updateSettings({ zoom });
}

/** Fit, 1:1, or a step in or out about the centre of `frames`' view. */
export function runZoomCommand(store: AppStore, frames: LiveFrames, cmd: ZoomCommand): void {
  changeZoom(store, frames, frames.imageSize() ?? NO_FRAME, (zoom, view, image) =>
    zoomCommand(cmd, zoom, view, image),
  );
}

/** Zoom commands for the frame view in scope. */
export function useZoomCommand(): (cmd: ZoomCommand) => void {
  const store = useAppStore();
  const frames = useLiveFrames();
  return useCallback((cmd) => runZoomCommand(store, frames, cmd), [store, frames]);
}

/** Over the view, the wheel zooms about the cursor, a left-button drag pans; both once a frame is on screen. */
export function useZoomPan(viewRef: RefObject<HTMLElement | null>): void {
  const store = useAppStore();
  const frames = useLiveFrames();
  useEffect(() => {
    const el = viewRef.current!;
    let drag: { x: number; y: number } | null = null;
    return listen(
      el,
      {
        wheel: (e) => {
          const image = frames.imageSize();
          if (!image) return;
          e.preventDefault();
          const { x, y } = viewPoint(el, e);
          changeZoom(store, frames, image, (zoom, view) =>
            zoomAt(zoom, view, image, wheelFactor(e.deltaY), x, y),
          );
        },
        pointerdown: (e) => {
          if (e.button !== 0) return;
          drag = { x: e.clientX, y: e.clientY };
          el.setPointerCapture(e.pointerId);
        },
        pointermove: (e) => {
          const image = frames.imageSize();
          if (!drag || !image) return;
          const dx = e.clientX - drag.x;
          const dy = e.clientY - drag.y;
          drag = { x: e.clientX, y: e.clientY };
          if (dx || dy) changeZoom(store, frames, image, (zoom, view) => pan(zoom, view, image, dx, dy));
        },
        pointerup: () => (drag = null),
        pointercancel: () => (drag = null),
      },
      { passive: false }, // the wheel's preventDefault keeps the page from scrolling
    );
  }, [viewRef, store, frames]);
}
