// RPC ports over a MessagePort (structured clone: objects and Uint8Arrays travel as they are, no encoding).
// The page side is deferred: requests made before the port arrives wait in order and go out when it does.
import { portListeners } from './messages';
import type { PageMessage, PagePort } from './messages';

/** The part of a DOM MessagePort the page side uses (structural, so the core needs no DOM types). */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'close', listener: (ev: { data?: unknown }) => void): void;
  start(): void;
  close(): void;
}

export interface DeferredPagePort extends PagePort {
  /** The port has arrived: flush what waited, then talk on it. */
  attach(port: MessagePortLike): void;
}

const CLOSED = 'the connection to the camdeck main process was closed';

export function deferredPagePort(): DeferredPagePort {
  const listeners = portListeners();
  let port: MessagePortLike | null = null;
  let closed = false;
  const waiting: PageMessage[] = [];
  return {
    attach(p) {
      if (port)
        p.close(); // one port per page
      else {
        port = p;
        p.addEventListener('message', (ev) => listeners.message(ev.data));
        p.addEventListener('close', () => {
          closed = true;
          listeners.close(CLOSED);
        });
        p.start();
        for (const m of waiting.splice(0)) p.postMessage(m);
      }
    },
    unavailable: () => (closed ? CLOSED : null),
    send(msg) {
      if (port) port.postMessage(msg);
      else waiting.push(msg);
    },
    onMessage: listeners.onMessage,
    onClose: listeners.onClose,
  };
}
