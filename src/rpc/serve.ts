// The service side of the RPC core: answers requests arriving on a port, forwards every event, pushes the frames
// of the cameras the page watches. One instance per port (one window, one browser connection); `close()`
// unsubscribes it from the provider.
import { EVENT_NAMES } from '../shared/contract';
import type { CameraId, ContractProvider, EventName, Unsubscribe, WatchOptions } from '../shared/contract';
import { FramePacing } from './pacing';
import { isObject } from './messages';
import type { EventMessage, ServicePort, WireError } from './messages';
import { dispatchRequest } from './validate';

export interface ServeOptions {
  /** Turns anything a request failed with into what the page is told (the service's one classification table). */
  describeError?: (err: unknown) => WireError;
  /** False: this port gets no frames (a client that only controls). Default true. */
  frames?: boolean;
  /** Who is at the other end, in the words other pages are told ("a browser page at 127.0.0.1"). */
  peer?: string;
}

/** Longest text an error carries back: what a refused request quotes (a key of a 1 MiB patch) is cut here. */
export const MAX_ERROR_TEXT = 500;
const MAX_ERROR_CODE = 64;

/** `text` cut to `max` characters, saying how much was left out. */
export function capText(text: string, max = MAX_ERROR_TEXT): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, max)) ? text.slice(0, max - 1) : text.slice(0, max);
  return `${cut}… (${text.length - cut.length} more characters)`;
}

/** The last line of defence: whatever the service or the validation quoted, a reply stays small. */
function capError(e: WireError): WireError {
  return {
    code: capText(e.code, MAX_ERROR_CODE),
    message: capText(e.message),
    ...(e.hint !== undefined ? { hint: capText(e.hint) } : {}),
  };
}

/** The error event for input the core could not use; the port stays open. */
export function badMessage(message: string): EventMessage {
  return {
    type: 'event',
    name: 'error',
    payload: { code: 'bad-message', message: capText(message), at: Date.now() },
  };
}

function fieldsOf(err: unknown): WireError {
  const f = (k: string): string | undefined => {
    const v =
      isObject(err) || err instanceof Error ? (err as unknown as Record<string, unknown>)[k] : undefined;
    return typeof v === 'string' && v ? v : undefined;
  };
  const hint = f('hint');
  return {
    code: f('code') ?? 'request-failed',
    message: f('message') ?? String(err),
    ...(hint ? { hint } : {}),
  };
}

const REQUEST_SHAPE = 'expected {"type":"request","id":<integer>,"name":…,"args":[…]}';

export function serveContract(
  provider: ContractProvider,
  port: ServicePort,
  opts: ServeOptions = {},
): { close(): void } {
  const describe = opts.describeError ?? fieldsOf;
  let closed = false;
  const send: ServicePort['send'] = (m) => {
    if (!closed) port.send(m);
  };

  const offs: Unsubscribe[] = EVENT_NAMES.map(<K extends EventName>(name: K) =>
    provider.on(name, (payload, camera) =>
      send(
        (camera === null
          ? { type: 'event', name, payload }
          : { type: 'event', name, camera, payload }) as EventMessage,
      ),
    ),
  );
  // Frames go only to a page that watches their camera: a page showing one tile is not sent eight streams.
  // The pacing is also this page's demand: the service reads no frame only this page would wait for.
  const pacing = new FramePacing((m) => send(m));
  if (opts.frames !== false)
    offs.push(provider.onFrame((meta, image) => pacing.offer({ type: 'frame', meta, image }), pacing));
  const context = { peer: opts.peer ?? 'another page' };
  const pageRequests = {
    watch: async (cameras: CameraId[], options?: WatchOptions | null): Promise<void> => {
      pacing.reset(options?.paced === true, new Set(cameras));
    },
  };

  offs.push(
    port.onMessage((msg) => {
      if (isObject(msg) && msg['type'] === 'undecodable') return send(badMessage(String(msg['why'])));
      if (isObject(msg) && msg['type'] === 'credit') {
        if (typeof msg['camera'] === 'string') pacing.credit(msg['camera']);
        return;
      }
      if (!isObject(msg) || msg['type'] !== 'request' || !Number.isSafeInteger(msg['id']))
        return send(badMessage(REQUEST_SHAPE));
      const id = msg['id'] as number;
      dispatchRequest(provider, pageRequests, msg['name'] as never, msg['args'], context).then(
        (result) => send({ type: 'reply', id, ok: true, result: result ?? null }),
        (err: unknown) => send({ type: 'reply', id, ok: false, error: capError(describe(err)) }),
      );
    }),
  );

  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const off of offs.splice(0)) off();
  };
  offs.push(port.onClose(close));
  return { close };
}
