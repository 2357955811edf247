import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { ShownFrame } from '../../frame/frame-sink';
import { useLiveFrames } from '../../frame/use-live-frames';
import { useAppStore } from '../../store/use-app';
import { canvasBackground, paintFrame } from './paint';

export type OnDrawn = (frame: ShownFrame<ImageBitmap>, now: number) => void;

/**
 * Draws the newest frame on requestAnimationFrame (the sink has dropped any older one), and the frame on screen
 * again when the zoom or the theme changes. `onDrawn` (stable) runs after each new frame; the returned repaint
 * is for a resized canvas.
 */
export function useFramePaint(canvasRef: RefObject<HTMLCanvasElement | null>, onDrawn: OnDrawn): () => void {
  const frames = useLiveFrames();
  const store = useAppStore();
  const repaintRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas context');
    frames.decodeTo = null; // the focus view zooms and reads pixels: whole frames
    let background = canvasBackground(canvas);
    const paint = () =>
      paintFrame(ctx, frames.sink.shown(), store.getState().settings.zoom, frames.view, background);

    let raf = 0;
    const onAnimationFrame = (now: number) => {
      raf = 0;
      const fresh = frames.sink.takeForDraw();
      if (!fresh) return;
      paint();
      onDrawn(fresh, now);
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(onAnimationFrame);
    };
    frames.setDrawCallback(schedule);
    schedule(); // a frame may have been decoded before this view was there to ask for it
    repaintRef.current = paint;

    const unsubscribe = store.subscribe((s, prev) => {
      if (s.settings.zoom !== prev.settings.zoom) paint();
      if (s.settings.theme !== prev.settings.theme)
        // the new theme's colours apply once it has been rendered
        requestAnimationFrame(() => {
          background = canvasBackground(canvas);
          paint();
        });
    });
    return () => {
      frames.setDrawCallback(null);
      unsubscribe();
      if (raf) cancelAnimationFrame(raf);
      repaintRef.current = () => undefined;
    };
  }, [canvasRef, frames, store, onDrawn]);

  return useCallback(() => repaintRef.current(), []);
}
