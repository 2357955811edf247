import { useEffect, type RefObject } from 'react';
import { useLiveFrames } from '../../frame/use-live-frames';

/** Keeps the canvas's backing store at the view's size in device pixels, records that geometry, repaints. */
export function useCanvasResize(
  wrapRef: RefObject<HTMLElement | null>,
  canvasRef: RefObject<HTMLCanvasElement | null>,
  repaint: () => void,
): void {
  const frames = useLiveFrames();
  useEffect(() => {
    const wrap = wrapRef.current!;
    const canvas = canvasRef.current!;
    const ro = new ResizeObserver(() => {
      const r = wrap.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const size = { width: Math.max(1, r.width), height: Math.max(1, r.height) };
      frames.view = { size, dpr };
      canvas.width = Math.round(size.width * dpr);
      canvas.height = Math.round(size.height * dpr);
      repaint();
    });
    ro.observe(wrap);
    return () => ro.disconnect();
  }, [wrapRef, canvasRef, frames, repaint]);
}
