// The Electron carrier, page side: ask the preload for the contract port, run the RPC client on it, and expose the
// result as `window.camdeck` (frozen). Requests made before the port arrives wait for it.
import { CONTRACT_PORT_MESSAGE, FRAMES_PORT_MESSAGE } from '../../../shared/contract';
import type { CamdeckApi, ElectronBridge } from '../../../shared/contract';
import { contractClient, defaultTimers, deferredPagePort } from '../../../rpc';
import type { MessagePortLike, Timers } from '../../../rpc';
import type { FramesCarrier, RendererApi } from './types';

export interface WindowLike {
  addEventListener(
    type: 'message',
    l: (ev: { source: unknown; data: unknown; ports: readonly MessagePortLike[] }) => void,
  ): void;
  removeEventListener(
    type: 'message',
    l: (ev: { source: unknown; data: unknown; ports: readonly MessagePortLike[] }) => void,
  ): void;
}

/** How long the paint worker's port may take to come (main answers at once; a silent main is a broken one). */
const FRAMES_PORT_TIMEOUT_MS = 10_000;

/** A second contract port from main, for the paint worker. */
function framesPort(win: WindowLike, bridge: ElectronBridge, timers: Timers): Promise<FramesCarrier> {
  return new Promise((resolve, reject) => {
    const onMessage = (ev: { source: unknown; data: unknown; ports: readonly MessagePortLike[] }) => {
      const p = ev.ports[0];
      if (ev.source !== win || ev.data !== FRAMES_PORT_MESSAGE || !p) return;
      win.removeEventListener('message', onMessage);
      timers.clearTimeout(timer);
      resolve({ kind: 'port', port: p });
    };
    const timer = timers.setTimeout(() => {
      win.removeEventListener('message', onMessage);
      reject(new Error('the camdeck main process did not answer with a frames port'));
    }, FRAMES_PORT_TIMEOUT_MS);
    win.addEventListener('message', onMessage);
    bridge.openFramesPort();
  });
}

/** Sets `window.camdeck` (the contract, frozen) and returns it with the page's extras. */
export function electronApi(win: WindowLike, bridge: ElectronBridge, timers?: Timers): RendererApi {
  const port = deferredPagePort();
  // Only the port our own preload posts to this window: a frame or another window cannot hand us one.
  const onMessage = (ev: { source: unknown; data: unknown; ports: readonly MessagePortLike[] }) => {
    const p = ev.ports[0];
    if (ev.source !== win || ev.data !== CONTRACT_PORT_MESSAGE || !p) return;
    win.removeEventListener('message', onMessage);
    port.attach(p);
  };
  win.addEventListener('message', onMessage);
  bridge.openContractPort();
  const client = contractClient(port, {
    carrier: 'electron',
    peer: 'the camdeck main process',
    ...(timers ? { timers } : {}),
  });
  const api: CamdeckApi = Object.freeze({
    carrier: client.carrier,
    request: client.request,
    on: client.on,
    onFrame: client.onFrame,
    credit: client.credit,
  });
  Object.defineProperty(win, 'camdeck', {
    value: api,
    enumerable: true,
    configurable: false,
    writable: false,
  });
  return { ...api, framesCarrier: () => framesPort(win, bridge, timers ?? defaultTimers) };
}
