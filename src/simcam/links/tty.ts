// Serve the camera on a tty path (one end of a pty pair, a serial adapter). The port is put in raw mode
// so no byte is translated or echoed.
import { constants, openSync, readSync } from 'node:fs';
import tty from 'node:tty';
import type { ByteLink } from '../../protocol';
import type { SimCam } from '../types';
import { streamLink } from './stream-link';

export interface TtyServer {
  readonly path: string;
  /** Chunks the device read by polling while awake (0 when it sleeps between packets). */
  readonly polledReads: number;
  close(): void;
}

export interface TtyOptions {
  /**
   * Stay awake this long (ms) after each packet sent, polling the port instead of sleeping, like the
   * camera's MCU, which never sleeps and spins in its WAIT_ACK loop. On a VM whose idle CPUs wake slowly,
   * a sleeping device adds that wake-up to every round trip, which a real camera never does. Off (0) by
   * default: it burns a core while a host talks, and polling blocks this thread, so the host must run in
   * another process (as it does against a real camera).
   */
  awakeMs?: number;
}

export function serveTty(cam: SimCam, path: string, opts: TtyOptions = {}): TtyServer {
  const awakeMs = opts.awakeMs ?? 0;
  // Polling needs reads that never block; libuv makes a pty's fd non-blocking anyway, not a real tty's.
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | (awakeMs > 0 ? constants.O_NONBLOCK : 0));
  if (!tty.isatty(fd)) throw new Error(`${path} is not a tty`);
  // One libuv handle for both directions (a tty.ReadStream is a duplex socket): a tty.WriteStream would
  // switch the port to blocking mode, and a read that blocks stalls the whole device.
  const port = new tty.ReadStream(fd);
  port.setRawMode(true);
  const link = streamLink(port, port, () => port.destroy());
  const awake = awakeMs > 0 ? keptAwake(link, fd, awakeMs, () => port.writableLength > 0) : null;
  cam.attach(awake?.link ?? link);
  return {
    path,
    get polledReads() {
      return awake?.polledReads() ?? 0;
    },
    close: () => link.close(),
  };
}

/**
 * The link, polling `fd` for `awakeMs` after each write. Bytes read while polling go to the same data
 * listeners as the event loop's reads (both read the next bytes in turn, on this one thread, so order
 * holds). Each burst of polling ends at the first bytes, so the engine runs (and replies) in between, and
 * gives way to the event loop while a write is still draining.
 */
function keptAwake(
  link: ByteLink,
  fd: number,
  awakeMs: number,
  sending: () => boolean,
): { link: ByteLink; polledReads: () => number } {
  const listeners = new Set<(chunk: Uint8Array) => void>();
  const buf = Buffer.allocUnsafe(1 << 16);
  let until = 0;
  let polling = false;
  let pending: Uint8Array[] = [];
  let polledReads = 0;
  const flush = (): void => {
    const parts = pending;
    pending = [];
    if (link.closed) return;
    link.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    until = performance.now() + awakeMs;
    if (!polling) {
      polling = true;
      setImmediate(poll);
    }
  };
  const poll = (): void => {
    while (!link.closed && performance.now() < until) {
      // A reply larger than the port's buffer goes out as the port drains, on the event loop: let it run.
      if (sending()) {
        setImmediate(poll);
        return;
      }
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') continue;
        break; // the event loop's read sees the same error and closes the link
      }
      if (n <= 0) break;
      polledReads++;
      const chunk = Uint8Array.prototype.slice.call(buf, 0, n);
      for (const l of listeners) l(chunk);
      setImmediate(poll); // let the engine's microtasks run (and reply) first
      return;
    }
    polling = false;
  };
  const awake: ByteLink = {
    get closed() {
      return link.closed;
    },
    write(bytes) {
      if (link.closed) throw new Error('link is closed');
      // A turn's writes (a packet's header, payload and CRC; a burst of fragments) leave as one write:
      // three pty writes per packet would wake the host up to three times.
      pending.push(bytes.slice());
      if (pending.length === 1) queueMicrotask(flush);
    },
    onData(l) {
      listeners.add(l);
      const off = link.onData(l);
      return () => {
        listeners.delete(l);
        off();
      };
    },
    onClose: (l) => link.onClose(l),
    close: () => link.close(),
  };
  return { link: awake, polledReads: () => polledReads };
}
