// One browser connection as an RPC port: control messages as JSON text, frames as binary messages paced by a
// FrameSender (newest wins for a slow client). Everything it receives goes to the core undecoded-or-marked;
// the core answers malformed input with an error event and the connection stays up.
import type { RawData, WebSocket } from 'ws';
import type { FrameMessage, ServicePort } from '../rpc';
import { decodeWsMessage, encodeText } from '../rpc';
import { FrameSender } from './frame-sender';
import type { FrameSenderStats } from './frame-sender';

/** Bytes queued on one socket beyond which the client is considered gone. */
export const MAX_BUFFERED = 64 * 1024 * 1024;

export interface WsServicePort extends ServicePort {
  readonly frames: FrameSenderStats;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** @param encodeFrame frame → binary message; the server shares one so a frame is encoded once for all clients. */
export function wsServicePort(ws: WebSocket, encodeFrame: (m: FrameMessage) => Uint8Array): WsServicePort {
  const frames = new FrameSender({
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data, cb) => {
      if (ws.readyState !== ws.OPEN) return cb(new Error('closed'));
      ws.send(data, { binary: true }, cb);
    },
  });
  ws.on('close', () => frames.close());
  return {
    frames: frames.stats,
    send(msg) {
      if (ws.readyState !== ws.OPEN) return;
      if (msg.type === 'frame') return frames.push(encodeFrame(msg));
      // A client that stopped reading must not grow our memory without bound (e.g. a stdout flood):
      // drop it; the page reconnects and re-reads state.
      if (ws.bufferedAmount > MAX_BUFFERED) return void ws.terminate();
      ws.send(encodeText(msg));
    },
    onMessage(listener) {
      // the page never sends binary messages: the core is told so (the bytes themselves do not matter)
      const on = (data: RawData, isBinary: boolean) =>
        listener(decodeWsMessage(isBinary ? new Uint8Array(0) : rawToString(data), false));
      ws.on('message', on);
      return () => void ws.off('message', on);
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
