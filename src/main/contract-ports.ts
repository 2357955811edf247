// The Electron carrier: each window gets one MessagePort to main on which the whole contract runs (src/rpc).
// A port is opened only for a trusted sender (the caller checks); a window that reloads, crashes or closes loses
// its port and the page asks for a new one when it starts again.
import { serveContract } from '../rpc';
import type { ServeOptions, ServicePort } from '../rpc';
import type { ContractProvider } from '../shared/contract';

/** The part of Electron's MessagePortMain we use. */
export interface MainPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (ev: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (ev: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

function servicePort(port: MainPortLike): ServicePort {
  let open = true;
  port.once('close', () => (open = false));
  return {
    send: (m) => {
      if (open) port.postMessage(m);
    },
    onMessage(listener) {
      const on = (ev: { data: unknown }) => listener(ev.data);
      port.on('message', on);
      return () => void port.off('message', on);
    },
    onClose(listener) {
      const on = () => listener('the window went away');
      port.on('close', on);
      return () => void port.off('close', on);
    },
  };
}

export class ContractPorts {
  private readonly served = new Map<number, { port: MainPortLike; close(): void }>();

  constructor(
    private readonly provider: ContractProvider,
    private readonly options: ServeOptions = {},
  ) {}

  /** Serve the contract on `port` for window `ownerId`; a window has one port (a newer one replaces it). */
  open(port: MainPortLike, ownerId: number): void {
    this.dropOwner(ownerId);
    const server = serveContract(this.provider, servicePort(port), {
      peer: `camdeck window ${ownerId}`,
      ...this.options,
    });
    const entry = { port, close: server.close };
    this.served.set(ownerId, entry);
    port.once('close', () => {
      server.close();
      if (this.served.get(ownerId) === entry) this.served.delete(ownerId);
    });
    port.start();
  }

  /** A window reloaded or closed: its port dies with the page. */
  dropOwner(ownerId: number): void {
    const entry = this.served.get(ownerId);
    if (!entry) return;
    this.served.delete(ownerId);
    entry.close();
    entry.port.close();
  }

  get size(): number {
    return this.served.size;
  }

  closeAll(): void {
    for (const id of [...this.served.keys()]) this.dropOwner(id);
  }
}
