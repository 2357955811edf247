// One browser connection: JSON requests in, replies and events out, frames as binary messages paced by a
// FrameSender. A malformed message is reported on the connection and dropped; the connection stays up.
import type { WebSocket, RawData } from 'ws';
import { EVENT_NAMES } from '../shared/contract';
import type { AppError, EventName, CamdeckEvents } from '../shared/contract';
import { decodeWire, encodeWire } from '../shared/ws-wire';
import type { ClientMessage, ServerMessage } from '../shared/ws-wire';
import type { CamdeckService } from '../service/api';
import { classifyError, userMessage } from '../service/errors';
import { dispatchRequest } from '../service/request-validation';
import { FrameSender } from './frame-sender';

/** Bytes queued on one socket beyond which the client is considered gone. */
export const MAX_BUFFERED = 64 * 1024 * 1024;

export interface Connection {
  /** Queue an encoded frame message (newest wins when the client is slow). */
  pushFrame(message: Uint8Array): void;
  readonly frames: FrameSender['stats'];
  close(): void;
}

function badMessage(message: string): ServerMessage {
  const payload: AppError = { code: 'bad-message', message, at: Date.now() };
  return { type: 'event', name: 'error', payload };
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export function attachConnection(ws: WebSocket, service: CamdeckService): Connection {
  const send = (msg: ServerMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    // A client that stopped reading must not grow our memory without bound (e.g. a stdout flood):
    // drop it; the page reconnects and re-reads state.
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    ws.send(encodeWire(msg));
  };
  const frames = new FrameSender({
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data, cb) => {
      if (ws.readyState !== ws.OPEN) return cb(new Error('closed'));
      ws.send(data, { binary: true }, cb);
    },
  });

  const forward = <K extends EventName>(name: K) =>
    service.on(name, (payload: CamdeckEvents[K]) => send({ type: 'event', name, payload } as ServerMessage));
  const unsubscribers = EVENT_NAMES.map((n) => forward(n));

  ws.on('message', (data, isBinary) => {
    if (isBinary) return send(badMessage('binary messages are not accepted from the client'));
    let msg: ClientMessage;
    try {
      msg = decodeWire<ClientMessage>(rawToString(data));
    } catch (err) {
      return send(badMessage(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (typeof msg !== 'object' || msg === null || msg.type !== 'request' || !Number.isSafeInteger(msg.id))
      return send(badMessage('expected {"type":"request","id":<integer>,"name":…,"args":[…]}'));
    const { id } = msg;
    dispatchRequest(service, msg.name, msg.args).then(
      (result) => send({ type: 'reply', id, ok: true, result: result ?? null }),
      (err: unknown) => {
        const c = classifyError(err);
        const error = { message: userMessage(c), code: c.code, ...(c.hint ? { hint: c.hint } : {}) };
        send({ type: 'reply', id, ok: false, error });
      },
    );
  });

  const close = (): void => {
    frames.close();
    for (const u of unsubscribers) u();
  };
  ws.on('close', close);
  ws.on('error', close);

  return {
    pushFrame: (m) => frames.push(m),
    frames: frames.stats,
    close: () => {
      close();
      ws.close();
    },
  };
}
