import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { ShownFrame } from '../../frame/frame-sink';
import { decodeBitmap } from '../../frame/decode-worker-core';
import { mimeOf } from '../../frame/decode-protocol';
import { useLiveFrames } from '../../frame/use-live-frames';
import { useAppStore } from '../../store/use-app';
import { placePicture } from './paint';

export type OnDrawn = (frame: ShownFrame<ImageBitmap>, now: number) => void;

/**
 * Shows the newest frame on requestAnimationFrame (the sink has dropped any older one) by handing its bitmap to
 * the canvas (`bitmaprenderer`: no copy, no redraw of the view) and placing the canvas by the zoom with CSS, so
 * the compositor scales it; the page's main thread does next to nothing per frame. The canvas then holds the
 * picture for the pixel readout and snapshots. `onDrawn` (stable) runs after each new frame; the returned
 * function re-places the canvas (a resized view).
 */
export function useFramePaint(canvasRef: RefObject<HTMLCanvasElement | null>, onDrawn: OnDrawn): () => void {
  const frames = useLiveFrames();
  const store = useAppStore();
  const placeRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const canvas = canvasRef.current!;
    const ctx = canvas.getContext('bitmaprenderer');
    if (!ctx) throw new Error('no bitmaprenderer canvas context');
    frames.decodeTo = null; // the focus view zooms and reads pixels: whole frames
    const place = () =>
      placePicture(canvas, frames.sink.shown(), store.getState().settings.zoom, frames.view);
    const show = (f: ShownFrame<ImageBitmap>, bitmap: ImageBitmap) => {
      const resized = canvas.width !== f.width || canvas.height !== f.height;
      if (resized) {
        canvas.width = f.width;
        canvas.height = f.height;
      }
      ctx.transferFromImageBitmap(bitmap);
      if (resized || canvas.style.visibility === 'hidden') place();
    };
    frames.setPicture(canvas);

    let raf = 0;
    let live = true;
    const onAnimationFrame = (now: number) => {
      raf = 0;
      const fresh = frames.sink.takeForDraw();
      if (!fresh) return;
      show(fresh, fresh.bitmap);
      onDrawn(fresh, now);
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(onAnimationFrame);
    };
    frames.setDrawCallback(schedule);
    // A frame on screen before this view was (its bitmap went to the previous view's canvas): shown again from
    // its bytes, so a camera that has stopped, or a slow one, is not blank after a layout change.
    const before = frames.sink.shown();
    place();
    if (before)
      decodeBitmap(before.image, mimeOf(before.meta.format)).then(
        (bitmap) => {
          if (live && frames.sink.shown() === before) show(before, bitmap);
          else bitmap.close();
        },
        () => undefined, // it was decoded once already; the next frame replaces it anyway
      );
    schedule(); // a frame may have been decoded before this view was there to ask for it
    placeRef.current = place;

    const unsubscribe = store.subscribe((s, prev) => {
      if (s.settings.zoom !== prev.settings.zoom) place();
    });
    return () => {
      live = false;
      frames.setDrawCallback(null);
      frames.setPicture(null);
      unsubscribe();
      if (raf) cancelAnimationFrame(raf);
      placeRef.current = () => undefined;
    };
  }, [canvasRef, frames, store, onDrawn]);

  return useCallback(() => placeRef.current(), []);
}
