// The page's paint worker client (frame/paint-client.ts), when there is one: it has the page's frames connection,
// the grid's tiles paint in it and the focused camera's frames come from it.
import { createContext, useContext } from 'react';
import { canPaintInWorker, createPaintClient, type PaintClient } from '../frame/paint-client';
import { decodeErrorToasts } from '../frame/live';
import type { AppStore } from '../store/app-store';

const PaintClientContext = createContext<PaintClient | null>(null);
export const PaintClientProvider = PaintClientContext.Provider;

/** The paint worker client, or null: then the tiles paint on the page. */
export const usePaintClient = (): PaintClient | null => useContext(PaintClientContext);

/** A paint worker where the browser and the carrier allow one, else null (the page's own connection brings the frames). */
export function createPagePaint(store: AppStore): PaintClient | null {
  const api = store.api;
  if (!api.framesCarrier || !canPaintInWorker()) return null;
  const carrier = api.framesCarrier.bind(api);
  return createPaintClient({
    carrier,
    onDecodeError: decodeErrorToasts(store),
    onProblem: (message) =>
      store.actions.showToast({
        code: 'frames-failed',
        title: 'The cameras’ frames stopped',
        message: `${message[0]!.toUpperCase()}${message.slice(1)}`,
        at: Date.now(),
      }),
  });
}
