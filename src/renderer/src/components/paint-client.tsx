// The page's paint worker client (frame/paint-client.ts), when there is one: the grid's tiles paint in it.
import { createContext, useContext } from 'react';
import { canPaintInWorker, createPaintClient, type PaintClient } from '../frame/paint-client';
import { decodeErrorToasts } from '../frame/live';
import type { AppStore } from '../store/app-store';

const PaintClientContext = createContext<PaintClient | null>(null);
export const PaintClientProvider = PaintClientContext.Provider;

/** The paint worker client, or null: then the tiles paint on the page. */
export const usePaintClient = (): PaintClient | null => useContext(PaintClientContext);

/** A paint worker for the grid's tiles where the browser and the carrier allow one, else null. */
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
        title: 'The tiles’ frames stopped',
        message: `${message[0]!.toUpperCase()}${message.slice(1)}`,
        at: Date.now(),
      }),
  });
}
