import { useEffect, type RefObject } from 'react';
import { readPixel } from '../../frame/pixel';
import { useLiveFrames } from '../../frame/use-live-frames';
import { listen } from '../../lib/listen';
import { canvasToImage, place } from '../../lib/viewport';
import { useAppStore } from '../../store/use-app';
import { viewPoint } from './pointer';

/** The image pixel under the pointer (over the view), its coordinates and RGB, written into `readoutRef`. */
export function usePixelProbe(
  viewRef: RefObject<HTMLElement | null>,
  readoutRef: RefObject<HTMLElement | null>,
): void {
  const store = useAppStore();
  const frames = useLiveFrames();
  useEffect(() => {
    const view = viewRef.current!;
    const show = (text: string) => {
      if (readoutRef.current) readoutRef.current.textContent = text;
    };
    return listen(view, {
      pointermove: (e) => {
        const f = frames.sink.shown();
        const picture = frames.picture();
        if (!f || !picture) return;
        const image = { width: f.width, height: f.height };
        const { x, y } = viewPoint(view, e);
        const placed = place(store.getState().settings.zoom, frames.view.size, image);
        const at = canvasToImage(placed, image, x, y);
        if (!at) return show('');
        const px = readPixel(picture, at.x, at.y);
        show(px ? `(${at.x}, ${at.y})  R ${px[0]}  G ${px[1]}  B ${px[2]}` : `(${at.x}, ${at.y})`);
      },
      pointerleave: () => show(''),
    });
  }, [viewRef, readoutRef, store, frames]);
}
