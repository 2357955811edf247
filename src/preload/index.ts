// Preload: gives the page exactly the contract as `window.camdeck`, never ipcRenderer itself.
// A small bridge (validated invoke + events) crosses the context bridge; `main-world.ts` then builds the page's
// `window.camdeck` in the page's own world (errors keep their code; frames arrive on a page-owned MessagePort).
// Requests go to one handler per name in main, events arrive on one channel, frame ports are made per request.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, FRAME_PORT_MESSAGE, FRAME_PORT_REQUEST, REQUEST_NAMES } from '../shared/contract';
import { FRAME_TAG } from '../shared/frame-wire';
import { installMainWorldApi } from './main-world';
import type { BridgeApi } from './main-world';

// Kept in step with src/main/ipc-handlers.ts (the preload bundle must not import main).
const EVENT_CHANNEL = 'camdeck:event';
const FRAME_PORT_CHANNEL = 'camdeck:frame-port';
export const BRIDGE_KEY = '__camdeckBridge';

// The preload compiles with the Node program (no DOM lib), so the DOM shapes it touches are declared here.
declare const window: {
  addEventListener(type: 'message', listener: (ev: { source: unknown; data: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};

const requestNames: ReadonlySet<string> = new Set(REQUEST_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !eventNames.has(name)) return;
  for (const l of listeners.get(name) ?? []) l(payload);
});

// The page asks for a frame port; main answers in order; the port goes straight on to the page.
let portRequests = 0;
ipcRenderer.on(FRAME_PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  if (!port) return;
  if (portRequests > 0) {
    portRequests--;
    window.postMessage(FRAME_PORT_MESSAGE, '*', [port]);
  } else port.close();
});
window.addEventListener('message', (event) => {
  if (event.source !== window || event.data !== FRAME_PORT_REQUEST) return;
  portRequests++;
  ipcRenderer.send(FRAME_PORT_CHANNEL);
});

const bridge: BridgeApi = {
  isRequest: (name) => requestNames.has(name),
  invoke(name, args) {
    if (!requestNames.has(name)) return Promise.reject(new Error(`unknown request "${String(name)}"`));
    if (!Array.isArray(args)) return Promise.reject(new Error('arguments must be an array'));
    return ipcRenderer.invoke(`camdeck:${name}`, ...args);
  },
  on(name, listener) {
    if (!eventNames.has(name)) throw new Error(`unknown event "${String(name)}"`);
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener);
    return () => void set.delete(listener);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
contextBridge.executeInMainWorld({
  func: installMainWorldApi,
  args: [BRIDGE_KEY, FRAME_PORT_REQUEST, FRAME_PORT_MESSAGE, FRAME_TAG],
});
