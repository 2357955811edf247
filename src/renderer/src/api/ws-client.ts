// The CamdeckApi over the browser-host WebSocket (ws-wire.ts JSON + frame-wire.ts binary).
// The socket is the carrier, not the camera: when the server restarts we reconnect with backoff, and every
// request that was waiting on the lost socket rejects at once with a clear error (never hangs).
import type {
  AppError,
  CamdeckEvents,
  EventName,
  FrameMeta,
  RequestArgs,
  RequestName,
  RequestResult,
  Unsubscribe,
} from '../../../shared/contract';
import { decodeFrameMessage } from '../../../shared/frame-wire';
import { decodeWire, encodeWire, type ServerMessage } from '../../../shared/ws-wire';
import { ApiError } from './errors';
import type { LinkState, RendererApi } from './types';

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

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

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

interface Pending {
  name: RequestName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: unknown;
}

export interface WsApi extends RendererApi {
  /** Stop reconnecting and close the socket (pending requests reject). */
  close(): void;
}

export function createWsApi(opts: WsApiOptions): WsApi {
  const timers: Timers = opts.timers ?? {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  };
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const requestTimeoutMs = opts.requestTimeoutMs ?? 20_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 60_000;
  const backoffInitialMs = opts.backoffInitialMs ?? 250;
  const backoffMaxMs = opts.backoffMaxMs ?? 5_000;

  const eventListeners = new Map<EventName, Set<(p: never) => void>>();
  const frameListeners = new Set<(meta: FrameMeta, image: Uint8Array) => void>();
  const linkListeners = new Set<(s: LinkState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let link: LinkState = { up: false, attempt: 0 };
  let closed = false;
  let retryTimer: unknown = null;
  let failures = 0;

  function setLink(next: LinkState): void {
    link = next;
    for (const l of linkListeners) l(link);
  }

  function emit<K extends EventName>(name: K, payload: CamdeckEvents[K]): void {
    const set = eventListeners.get(name);
    if (!set) return;
    for (const l of set) (l as (p: CamdeckEvents[K]) => void)(payload);
  }

  function wireError(message: string): void {
    const err: AppError = { code: 'wire', message, at: Date.now() };
    emit('error', err);
  }

  function rejectAll(message: string): void {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) {
      timers.clearTimeout(p.timer);
      p.reject(new ApiError(`${p.name}: ${message}`, 'server-lost'));
    }
  }

  function onMessage(data: unknown): void {
    if (typeof data === 'string') {
      let msg: ServerMessage;
      try {
        msg = decodeWire<ServerMessage>(data);
      } catch (e) {
        wireError(`Malformed message from the camdeck server: ${(e as Error).message}`);
        return;
      }
      if (msg.type === 'reply') {
        const p = pending.get(msg.id);
        if (!p) return; // already timed out or rejected
        pending.delete(msg.id);
        timers.clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new ApiError(msg.error.message, msg.error.code ?? 'request-failed', msg.error.hint));
      } else if (msg.type === 'event') {
        emit(msg.name, msg.payload as never);
      }
      return;
    }
    const bytes =
      data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
    if (!bytes) return;
    const frame = decodeFrameMessage(bytes);
    if (!frame) {
      wireError('Dropped a malformed frame message from the camdeck server');
      return;
    }
    for (const l of frameListeners) l(frame.meta, frame.image);
  }

  function scheduleReconnect(reason: string): void {
    if (closed) return;
    failures += 1;
    const delay = Math.min(backoffMaxMs, backoffInitialMs * 2 ** (failures - 1));
    setLink({ up: false, attempt: failures, error: reason, nextInMs: delay });
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
      setLink({ up: true, attempt: 0 });
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {
      /* onclose follows and carries the outcome */
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      const why = wasOpen
        ? `connection to the camdeck server was lost${ev.reason ? ` (${ev.reason})` : ''}`
        : 'cannot reach the camdeck server';
      rejectAll(why);
      scheduleReconnect(why);
    };
  }

  function request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>> {
    return new Promise<RequestResult<K>>((resolve, reject) => {
      const s = socket;
      if (closed) return reject(new ApiError(`${name}: the client is closed`, 'server-lost'));
      if (!s || s.readyState !== OPEN || !link.up) {
        return reject(
          new ApiError(
            `${name}: not connected to the camdeck server (${link.error ?? 'connecting'})`,
            'server-lost',
          ),
        );
      }
      const id = nextId++;
      const ms = name === 'connect' ? connectTimeoutMs : requestTimeoutMs;
      const timer = timers.setTimeout(() => {
        if (!pending.delete(id)) return;
        reject(new ApiError(`${name}: no reply from the camdeck server within ${ms / 1000} s`, 'timeout'));
      }, ms);
      pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        s.send(encodeWire({ type: 'request', id, name, args }));
      } catch (e) {
        pending.delete(id);
        timers.clearTimeout(timer);
        reject(new ApiError(`${name}: send failed: ${(e as Error).message}`, 'server-lost'));
      }
    });
  }

  open();

  return {
    carrier: 'browser',
    request,
    on(name, listener) {
      let set = eventListeners.get(name);
      if (!set) eventListeners.set(name, (set = new Set()));
      set.add(listener as (p: never) => void);
      return () => set.delete(listener as (p: never) => void);
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(link);
      return () => linkListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer !== null) timers.clearTimeout(retryTimer);
      rejectAll('the client is closed');
      const s = socket;
      socket = null;
      s?.close();
      setLink({ up: false, attempt: 0, error: 'closed' });
    },
  } satisfies WsApi as WsApi;
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
