// Pick the carrier: the Electron preload's bridge when present, else the browser-host WebSocket. Both run the one
// RPC client (src/rpc) over their port.
import { ELECTRON_BRIDGE_KEY } from '../../../shared/contract';
import type { ElectronBridge } from '../../../shared/contract';
import { TOKEN_PARAM, WS_PATH } from '../../../rpc';
import { electronApi, type WindowLike } from './electron';
import type { RendererApi } from './types';
import { createWsApi, wsUrlFromLocation } from './ws-client';

export type { ServerState, RendererApi } from './types';
export { ApiError, toAppError } from './errors';

let api: RendererApi | null = null;

export function getApi(): RendererApi {
  if (api) return api;
  const bridge = (window as unknown as Record<string, ElectronBridge | undefined>)[ELECTRON_BRIDGE_KEY];
  api = bridge
    ? electronApi(window as unknown as WindowLike, bridge)
    : createWsApi({ url: wsUrlFromLocation(window.location, WS_PATH, TOKEN_PARAM) });
  return api;
}

/** Use a given carrier instead of picking one (tests, and embedders that bring their own). */
export function installApi(a: RendererApi): void {
  api = a;
}
