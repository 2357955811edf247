import { useCallback, useEffect, type RefObject } from 'react';
import { useLiveFrames } from '../../frame/use-live-frames';
import type { ViewGeometry } from '../../frame/live';

/** Records the view's geometry (CSS size, device pixel ratio) whenever `wrap` resizes, then calls `resized`. */
export function useViewSize(
  wrapRef: RefObject<HTMLElement | null>,
  resized: (view: ViewGeometry) => void,
): void {
  const frames = useLiveFrames();
  useEffect(() => {
    const wrap = wrapRef.current!;
    const ro = new ResizeObserver(() => {
      const r = wrap.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      frames.view = { size: { width: Math.max(1, r.width), height: Math.max(1, r.height) }, dpr };
      resized(frames.view);
    });
    ro.observe(wrap);
    return () => ro.disconnect();
  }, [wrapRef, frames, resized]);
}

/** A canvas drawn at the view's size: its backing store follows the view in device pixels, then it repaints. */
export function useCanvasResize(
  wrapRef: RefObject<HTMLElement | null>,
  canvasRef: RefObject<HTMLCanvasElement | null>,
  repaint: () => void,
): void {
  const resized = useCallback(
    (view: ViewGeometry) => {
      const canvas = canvasRef.current!;
      canvas.width = Math.round(view.size.width * view.dpr);
      canvas.height = Math.round(view.size.height * view.dpr);
      repaint();
    },
    [canvasRef, repaint],
  );
  useViewSize(wrapRef, resized);
}
