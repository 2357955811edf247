// WebSocket clients at the TCP level, for tests of the server's refusals and of clients that stop reading.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export function upgradeRequest(port: number, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** The server's whole answer to one upgrade request (a refusal ends the connection). */
export function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(upgradeRequest(port, path)));
    let text = '';
    sock.on('data', (b) => (text += b.toString()));
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
}

/**
 * Upgrade, then never read again (the socket paused). Resolves with the status the server answered (101, or a
 * refusal; 0 when the connection failed) and the socket, to destroy when done.
 */
export function stalledClient(port: number, path: string): Promise<{ status: number; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(upgradeRequest(port, path)));
    socket.on('error', () => resolve({ status: 0, socket }));
    socket.once('data', (b) => {
      socket.pause();
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(b.toString())?.[1] ?? 0), socket });
    });
  });
}
