// The page side of the RPC core: `contractClient(port)` is the CamdeckApi over any PagePort. Requests carry ids
// and a deadline; a lost port rejects every request waiting on it at once (never hangs); a reply's error keeps
// its code and hint apart.
import type {
  AppError,
  CamdeckApi,
  CamdeckEvents,
  CameraId,
  EventListener,
  EventName,
  FrameListener,
  RequestArgs,
  RequestName,
  RequestResult,
} from '../shared/contract';
import { isObject } from './messages';
import type { PagePort, WireError } from './messages';

/** An Error that carries the contract's machine-readable code (and hint), so toasts can show and tests match it. */
export class ApiError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(message: string, code: string, hint?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (hint) this.hint = hint;
  }
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ClientOptions {
  carrier: CamdeckApi['carrier'];
  /** Who answers, for messages ("the camdeck server"). */
  peer: string;
  timers?: Timers;
  /** Backstop deadline per request; the service has its own, shorter ones. */
  requestTimeoutMs?: number;
  /** openCamera() walks SYNC/caps/list with retries: a longer backstop. */
  connectTimeoutMs?: number;
}

interface Pending {
  name: RequestName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: unknown;
}

export interface ContractClient extends CamdeckApi {
  /** Reject everything waiting and stop delivering (the port's owner closes the port itself). */
  dispose(reason: string): void;
}

/** The global timers (what every client uses unless a test passes its own). */
export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

function wireErrorOf(v: unknown): WireError {
  const e = isObject(v) ? v : {};
  const str = (k: string) => (typeof e[k] === 'string' && e[k] ? (e[k] as string) : undefined);
  const hint = str('hint');
  return {
    code: str('code') ?? 'request-failed',
    message: str('message') ?? 'request failed',
    ...(hint ? { hint } : {}),
  };
}

export function contractClient(port: PagePort, opts: ClientOptions): ContractClient {
  const timers = opts.timers ?? defaultTimers;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 20_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 60_000;
  const eventListeners = new Map<EventName, Set<EventListener<never>>>();
  const frameListeners = new Set<FrameListener>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let disposed: string | null = null;

  function emit<K extends EventName>(
    name: K,
    payload: CamdeckEvents[K],
    camera: CameraId | null = null,
  ): void {
    for (const l of eventListeners.get(name) ?? []) (l as EventListener<K>)(payload, camera);
  }

  /** Input we cannot use is reported as an error event, never thrown. */
  function wireError(message: string): void {
    const err: AppError = { code: 'wire', message, at: Date.now() };
    emit('error', err);
  }

  function rejectAll(why: string): void {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) {
      timers.clearTimeout(p.timer);
      p.reject(new ApiError(`${p.name}: ${why}`, 'server-lost'));
    }
  }

  const offs = [
    port.onMessage((msg) => {
      if (disposed) return;
      if (!isObject(msg)) return wireError(`Dropped a malformed message from ${opts.peer}.`);
      switch (msg['type']) {
        case 'reply': {
          const p = pending.get(msg['id'] as number);
          if (!p) return; // already timed out or rejected
          pending.delete(msg['id'] as number);
          timers.clearTimeout(p.timer);
          if (msg['ok'] === true) p.resolve(msg['result']);
          else {
            const e = wireErrorOf(msg['error']);
            p.reject(new ApiError(e.message, e.code, e.hint));
          }
          return;
        }
        case 'event':
          if (typeof msg['name'] === 'string')
            emit(
              msg['name'] as EventName,
              msg['payload'] as never,
              typeof msg['camera'] === 'string' ? msg['camera'] : null,
            );
          return;
        case 'frame':
          if (
            msg['image'] instanceof Uint8Array &&
            isObject(msg['meta']) &&
            typeof msg['meta']['camera'] === 'string'
          )
            for (const l of frameListeners) l(msg['meta'] as never, msg['image']);
          return;
        case 'undecodable':
          return wireError(`Malformed message from ${opts.peer}: ${String(msg['why'])}`);
        default:
          return wireError(`Dropped a malformed message from ${opts.peer}.`);
      }
    }),
    port.onClose((why) => rejectAll(why)),
  ];

  function request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>> {
    return new Promise<RequestResult<K>>((resolve, reject) => {
      if (disposed) return reject(new ApiError(`${name}: ${disposed}`, 'server-lost'));
      const down = port.unavailable();
      if (down) return reject(new ApiError(`${name}: ${down}`, 'server-lost'));
      const id = nextId++;
      const ms = name === 'openCamera' ? connectTimeoutMs : requestTimeoutMs;
      const timer = timers.setTimeout(() => {
        if (!pending.delete(id)) return;
        reject(new ApiError(`${name}: no reply from ${opts.peer} within ${ms / 1000} s`, 'timeout'));
      }, ms);
      pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        port.send({ type: 'request', id, name, args });
      } catch (e) {
        pending.delete(id);
        timers.clearTimeout(timer);
        reject(new ApiError(`${name}: send failed: ${(e as Error).message}`, 'server-lost'));
      }
    });
  }

  return {
    carrier: opts.carrier,
    request,
    on(name, listener) {
      let set = eventListeners.get(name);
      if (!set) eventListeners.set(name, (set = new Set()));
      set.add(listener as EventListener<never>);
      return () => void set.delete(listener as EventListener<never>);
    },
    onFrame(listener) {
      frameListeners.add(listener);
      return () => void frameListeners.delete(listener);
    },
    credit(camera) {
      // no reply and nothing to retry: a credit lost with the port is forgotten with the port's pacing
      if (disposed || port.unavailable()) return;
      try {
        port.send({ type: 'credit', camera });
      } catch {
        // the port is going away; its close rejects what waits
      }
    },
    dispose(reason) {
      if (disposed) return;
      disposed = reason;
      for (const off of offs) off();
      rejectAll(reason);
    },
  };
}
