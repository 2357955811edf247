// Node carriers: serial (serialport bindings at 921600 with DTR), TCP and UDP, each adapted to a ByteLink.
import { createSocket } from 'node:dgram';
import { write as fsWrite, writeSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { connect as tcpConnect } from 'node:net';
import { SerialPort } from 'serialport';
import { LinkListeners, PROTOCOL_BAUD_RATE } from '../protocol';
import type { ByteLink } from '../protocol';
import { BadTargetError, PortOpenError } from './errors';
import { parseTarget } from './transport';
import type { Transport } from './transport';

export interface OpenOptions {
  /** Give up opening after this long (sockets). Default 3000 ms. */
  timeoutMs?: number;
  /** Serial baud rate; the camera only speaks the protocol at 921600. */
  baudRate?: number;
}

/** Open `target`: a serial path, `udp://host:port` or `tcp://host:port`. */
export async function openTransport(target: string, opts: OpenOptions = {}): Promise<Transport> {
  let t: ReturnType<typeof parseTarget>;
  try {
    t = parseTarget(target);
  } catch (err) {
    // a malformed target is the caller's mistake, not an I/O failure
    throw new BadTargetError(targetProblem(target, err));
  }
  if (t.kind === 'serial') return openSerial(t.path, opts);
  if (t.kind === 'tcp') return openTcp(t.host, t.port, opts);
  return openUdp(t.host, t.port);
}

/** Why `target` cannot be used, as a sentence. */
function targetProblem(target: string, err: unknown): string {
  if (!target.trim()) return 'No camera target was given.';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target);
  if (scheme && !/^(udp|tcp)$/i.test(scheme[1]!))
    return `"${target}" uses the unsupported scheme ${scheme[1]}://.`;
  return `"${target}" is not a camera address (${err instanceof Error ? err.message : String(err)}).`;
}

