// Pick the carrier: the Electron preload's `window.camdeck` when present, else the browser-host WebSocket.
import { TOKEN_PARAM, WS_PATH } from '../../../shared/ws-wire';
import { withPortFrames, type WindowLike } from './port-frames';
import type { RendererApi } from './types';
import { createWsApi, wsUrlFromLocation } from './ws-client';

export type { LinkState, RendererApi } from './types';
export { ApiError, toAppError } from './errors';

let api: RendererApi | null = null;

export function getApi(): RendererApi {
  if (api) return api;
  api = window.camdeck
    ? withPortFrames(window.camdeck, window as unknown as WindowLike, {
        setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        clearTimeout: (h) => window.clearTimeout(h as number),
      })
    : createWsApi({ url: wsUrlFromLocation(window.location, WS_PATH, TOKEN_PARAM) });
  return api;
}

/** Use a given carrier instead of picking one (tests, and embedders that bring their own). */
export function installApi(a: RendererApi): void {
  api = a;
}
