// The Electron carrier's request side: one `ipcMain.handle('camdeck:<name>')` per contract request, each checking
// the sender first. Handlers resolve to an envelope so the page gets the service's code and message intact
// (a thrown error would reach it as "Error invoking remote method …").
import { EVENT_NAMES, REQUEST_NAMES } from '../shared/contract';
import type { CamdeckEvents, EventName, RequestName } from '../shared/contract';
import type { CamdeckService } from '../service/api';
import { classifyError, userMessage } from '../service/errors';
import { dispatchRequest } from '../service/request-validation';
import type { SenderEvent } from './trusted-sender';

export const REQUEST_CHANNEL_PREFIX = 'camdeck:';
export const EVENT_CHANNEL = 'camdeck:event';
export const FRAME_PORT_CHANNEL = 'camdeck:frame-port';

export type IpcEnvelope =
  { ok: true; result: unknown } | { ok: false; error: { message: string; code: string; hint?: string } };

export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => Promise<IpcEnvelope>): void;
  removeHandler(channel: string): void;
}

export function requestChannel(name: RequestName): string {
  return `${REQUEST_CHANNEL_PREFIX}${name}`;
}

/** Registers a handler per request; returns a function that removes them all. */
export function registerRequestHandlers(
  ipc: IpcMainLike,
  service: CamdeckService,
  isTrusted: (event: SenderEvent) => boolean,
): () => void {
  for (const name of REQUEST_NAMES) {
    ipc.handle(requestChannel(name), async (event, ...args): Promise<IpcEnvelope> => {
      if (!isTrusted(event)) return { ok: false, error: { message: 'untrusted sender', code: 'forbidden' } };
      try {
        return { ok: true, result: await dispatchRequest(service, name, args) };
      } catch (err) {
        const c = classifyError(err);
        return {
          ok: false,
          error: { message: userMessage(c), code: c.code, ...(c.hint ? { hint: c.hint } : {}) },
        };
      }
    });
  }
  return () => {
    for (const name of REQUEST_NAMES) ipc.removeHandler(requestChannel(name));
  };
}

/** Forwards every service event to `send(name, payload)` (the window list decides who gets it). */
export function forwardEvents(
  service: CamdeckService,
  send: <K extends EventName>(name: K, payload: CamdeckEvents[K]) => void,
): () => void {
  const offs = EVENT_NAMES.map((name) => service.on(name, (payload) => send(name, payload)));
  return () => offs.forEach((off) => off());
}
