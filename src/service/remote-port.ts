// The page side of another camdeck's WebSocket, in Node: one `ws` socket at a time as an RPC PagePort (the
// same wire as the browser page: JSON text out, JSON text and binary frames in). `open()` makes one attempt
// and says why it failed — the token refused (a 401/403/429 answer to the upgrade) or nobody answering — so
// the remote camera decides what to retry. A dead peer is noticed by a ping that gets no pong.
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { WS_PATH, TOKEN_PARAM, decodeWsMessage, encodeText, portListeners } from '../rpc';
import type { PagePort } from '../rpc';
import { ServiceError } from './errors';

export interface RemotePortOptions {
  host: string;
  port: number;
  token: string | undefined;
  /** The upgrade (TCP connect included) must finish within this. */
  handshakeTimeoutMs?: number;
  /** A ping goes out this often; a socket that has not answered the last one is dropped. */
  keepaliveMs?: number;
  /** Largest message accepted (a frame with its meta). */
  maxMessageBytes?: number;
}

export interface RemotePort extends PagePort {
  /** One attempt to open the socket (a no-op while it is open); rejects with a remote-refused/-unreachable ServiceError. */
  open(): Promise<void>;
  /** Close the socket for good; the port cannot be opened again. */
  close(): void;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 15_000;
/** A camera frame is a few MiB at most; the socket refuses anything larger than this instead of buffering it. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** What is quoted of a refusal's body (the server's own sentence). */
const MAX_QUOTED = 300;

/** "host:port", with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function rawBytes(data: RawData): Uint8Array {
  const b = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data;
  // a plain view: what is handed on is a Uint8Array, not a Buffer with its own toString/equals
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Why nobody answered, in words (Node's errno codes, ws's handshake timeout). */
function unreachableDetail(err: Error & { code?: unknown }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'nothing listens on that port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'there is no route to that host';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return /timed out/i.test(err.message) ? 'no answer in time' : err.message.slice(0, MAX_QUOTED);
  }
}

export function unreachable(at: string, detail: string): ServiceError {
  return new ServiceError(
    'remote-unreachable',
    `The camdeck at ${at} is unreachable (${detail}).`,
    `Check that \`camdeck serve --allow-network --host 0.0.0.0\` runs on ${at.replace(/:\d+$/, '')}, and that the address and the token are right.`,
  );
}

/** The upgrade answered with a status other than 101: the server's own sentence says which rule refused it. */
function refused(at: string, status: number, body: string): ServiceError {
  const said = body.trim().slice(0, MAX_QUOTED);
  if (status === 401)
    return new ServiceError(
      'remote-refused',
      `The camdeck at ${at} refused the access token.`,
      `Use the token \`camdeck serve\` printed on that machine (the part of its URL after ?${TOKEN_PARAM}=); a restarted camdeck prints a new one.`,
    );
  if (status === 429)
    return new ServiceError(
      'remote-refused',
      `The camdeck at ${at} refused this machine for a moment: too many wrong tokens came from it.`,
      'Wait a second, then add the camera again with the token `camdeck serve` printed there.',
    );
  if (status === 503) return unreachable(at, `it is full${said ? `: ${said}` : ''}`);
  return new ServiceError(
    'remote-refused',
    `The camdeck at ${at} refused the connection (HTTP ${status}${said ? `: ${said}` : ''}).`,
    'Check the address: it must be a `camdeck serve` started with --host 0.0.0.0 (or an address of that machine).',
  );
}

export function remotePort(opts: RemotePortOptions): RemotePort {
  const at = hostPort(opts.host, opts.port);
  const url =
    `ws://${at}${WS_PATH}` +
    (opts.token !== undefined ? `?${TOKEN_PARAM}=${encodeURIComponent(opts.token)}` : '');
  const listeners = portListeners();
  let socket: WebSocket | null = null;
  let opening: Promise<void> | null = null;
  let closed = false;

  function keepalive(ws: WebSocket): () => void {
    let answered = true;
    ws.on('pong', () => (answered = true));
    const timer = setInterval(() => {
      if (!answered) return ws.terminate(); // 'close' follows
      answered = false;
      ws.ping();
    }, opts.keepaliveMs ?? KEEPALIVE_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  function attempt(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, {
        handshakeTimeout: opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
        maxPayload: opts.maxMessageBytes ?? MAX_MESSAGE_BYTES,
        perMessageDeflate: false,
      });
      let settled = false;
      const fail = (e: ServiceError) => {
        if (settled) return;
        settled = true;
        ws.terminate();
        reject(e);
      };
      ws.on('unexpected-response', (req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body = (body + c).slice(0, MAX_QUOTED)));
        res.on('end', () => fail(refused(at, res.statusCode ?? 0, body)));
        res.on('error', () => fail(refused(at, res.statusCode ?? 0, body)));
        // a server that never ends its refusal still gets the handshake deadline
        setTimeout(() => req.destroy(), opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS).unref();
      });
      ws.on('error', (err) => fail(unreachable(at, unreachableDetail(err))));
      ws.on('open', () => {
        if (settled || closed) return fail(unreachable(at, 'the remote camera was closed'));
        settled = true;
        socket = ws;
        const stop = keepalive(ws);
        ws.on('message', (data, isBinary) => {
          if (socket === ws)
            listeners.message(decodeWsMessage(isBinary ? rawBytes(data) : rawText(data), true));
        });
        ws.on('close', (_code, reason) => {
          stop();
          if (socket !== ws) return;
          socket = null;
          const why = reason.length ? ` (${reason.toString('utf8').slice(0, MAX_QUOTED)})` : '';
          listeners.close(`the connection to the camdeck at ${at} was lost${why}`);
        });
        resolve();
      });
      // the remote's close handshake must not keep a dead socket: 'close' ends it either way
      ws.on('close', () => fail(unreachable(at, 'the connection closed during the handshake')));
    });
  }

  return {
    open() {
      if (closed) return Promise.reject(unreachable(at, 'the remote camera was closed'));
      if (socket) return Promise.resolve();
      return (opening ??= attempt().finally(() => (opening = null)));
    },
    unavailable: () =>
      closed
        ? 'the remote camera was closed'
        : socket?.readyState === WebSocket.OPEN
          ? null
          : `the camdeck at ${at} is not connected`,
    send(msg) {
      if (socket?.readyState !== WebSocket.OPEN) throw new Error(`the camdeck at ${at} is not connected`);
      socket.send(encodeText(msg));
    },
    onMessage: listeners.onMessage,
    onClose: listeners.onClose,
    close() {
      if (closed) return;
      closed = true;
      const s = socket;
      socket = null;
      if (s) {
        listeners.close('the remote camera was closed');
        s.close(1000, 'camera closed here');
        // a peer that does not answer the close handshake is cut off after a while
        setTimeout(() => s.terminate(), 2000).unref();
      }
    },
  };
}
