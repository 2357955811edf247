// A grid tile's canvas: the newest frame of its camera, always fitted (the zoom is the focus view's), drawn on
// requestAnimationFrame. The focus view's full painter is frame-view/use-frame-paint.ts.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { useLiveFrames } from '../../frame/use-live-frames';
import { useApp } from '../../store/use-app';
import { canvasBackground, paintFrame } from '../frame-view/paint';
import type { OnDrawn } from '../frame-view/use-frame-paint';

const FIT = { mode: 'fit' } as const;

/** Returns the repaint (for a resized canvas). */
export function useTilePaint(canvasRef: RefObject<HTMLCanvasElement | null>, onDrawn: OnDrawn): () => void {
  const frames = useLiveFrames();
  const theme = useApp((s) => s.settings.theme);
  const repaint = useRef<() => void>(() => undefined);
  useEffect(() => {
    const canvas = canvasRef.current!;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas context');
    const background = canvasBackground(canvas); // read again when the theme changes (this effect re-runs)
    repaint.current = () => {
      // a tile shows a fitted copy only: the next frames are decoded straight to the canvas's size
      frames.decodeTo = { width: canvas.width, height: canvas.height };
      paintFrame(ctx, frames.sink.shown(), FIT, frames.view, background);
    };
    let pending = 0;
    frames.setDrawCallback(() => {
      pending ||= requestAnimationFrame((now) => {
        pending = 0;
        const fresh = frames.sink.takeForDraw();
        if (fresh) {
          repaint.current();
          onDrawn(fresh, now);
        }
      });
    });
    repaint.current();
    return () => {
      frames.setDrawCallback(null);
      frames.decodeTo = null;
      cancelAnimationFrame(pending);
      repaint.current = () => undefined;
    };
  }, [canvasRef, frames, onDrawn, theme]);
  return useCallback(() => repaint.current(), []);
}
