import { useEffect, type RefObject } from 'react';
import { readPixel } from '../../frame/pixel';
import { useLiveFrames } from '../../frame/use-live-frames';
import { listen } from '../../lib/listen';
import { canvasToImage, place } from '../../lib/viewport';
import { useAppStore } from '../../store/use-app';
import { canvasPoint } from './pointer';

/** The image pixel under the pointer, its coordinates and RGB, written into `readoutRef`. */
export function usePixelProbe(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  readoutRef: RefObject<HTMLElement | null>,
): void {
  const store = useAppStore();
  const frames = useLiveFrames();
  useEffect(() => {
    const canvas = canvasRef.current!;
    const show = (text: string) => {
      if (readoutRef.current) readoutRef.current.textContent = text;
    };
    return listen(canvas, {
      pointermove: (e) => {
        const f = frames.sink.shown();
        if (!f) return;
        const image = { width: f.bitmap.width, height: f.bitmap.height };
        const { x, y } = canvasPoint(canvas, e);
        const placed = place(store.getState().settings.zoom, frames.view.size, image);
        const at = canvasToImage(placed, image, x, y);
        if (!at) return show('');
        const px = readPixel(f.bitmap, at.x, at.y);
        show(px ? `(${at.x}, ${at.y})  R ${px[0]}  G ${px[1]}  B ${px[2]}` : `(${at.x}, ${at.y})`);
      },
      pointerleave: () => show(''),
    });
  }, [canvasRef, readoutRef, store, frames]);
}
