// Preload: exposes exactly the contract as `window.camdeck` (contextBridge), never ipcRenderer itself.
// Requests go to one handler per name in main; events arrive on one channel; frames arrive on PagePorts that
// main creates per request (see FRAME_PORT_REQUEST in the contract for the page's zero-copy path).
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, FRAME_PORT_MESSAGE, FRAME_PORT_REQUEST, REQUEST_NAMES } from '../shared/contract';
import type {
  CamdeckApi,
  CamdeckEvents,
  EventName,
  FrameMeta,
  RequestArgs,
  RequestName,
  RequestResult,
  Unsubscribe,
} from '../shared/contract';
import { decodeFrameMessage } from '../shared/frame-wire';

// Kept in step with src/main/ipc-handlers.ts (the preload bundle must not import main).
const EVENT_CHANNEL = 'camdeck:event';
const FRAME_PORT_CHANNEL = 'camdeck:frame-port';
// The preload compiles with the Node program (no DOM lib), so the few DOM shapes it touches are declared here.
interface PagePort {
  onmessage: ((ev: { data: unknown }) => void) | null;
  start(): void;
  close(): void;
}
declare const window: {
  addEventListener(type: 'message', listener: (ev: { source: unknown; data: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
};

type Envelope =
  { ok: true; result: unknown } | { ok: false; error: { message: string; code: string; hint?: string } };

const requestNames: ReadonlySet<string> = new Set(REQUEST_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !eventNames.has(name)) return;
  for (const l of listeners.get(name) ?? []) l(payload);
});

// Port requests are answered in order; each answer goes to whoever asked (this preload, or the page).
const portWaiters: Array<(port: PagePort) => void> = [];
ipcRenderer.on(FRAME_PORT_CHANNEL, (event) => {
  const port = event.ports[0] as unknown as PagePort | undefined;
  const waiter = portWaiters.shift();
  if (port && waiter) waiter(port);
  else port?.close();
});
function requestPort(deliver: (port: PagePort) => void): void {
  portWaiters.push(deliver);
  ipcRenderer.send(FRAME_PORT_CHANNEL);
}

// The page's zero-copy path: hand it a port of its own.
window.addEventListener('message', (event) => {
  if (event.source !== window || event.data !== FRAME_PORT_REQUEST) return;
  requestPort((port) => window.postMessage(FRAME_PORT_MESSAGE, '*', [port]));
});

// The bridged path: one port for this preload, opened on the first onFrame subscriber.
const frameListeners = new Set<(meta: FrameMeta, image: Uint8Array) => void>();
let ownPort: PagePort | null = null;
function ensureOwnPort(): void {
  if (ownPort) return;
  requestPort((port) => {
    ownPort = port;
    port.onmessage = (ev) => {
      if (!(ev.data instanceof Uint8Array)) return;
      const frame = decodeFrameMessage(ev.data);
      if (!frame) return;
      for (const l of frameListeners) l(frame.meta, frame.image);
    };
    port.start();
  });
}

const api: CamdeckApi = {
  carrier: 'electron',
  async request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>> {
    if (!requestNames.has(name)) throw new Error(`unknown request "${String(name)}"`);
    const env = (await ipcRenderer.invoke(`camdeck:${name}`, ...args)) as Envelope;
    if (env.ok) return env.result as RequestResult<K>;
    // Electron copies only the message of an Error across the bridge; code/hint help within the preload world.
    throw Object.assign(new Error(env.error.message), { code: env.error.code, hint: env.error.hint });
  },
  on<K extends EventName>(name: K, listener: (payload: CamdeckEvents[K]) => void): Unsubscribe {
    if (!eventNames.has(name)) throw new Error(`unknown event "${String(name)}"`);
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => void set.delete(l);
  },
  onFrame(listener) {
    frameListeners.add(listener);
    ensureOwnPort();
    return () => void frameListeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('camdeck', api);
