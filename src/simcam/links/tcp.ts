// Serve the camera over TCP: each accepted connection replaces the previous one (one host at a time).
import net from 'node:net';
import type { SimCam } from '../types';
import { streamLink } from './stream-link';

export interface TcpServer {
  readonly host: string;
  readonly port: number;
  /** Drop the current client (the host sees the connection reset); the server keeps listening. */
  disconnect(): void;
  close(): Promise<void>;
}

export function serveTcp(cam: SimCam, host: string, port: number): Promise<TcpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    for (const s of sockets) s.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    cam.attach(streamLink(socket, socket, () => socket.destroy()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        host,
        port: addr.port,
        disconnect: () => {
          for (const s of sockets) s.destroy();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
