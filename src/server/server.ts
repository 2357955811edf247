// The browser-host carrier: HTTP for the built renderer, a WebSocket at /ws for the contract.
// Every WebSocket needs the token (loopback included: any local process or user could drive the camera
// otherwise), must come from our own origin (a foreign web page in the same browser must not drive the camera),
// and is bounded: connections, request size and what is queued for it (limits.ts).
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { TOKEN_PARAM, WS_PATH, serveContract } from '../rpc';
import { classifyError } from '../service';
import type { CamdeckService } from '../service';
import { AttemptLimiter, isLoopback, loopbackHostHeader, originAllowed, tokenMatches } from './access';
import { resolveLimits, tooLargeReason } from './limits';
import type { ServerLimits } from './limits';
import { SendBudget } from './send-budget';
import { sharedEncoders } from './shared-encoding';
import { serveStatic } from './static-files';
import { wsServicePort } from './ws-port';

export interface ServerOptions {
  service: CamdeckService;
  /** Directory with the built renderer (index.html + assets). */
  staticDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Token required on the WebSocket; a random 128-bit one is generated when none is given. */
  token?: string;
  /** Bounds (tests shrink them); the defaults are DEFAULT_LIMITS. */
  limits?: Partial<ServerLimits>;
  /** Told when a client is closed for leaving too much unread (`why` is a clause: "it left …"). */
  onClientDropped?: (why: string) => void;
}

export interface RunningServer {
  /** Page URL, carrying `?token=`. */
  url: string;
  host: string;
  port: number;
  token: string;
  connections(): number;
  /** Bytes queued for all clients now. */
  queuedBytes(): number;
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Refuse an upgrade with a status and one sentence (with its hint) for whoever reads the body. */
function refuse(socket: Socket, status: number, sentence: string, headers = ''): void {
  const body = `${sentence}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
  );
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** ws closes a connection whose message is over maxPayload with 1009 and no reason: give it one. */
function webSocketWithReason(reason: string): typeof WebSocket {
  return class extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, code === 1009 && data === undefined ? reason : data);
    }
  };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(16).toString('hex');
  const limits = resolveLimits(opts.limits);
  const budget = new SendBudget(limits.queue);
  const attempts = new AttemptLimiter(limits.tokenAttemptsPerSecond);
  const conns = new Set<{ close(): void }>();
  const encoders = sharedEncoders();

  const http = createServer((req, res) => {
    void serveStatic(opts.staticDir, req, res);
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxRequestBytes,
    WebSocket: webSocketWithReason(tooLargeReason(limits.maxRequestBytes)),
  });

  http.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => socket.destroy());
    const reqUrl = new URL(req.url ?? '/', 'http://x');
    if (reqUrl.pathname !== WS_PATH)
      return refuse(
        socket,
        404,
        `There is no WebSocket at ${reqUrl.pathname.slice(0, 200)}; the contract is at ${WS_PATH}.`,
      );
    if (!originAllowed(req))
      return refuse(
        socket,
        403,
        `A page from ${req.headers.origin?.slice(0, 200)} may not drive the camera; open the URL camdeck serve printed.`,
      );
    if (isLoopback(host) && !loopbackHostHeader(req))
      return refuse(
        socket,
        403,
        'This server answers on loopback names only; open the URL camdeck serve printed (it names a loopback address).',
      );
    const address = req.socket.remoteAddress ?? 'unknown';
    if (!attempts.allowed(address))
      return refuse(
        socket,
        429,
        'Too many wrong tokens from this address; wait a second, then open the URL camdeck serve printed.',
        'Retry-After: 1\r\n',
      );
    const given = reqUrl.searchParams.get(TOKEN_PARAM) ?? req.headers['x-camdeck-token'];
    if (!tokenMatches(token, typeof given === 'string' ? given : undefined)) {
      if (given) attempts.failed(address);
      return refuse(
        socket,
        401,
        'This camdeck server needs its access token; open the URL it printed (it ends in ?token=…).',
      );
    }
    if (conns.size >= limits.maxConnections)
      return refuse(
        socket,
        503,
        `The camdeck server already has ${limits.maxConnections} connections; close another tab or window, then reload.`,
      );
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined); // a bad frame or reset: 'close' follows and cleans up
      const port = wsServicePort(ws, {
        encoders,
        budget,
        maxRequestsInFlight: limits.maxRequestsInFlight,
        onDropped: (why) => opts.onClientDropped?.(why),
      });
      const served = serveContract(opts.service, port, {
        describeError: classifyError,
        peer: `a browser page at ${address}`,
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

  await new Promise<void>((resolve, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(opts.port ?? 7410, host, () => {
      http.off('error', rejectListen);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}/?${TOKEN_PARAM}=${token}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    host,
    port,
    token,
    connections: () => conns.size,
    queuedBytes: () => budget.total(),
    close: () =>
      (closing ??= (async () => {
        for (const c of conns) c.close();
        encoders.clear();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })()),
  };
}
