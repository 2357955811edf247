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

/** The page's own contract port, or the one its paint worker uses for the grid tiles' frames. */
export type PortRole = 'page' | 'frames';

export class ContractPorts {
  /** By window, then by role: the page's own port and its paint worker's. */
  private readonly served = new Map<number, Map<PortRole, { port: MainPortLike; close(): void }>>();

  constructor(
    private readonly provider: ContractProvider,
    private readonly options: ServeOptions = {},
  ) {}

  /**
   * Serve the contract on `port` for window `ownerId`; a window has one port per role (a newer one replaces it,
   * and a new page port — a reload — ends the old page's frames port too).
   */
  open(port: MainPortLike, ownerId: number, role: PortRole = 'page'): void {
    if (role === 'page') this.dropOwner(ownerId);
    else this.drop(ownerId, role);
    const server = serveContract(this.provider, servicePort(port), {
      peer: `camdeck window ${ownerId}`,
      ...this.options,
    });
    const entry = { port, close: server.close };
    let roles = this.served.get(ownerId);
    if (!roles) this.served.set(ownerId, (roles = new Map()));
    roles.set(role, entry);
    port.once('close', () => {
      server.close();
      const now = this.served.get(ownerId);
      if (now?.get(role) !== entry) return;
      now.delete(role);
      if (!now.size) this.served.delete(ownerId);
    });
    port.start();
  }

  private drop(ownerId: number, role: PortRole): void {
    const roles = this.served.get(ownerId);
    const entry = roles?.get(role);
    if (!roles || !entry) return;
    roles.delete(role);
    if (!roles.size) this.served.delete(ownerId);
    entry.close();
    entry.port.close();
  }

  /** A window reloaded or closed: its ports die with the page. */
  dropOwner(ownerId: number): void {
    for (const role of [...(this.served.get(ownerId)?.keys() ?? [])]) this.drop(ownerId, role);
  }

  /** Ports served now (every window's, every role). */
  get size(): number {
    let n = 0;
    for (const roles of this.served.values()) n += roles.size;
    return n;
  }

  closeAll(): void {
    for (const id of [...this.served.keys()]) this.dropOwner(id);
  }
}
