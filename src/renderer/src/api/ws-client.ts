// The CamdeckApi over the browser-host WebSocket: the RPC client (src/rpc) on a port that reconnects.
// The socket is the carrier, not the camera: when the server restarts we reconnect with backoff, and every
// request that was waiting on the lost socket rejects at once with a clear error (never hangs).
import type { Unsubscribe } from '../../../shared/contract';
import { contractClient, decodeWsMessage, defaultTimers, encodeText, portListeners } from '../../../rpc';
import type { PagePort, Timers } from '../../../rpc';
import type { ServerState, RendererApi } from './types';

/** The part of the browser WebSocket we use; tests pass a fake. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type { Timers };

export interface WsApiOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  /** Backstop deadline per request; the service has its own, shorter ones. */
  requestTimeoutMs?: number;
  /** connect() walks SYNC/caps/list with retries: a longer backstop. */
  connectTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

const OPEN = 1;

export interface WsApi extends RendererApi {
  /** Stop reconnecting and close the socket (pending requests reject). */
  close(): void;
}

interface ReconnectingPort extends PagePort {
  onServer(listener: (s: ServerState) => void): Unsubscribe;
  close(): void;
}

/** A PagePort over a WebSocket that is reopened with capped exponential backoff whenever it drops. */
function reconnectingPort(opts: WsApiOptions, timers: Timers): ReconnectingPort {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const backoffInitialMs = opts.backoffInitialMs ?? 250;
  const backoffMaxMs = opts.backoffMaxMs ?? 5_000;
  const listeners = portListeners();
  const serverListeners = new Set<(s: ServerState) => void>();
  let socket: SocketLike | null = null;
  let server: ServerState = { up: false, attempt: 0 };
  let closed = false;
  let retryTimer: unknown = null;
  let failures = 0;

  function setServer(next: ServerState): void {
    server = next;
    for (const l of serverListeners) l(server);
  }

  function scheduleReconnect(reason: string): void {
    if (closed) return;
    failures += 1;
    const delay = Math.min(backoffMaxMs, backoffInitialMs * 2 ** (failures - 1));
    setServer({ up: false, attempt: failures, error: reason, nextInMs: delay });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      open();
    }, delay);
  }

  function open(): void {
    if (closed) return;
    let s: SocketLike;
    try {
      s = createSocket(opts.url);
    } catch (e) {
      scheduleReconnect(`cannot open ${opts.url}: ${(e as Error).message}`);
      return;
    }
    socket = s;
    s.binaryType = 'arraybuffer';
    let wasOpen = false;
    s.onopen = () => {
      wasOpen = true;
      failures = 0;
      setServer({ up: true, attempt: 0 });
    };
    s.onmessage = (ev) => {
      const data = ev.data;
      const msg =
        typeof data === 'string'
          ? decodeWsMessage(data, true)
          : data instanceof ArrayBuffer
            ? decodeWsMessage(new Uint8Array(data), true)
            : data instanceof Uint8Array
              ? decodeWsMessage(data, true)
              : null;
      if (msg) listeners.message(msg);
    };
    s.onerror = () => {
      /* onclose follows and carries the outcome */
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      const why = wasOpen
        ? `connection to the camdeck server was lost${ev.reason ? ` (${ev.reason})` : ''}`
        : 'cannot reach the camdeck server';
      listeners.close(why);
      scheduleReconnect(why);
    };
  }

  open();
  return {
    unavailable: () =>
      closed
        ? 'the client is closed'
        : !socket || socket.readyState !== OPEN || !server.up
          ? `not connected to the camdeck server (${server.error ?? 'connecting'})`
          : null,
    send(msg) {
      socket!.send(encodeText(msg));
    },
    onMessage: listeners.onMessage,
    onClose: listeners.onClose,
    onServer(listener) {
      serverListeners.add(listener);
      listener(server);
      return () => void serverListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer !== null) timers.clearTimeout(retryTimer);
      listeners.close('the client is closed');
      const s = socket;
      socket = null;
      s?.close();
      setServer({ up: false, attempt: 0, error: 'closed' });
    },
  };
}

export function createWsApi(opts: WsApiOptions): WsApi {
  const timers: Timers = opts.timers ?? defaultTimers;
  const port = reconnectingPort(opts, timers);
  const client = contractClient(port, {
    carrier: 'browser',
    peer: 'the camdeck server',
    timers,
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
  });
  return {
    carrier: client.carrier,
    request: client.request,
    on: client.on,
    onFrame: client.onFrame,
    credit: client.credit,
    onServer: port.onServer,
    // the paint worker opens its own socket to the same place (the token is in the URL)
    framesCarrier: () => Promise.resolve({ kind: 'ws', url: opts.url }),
    close() {
      port.close();
      client.dispose('the client is closed');
    },
  };
}

/** The WebSocket URL for the page we were served from, passing the access token on. */
export function wsUrlFromLocation(
  loc: { protocol: string; host: string; search: string },
  path: string,
  tokenParam: string,
): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(loc.search).get(tokenParam);
  return `${scheme}//${loc.host}${path}${token ? `?${tokenParam}=${encodeURIComponent(token)}` : ''}`;
}

export type { Unsubscribe };
