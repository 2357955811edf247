// One browser connection as an RPC port: control messages as JSON text, frames as binary messages paced by a
// FrameSender (newest wins per camera for a slow client). Control messages are kept under the connection's share of the
// SendBudget; a client that stays over it is closed. A client with too many requests unanswered is not read
// until some are answered. Everything it receives goes to the core undecoded-or-marked;
// the core answers malformed input with an error event and the connection stays up.
import type { RawData, WebSocket } from 'ws';
import type { ServicePort } from '../rpc';
import { decodeWsMessage, isObject } from '../rpc';
import { FrameSender } from './frame-sender';
import type { FrameSenderStats } from './frame-sender';
import type { SendBudget } from './send-budget';
import type { SharedEncoders } from './shared-encoding';

export interface WsServicePort extends ServicePort {
  readonly frames: FrameSenderStats;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export interface WsPortOptions {
  /** Shared by the server's connections: a frame or an event is encoded once for all of them. */
  encoders: SharedEncoders;
  budget: SendBudget;
  /** Requests awaiting their reply beyond which the socket is not read (backpressure, nothing piles up). */
  maxRequestsInFlight: number;
  /** Told why, when the budget closes this client. */
  onDropped?: (why: string) => void;
}

/** Whether the core answers this message with exactly one reply (the shape it checks). */
function expectsReply(msg: unknown): boolean {
  return isObject(msg) && msg['type'] === 'request' && Number.isSafeInteger(msg['id']);
}

export function wsServicePort(ws: WebSocket, opts: WsPortOptions): WsServicePort {
  const { encoders, budget, maxRequestsInFlight, onDropped = () => undefined } = opts;
  let inFlight = 0;
  const backlog: unknown[] = [];
  let deliver: ((msg: unknown) => void) | null = null;
  const answered = (): void => {
    inFlight--;
    while (inFlight < maxRequestsInFlight && backlog.length && deliver) {
      inFlight++;
      deliver(backlog.shift());
    }
    if (!backlog.length && ws.isPaused) ws.resume();
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
  // terminate, not close: a client that does not read would hold its queue until the close handshake times out
  const member = budget.join({
    queued: () => ws.bufferedAmount,
    drop: (why) => {
      ws.terminate();
      onDropped(why);
    },
  });
  ws.on('close', () => {
    frames.close();
    member.leave();
  });
  return {
    frames: frames.stats,
    send(msg) {
      if (ws.readyState !== ws.OPEN) return;
      if (msg.type === 'frame') return frames.push(encoders.frame(msg), msg.meta.camera);
      if (!member.admit()) return;
      ws.send(encoders.control(msg));
      member.queuedMore();
      if (msg.type === 'reply') answered();
    },
    onMessage(listener) {
      // the page never sends binary messages: the core is told so (the bytes themselves do not matter)
      const on = (data: RawData, isBinary: boolean) => {
        const msg = decodeWsMessage(isBinary ? new Uint8Array(0) : rawToString(data), false);
        if (!expectsReply(msg)) return listener(msg);
        if (inFlight < maxRequestsInFlight) {
          inFlight++;
          return listener(msg);
        }
        // what arrived in the same read waits here (one read's worth); the socket is not read meanwhile
        backlog.push(msg);
        ws.pause();
      };
      deliver = listener;
      ws.on('message', on);
      return () => {
        deliver = null;
        ws.off('message', on);
      };
    },
    onClose(listener) {
      const on = () => listener('connection closed');
      ws.once('close', on);
      ws.once('error', on);
      return () => {
        ws.off('close', on);
        ws.off('error', on);
      };
    },
  };
}