/** Map a socket's connect error (TCP or UDP) to a typed error: a sentence and what to check. */
export function netOpenError(url: string, err: unknown): PortOpenError {
  const code = (err as { code?: string } | null)?.code ?? '';
  const where = url.replace(/^[a-z]+:\/\//i, '');
  const check = "Check the camera's address and that it is powered on.";
  switch (code) {
    case 'ECONNREFUSED':
      return new PortOpenError(`Nothing is listening at ${where}.`, 'connection-refused', check);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new PortOpenError(
        `The host name in ${url} could not be resolved.`,
        'host-not-found',
        "Check the spelling, or use the camera's IP address.",
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return new PortOpenError(
        `${where} cannot be reached from this machine.`,
        'host-unreachable',
        'Check that the camera is on the same network and powered on, and the address is right.',
      );
    case 'ETIMEDOUT':
      return connectTimeout(url);
    case 'ECONNRESET':
      return new PortOpenError(`${where} closed the connection at once.`, 'connection-refused', check);
    case 'EACCES':
    case 'EPERM':
      return new PortOpenError(
        `This machine does not allow connecting to ${where}.`,
        'port-permission',
        'A firewall or sandbox blocks it; allow the connection or use another address.',
      );
    default: {
      const msg = err instanceof Error ? err.message : String(err);
      return new PortOpenError(`Cannot connect to ${url} (${msg}).`, 'port-open', check);
    }
  }
}

const connectTimeout = (url: string): PortOpenError =>
  new PortOpenError(
    `${url.replace(/^[a-z]+:\/\//i, '')} did not answer the connection in time.`,
    'connect-timeout',
    "Check the camera's address and that it is powered on and on this network.",
  );

// ---- serial ----------------------------------------------------------------------------------------

type SerialBinding = Awaited<ReturnType<typeof SerialPort.binding.open>>;

/** Map the bindings' open errors to a code and a hint an operator can act on. */
export function serialOpenError(path: string, err: unknown): PortOpenError {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code === 'EACCES' || /permission denied|EACCES|access denied/i.test(msg)) {
    return new PortOpenError(
      `Permission denied opening ${path}.`,
      'port-permission',
      'Add your user to the "dialout" group (sudo usermod -aG dialout $USER, then log in again) or install the OpenMV udev rules.',
    );
  }
  if (code === 'ENOENT' || /no such file|ENOENT|cannot find|file not found/i.test(msg)) {
    return new PortOpenError(
      `There is no port ${path}.`,
      'port-not-found',
      'Check the cable and run `camdeck ports` to see what is attached.',
    );
  }
  if (code === 'EBUSY' || /busy|EBUSY|cannot lock|temporarily unavailable|access is denied/i.test(msg)) {
    return new PortOpenError(
      `${path} is in use by another program.`,
      'port-busy',
      'Close OpenMV IDE or other serial monitors; on Linux stop ModemManager from grabbing the port.',
    );
  }
  return new PortOpenError(
    `Cannot open ${path} (${msg}).`,
    'port-open',
    'Check the cable, then run `camdeck ports` to see what is attached.',
  );
}

/**
 * A serial port as a ByteLink. On a tty (Linux, macOS) the port's fd is driven by a libuv tty stream
 * (tty.ReadStream, which is a duplex socket): reads of up to 64 KB and non-blocking writes on the event
 * loop, no thread-pool hop per packet. Elsewhere the serialport bindings' read/write are used. Writes made
 * in one turn go out as one write.
 */
class SerialLink extends LinkListeners implements ByteLink {
  private queue: Uint8Array[] = [];
  private writing = false;
  private readBuf = Buffer.allocUnsafe(1 << 16);
  private stream: ReadStream | null = null;
  private readonly fd: number | null;

  constructor(
    private port: SerialBinding,
    private readonly path: string,
  ) {
    super();
    const fd = (port as { fd?: number | null }).fd;
    this.fd = typeof fd === 'number' && fd >= 0 && isatty(fd) ? fd : null;
    if (this.fd !== null) this.startStream(this.fd);
    else void this.readLoop();
  }

  write(data: Uint8Array): void {
    if (this.closed) throw new Error('link is closed');
    this.queue.push(data);
    if (!this.writing) {
      // Writes made in the same turn (a device's header, payload and CRC) leave as one write.
      this.writing = true;
      queueMicrotask(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length && !this.closed) {
        const parts = this.queue;
        this.queue = [];
        const buf = parts.length === 1 ? toBuffer(parts[0]!) : Buffer.concat(parts);
        // libuv writes at once and, when the tty buffer is full, waits for POLLOUT: no spinning.
        if (this.stream) this.stream.write(buf);
        else if (this.fd !== null) await writeAll(this.fd, buf, () => this.closed);
        else await this.port.write(buf);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.writing = false;
    }
  }

  private startStream(fd: number): void {
    const rs = new ReadStream(fd);
    this.stream = rs;
    rs.on('data', (b: Buffer) => {
      if (!this.closed) this.emitData(b);
    });
    rs.on('error', (err) => this.fail(err));
    rs.on('end', () => this.fail(new Error('port closed (end of stream)')));
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const { bytesRead } = await this.port.read(this.readBuf, 0, this.readBuf.length);
        if (this.closed) return;
        // Listeners may keep the chunk: hand out a copy, keep reusing our read buffer.
        if (bytesRead > 0) this.emitData(Uint8Array.prototype.slice.call(this.readBuf, 0, bytesRead));
      } catch (err) {
        this.fail(err);
        return;
      }
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    // what the user sees as the cause of a lost camera: the port, not the bindings' wording
    this.end(new Error(`The port ${this.path} went away (unplugged or reset).`, { cause: err }));
    this.release();
  }

  private release(): void {
    const rs = this.stream;
    this.stream = null;
    if (rs) {
      rs.removeAllListeners('data');
      rs.on('error', () => undefined);
      rs.destroy();
    }
    this.port.close().catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.end();
    this.release();
  }
}

/**
 * Write all of `buf`. The fd is non-blocking, so a synchronous write never blocks: it saves a thread-pool
 * hop per packet (the round trip is the frame rate on small-payload boards). A full tty buffer (EAGAIN)
 * falls back to async writes retried shortly, not spun on.
 */
async function writeAll(fd: number, buf: Buffer, cancelled: () => boolean): Promise<void> {
  let off = 0;
  let waits = 0;
  try {
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
  }
  while (off < buf.length) {
    if (cancelled()) return;
    try {
      off += await new Promise<number>((resolve, reject) =>
        fsWrite(fd, buf, off, buf.length - off, null, (err, n) => (err ? reject(err) : resolve(n))),
      );
      waits = 0;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      // A pty/CDC buffer drains within microseconds while the peer reads: retry on the next loop turn
      // first (a 1 ms timer per 4 KB fragment would cap throughput), then back off to 1 ms sleeps, and
      // give up after ~2 s (the firmware's own USB writes time out at 1.5 s).
      waits++;
      if (waits > 2200) throw new Error('write stalled: the device is not reading', { cause: err });
      if (waits <= 200) await new Promise((r) => setImmediate(r));
      else await new Promise((r) => setTimeout(r, 1));
    }
  }
}

const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

async function openSerial(path: string, opts: OpenOptions): Promise<Transport> {
  let port: SerialBinding;
  try {
    port = await SerialPort.binding.open({
      path,
      baudRate: opts.baudRate ?? PROTOCOL_BAUD_RATE,
      lock: true,
      hupcl: true,
    });
  } catch (err) {
    throw serialOpenError(path, err);
  }
  try {
    // The camera switches from the REPL to the protocol only at 921600 with DTR asserted.
    await port.set({ dtr: true, rts: true, brk: false, cts: false, dsr: false, lowLatency: false });
    await port.flush();
  } catch (err) {
    // ptys reject modem-line ioctls; a real CDC port accepts them. Only fail if the port is gone.
    if (!port.isOpen) throw serialOpenError(path, err);
  }
  return { link: new SerialLink(port, path), describe: path, kind: 'serial', packetized: false };
}

// ---- TCP -------------------------------------------------------------------------------------------

async function openTcp(host: string, port: number, opts: OpenOptions): Promise<Transport> {
  const url = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const sock = tcpConnect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.destroy();
      reject(connectTimeout(url));
    }, opts.timeoutMs ?? 3000);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(netOpenError(url, err));
    });
  });
  class TcpLink extends LinkListeners implements ByteLink {
    constructor() {
      super();
      sock.on('data', (b: Buffer) => this.emitData(b));
      // say who closed it: "link closed" alone reads like our own doing
      sock.on('error', () => this.end(new Error(`The connection to ${url} was lost.`)));
      sock.on('close', () => this.end(new Error(`${url} closed the connection.`)));
    }
    write(data: Uint8Array): void {
      if (this.closed) throw new Error('link is closed');
      sock.write(data);
    }
    close(): void {
      this.end();
      sock.destroy();
    }
  }
  return { link: new TcpLink(), describe: url, kind: 'tcp', packetized: false };
}

// ---- UDP -------------------------------------------------------------------------------------------

async function openUdp(host: string, port: number): Promise<Transport> {
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (err) => {
      sock.close();
      reject(netOpenError(`udp://${host}:${port}`, err));
    });
    sock.connect(port, host, () => resolve());
  });
  class UdpLink extends LinkListeners implements ByteLink {
    constructor() {
      super();
      sock.on('message', (b: Buffer) => this.emitData(b));
      sock.on('error', (err) => {
        // ICMP port-unreachable on a connected socket: the camera is not listening (yet); keep the socket.
        if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return;
        this.end(err);
        sock.close();
      });
    }
    write(data: Uint8Array): void {
      if (this.closed) throw new Error('link is closed');
      sock.send(data);
    }
    close(): void {
      if (this.closed) return;
      this.end();
      sock.close();
    }
  }
  return { link: new UdpLink(), describe: `udp://${host}:${port}`, kind: 'udp', packetized: true };
}
