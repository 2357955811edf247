// RPC ports over a MessagePort (structured clone: objects and Uint8Arrays travel as they are, no encoding).
// The page side is deferred: requests made before the port arrives wait in order and go out when it does.
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

export function deferredPagePort(): DeferredPagePort {
  const messageListeners = new Set<(m: unknown) => void>();
  const closeListeners = new Set<(why: string) => void>();
  let port: MessagePortLike | null = null;
  let closed = false;
  const waiting: PageMessage[] = [];
  return {
    attach(p) {
      if (port)
        p.close(); // one port per page
      else {
        port = p;
        p.addEventListener('message', (ev) => {
          for (const l of messageListeners) l(ev.data);
        });
        p.addEventListener('close', () => {
          closed = true;
          for (const l of closeListeners) l('the connection to the camdeck main process was closed');
        });
        p.start();
        for (const m of waiting.splice(0)) p.postMessage(m);
      }
    },
    unavailable: () => (closed ? 'the connection to the camdeck main process was closed' : null),
    send(msg) {
      if (port) port.postMessage(msg);
      else waiting.push(msg);
    },
    onMessage(l) {
      messageListeners.add(l);
      return () => void messageListeners.delete(l);
    },
    onClose(l) {
      closeListeners.add(l);
      return () => void closeListeners.delete(l);
    },
  };
}
