// The browser-host carrier: HTTP for the built renderer, a WebSocket at /ws for the contract.
// Loopback by default; binding elsewhere requires a random token. WebSocket upgrades must come from our own
// origin (a foreign web page in the same browser must not drive the camera).
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { TOKEN_PARAM, WS_PATH, encodeFrameMessage, serveContract } from '../rpc';
import type { FrameMessage } from '../rpc';
import { classifyError } from '../service';
import type { CamdeckService } from '../service';
import { serveStatic } from './static-files';
import { wsServicePort } from './ws-port';

export interface ServerOptions {
  service: CamdeckService;
  /** Directory with the built renderer (index.html + assets). */
  staticDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Token required on the WebSocket; generated when binding beyond loopback and none is given. */
  token?: string;
}

export interface RunningServer {
  /** Page URL, with `?token=` when a token is required. */
  url: string;
  host: string;
  port: number;
  token: string | null;
  connections(): number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Same-origin check for WebSocket upgrades; non-browser clients send no Origin and are allowed. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * DNS-rebinding guard for the token-less (loopback) mode: a page on a hostile name that resolves to 127.0.0.1
 * would pass the same-origin check, so the Host header itself must name the loopback interface.
 */
export function loopbackHostHeader(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return false;
  try {
    return isLoopback(new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

function reject(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? (isLoopback(host) ? null : randomBytes(16).toString('hex'));
  const conns = new Set<{ close(): void }>();

  const http = createServer((req, res) => {
    void serveStatic(opts.staticDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });

  http.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== WS_PATH) return reject(socket, 404, 'Not Found');
    if (!originAllowed(req)) return reject(socket, 403, 'Forbidden');
    if (!token && !loopbackHostHeader(req)) return reject(socket, 403, 'Forbidden');
    const given = url.searchParams.get(TOKEN_PARAM) ?? (req.headers['x-camdeck-token'] as string | undefined);
    if (token && !tokenMatches(token, given)) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const served = serveContract(opts.service, wsServicePort(ws, encodeOnce), {
        describeError: classifyError,
      });
      const conn = {
        close: () => {
          served.close();
          ws.close();
        },
      };
      conns.add(conn);
      ws.on('close', () => conns.delete(conn));
    });
  });

  // Encode each frame once for every connection (they all get the same newest frame); each then paces it.
  let last: { frame: FrameMessage; bytes: Uint8Array } | null = null;
  const encodeOnce = (frame: FrameMessage): Uint8Array => {
    if (last?.frame.image !== frame.image || last.frame.meta !== frame.meta)
      last = { frame, bytes: encodeFrameMessage(frame.meta, frame.image) };
    return last.bytes;
  };

  await new Promise<void>((resolve, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(opts.port ?? 7410, host, () => {
      http.off('error', rejectListen);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}/${token ? `?${TOKEN_PARAM}=${token}` : ''}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    host,
    port,
    token,
    connections: () => conns.size,
    close: () =>
      (closing ??= (async () => {
        for (const c of conns) c.close();
        last = null;
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })()),
  };
}
