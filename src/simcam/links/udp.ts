// Serve the camera over UDP like the firmware's network transport: one protocol packet per datagram in
// both directions, the client learnt from the first datagram (the host speaks first), defaults of the
// network_transport.py example (ACKs off, max_payload 1400 or the board's limit if lower).
import dgram from 'node:dgram';
import { HEADER_SIZE, LinkListeners, packetSize, type ByteLink } from '../../protocol';
import type { SimCam } from '../types';

export interface UdpServer {
  readonly host: string;
  readonly port: number;
  /** Stop answering for `ms` (Infinity = until replug), as if the camera dropped off the network. */
  unplug(ms?: number): void;
  replug(): void;
  close(): Promise<void>;
}

export function serveUdp(cam: SimCam, host: string, port: number): Promise<UdpServer> {
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let peer: { address: string; port: number } | null = null;
  const events = new LinkListeners();
  // The engine writes header, payload and CRC separately; gather them into one datagram per packet.
  let pending = new Uint8Array(0);
  const link: ByteLink = {
    get closed() {
      return events.closed;
    },
    write(bytes) {
      if (events.closed) throw new Error('link is closed');
      const next = new Uint8Array(pending.length + bytes.length);
      next.set(pending);
      next.set(bytes, pending.length);
      pending = next;
      while (pending.length >= HEADER_SIZE) {
        const size = packetSize(pending[6]! | (pending[7]! << 8));
        if (pending.length < size) break;
        const pkt = pending.subarray(0, size);
        if (peer) sock.send(Buffer.from(pkt), peer.port, peer.address);
        pending = pending.slice(size);
      }
    },
    onData: (l) => events.onData(l),
    onClose: (l) => events.onClose(l),
    close() {
      if (events.end()) sock.close();
    },
  };
  sock.on('message', (msg, rinfo) => {
    if (!peer || peer.address !== rinfo.address || peer.port !== rinfo.port)
      peer = { address: rinfo.address, port: rinfo.port };
    events.emitData(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => {
      const maxPayload = Math.min(1400, cam.options.maxPayload);
      const attach = (): void => {
        peer = null;
        cam.attach(link, { name: 'network', ack: false, maxPayload, rtxTimeoutMs: 100 });
      };
      attach();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let plugged = true;
      const replug = (): void => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (!plugged && !events.closed) {
          plugged = true;
          attach();
        }
      };
      resolve({
        host,
        port: sock.address().port,
        unplug: (ms = 1000) => {
          plugged = false;
          cam.detach();
          if (timer) clearTimeout(timer);
          timer = Number.isFinite(ms) ? setTimeout(replug, ms) : null;
        },
        replug,
        close: () =>
          new Promise<void>((done) => {
            if (timer) clearTimeout(timer);
            if (!events.end()) return done();
            sock.close(() => done());
          }),
      });
    });
  });
}
