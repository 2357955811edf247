// The host over real carriers: a socat pty pair with real serialport on both ends, and UDP datagrams.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HEADER_SIZE, packetSize } from '../protocol';
import type { ByteLink } from '../protocol';
import { createSimCam } from '../simcam';
import type { SimCam } from '../simcam';
import { Camera } from './camera';
import { ConfigChannel } from './config';
import { PortOpenError } from './errors';
import { FrameSource } from './frames';
import type { Frame } from './frames';
import { openTransport } from './open-transport';
import { CameraSession } from './session';
import type { ConnectionState } from '../model';

const dir = mkdtempSync(join(tmpdir(), 'camdeck-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A socat pty pair: the host opens `host`, the simulated camera sits on `dev`. */
async function socatPair(name: string): Promise<{ host: string; dev: string; kill(): Promise<void> }> {
  const host = join(dir, `${name}-host`);
  const dev = join(dir, `${name}-dev`);
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${dev}`], {
    stdio: 'ignore',
    detached: true,
  });
  const end = Date.now() + 15_000;
  while (!(existsSync(host) && existsSync(dev))) {
    if (Date.now() > end) throw new Error('socat pty pair did not appear');
    await sleep(10);
  }
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  cleanups.push(kill);
  return { host, dev, kill };
}

/** Serve the sim cam on the device end of a pty (its own serialport link). */
async function serveOnPty(cam: SimCam, dev: string): Promise<ByteLink> {
  const t = await openTransport(dev);
  cam.attach(t.link);
  return t.link;
}

function newCam(): SimCam {
  const cam = createSimCam({ fps: 60, width: 320, height: 240 });
  cleanups.push(() => cam.close());
  return cam;
}

describe('serial over a socat pty (real serialport)', () => {
  it('connects, reads stream frames, writes config', async () => {
    const cam = newCam();
    const pty = await socatPair('a');
    await serveOnPty(cam, pty.dev);
    const t = await openTransport(pty.host);
    expect(t).toMatchObject({ kind: 'serial', packetized: false });
    const camera = new Camera(t);
    cleanups.push(() => camera.disconnect());
    await camera.connect();
    expect(camera.caps.maxPayload).toBe(4082);
    await camera.streaming(true);
    let frames = 0;
    const t0 = performance.now();
    while (frames < 10 && performance.now() - t0 < 5000) if (await camera.readFrame()) frames++;
    expect(frames).toBe(10);
    const cfg = new ConfigChannel(camera);
    expect((await cfg.write({ quality: 42 })).quality).toBe(42);
    expect(camera.hostStats!.foldedAcks).toBeGreaterThan(0);
  }, 20_000);

  it('unplug and replug: the session reconnects by itself and frames resume', async () => {
    const cam = newCam();
    let pty = await socatPair('b');
    await serveOnPty(cam, pty.dev);
    const session = new CameraSession({ backoffMs: [100, 200, 300], timeoutMs: 500 });
    cleanups.push(() => session.disconnect());
    const states: ConnectionState[] = [];
    session.on('state', (s) => states.push(s));
    await session.connect(pty.host);
    await session.camera.streaming(true);
    const src = new FrameSource(session.camera, { channel: 'stream' });
    const frames: Frame[] = [];
    src.on('frame', (f) => frames.push(f));
    src.start();
    cleanups.push(() => src.stop());
    for (let i = 0; i < 100 && frames.length < 4; i++) await sleep(20);
    expect(frames.length).toBeGreaterThan(3);

    await pty.kill(); // cable pulled: the port vanishes
    await sleep(400);
    expect(states.some((s) => s.kind === 'reconnecting')).toBe(true);
    const n = frames.length;
    pty = await socatPair('b'); // plugged back in at the same path
    await serveOnPty(cam, pty.dev);
    const end = Date.now() + 6000;
    while (frames.length < n + 5 && Date.now() < end) await sleep(50);
    expect(session.state.kind).toBe('connected');
    expect(frames.length).toBeGreaterThanOrEqual(n + 5);
  }, 20_000);

  it('a missing port gives a clear error with a hint', async () => {
    const err = await openTransport(join(dir, 'nothing-here')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortOpenError);
    expect((err as PortOpenError).code).toBe('port-not-found');
    expect((err as PortOpenError).hint).toMatch(/camdeck ports/);
  });
});

/** The sim cam behind a UDP socket, one packet per datagram like the firmware's network transport. */
async function serveUdp(cam: SimCam): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let peer: { address: string; port: number } | null = null;
  const data = new Set<(c: Uint8Array) => void>();
  let pending = new Uint8Array(0);
  const link: ByteLink = {
    closed: false,
    write(bytes) {
      const next = new Uint8Array(pending.length + bytes.length);
      next.set(pending);
      next.set(bytes, pending.length);
      pending = next;
      while (pending.length >= HEADER_SIZE) {
        const size = packetSize(pending[6]! | (pending[7]! << 8));
        if (pending.length < size) break;
        if (peer) sock.send(pending.slice(0, size), peer.port, peer.address);
        pending = pending.slice(size);
      }
    },
    onData: (l) => (data.add(l), () => data.delete(l)),
    onClose: () => () => undefined,
    close: () => undefined,
  };
  sock.on('message', (m, rinfo) => {
    peer = { address: rinfo.address, port: rinfo.port };
    for (const l of data) l(new Uint8Array(m));
  });
  cam.attach(link, { ack: false, maxPayload: 1400 });
  cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
  return (sock.address() as { port: number }).port;
}

/**
 * The simulated camera on a tty in its own process (a kept-awake device polls its port, blocking its own
 * thread, so it needs a host in another process, like a real camera); prints `ready`, then on any stdin
 * line how many chunks it read by polling.
 */
const TTY_DEVICE = `
import { createSimCam } from ${JSON.stringify(fileURLToPath(new URL('../simcam/index.ts', import.meta.url)))};
import { serveTty } from ${JSON.stringify(fileURLToPath(new URL('../simcam/links/index.ts', import.meta.url)))};
const [dev, awake] = process.argv.slice(1);
const cam = createSimCam({ demo: false, maxBuffer: 512 });
const data = Uint8Array.from({ length: 31000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
cam.register({ name: 'bulk', backend: { size: () => data.length, readp: (o, n) => data.subarray(o, o + n) } });
const server = serveTty(cam, dev, { awakeMs: Number(awake) });
process.stdin.on('data', () => process.stdout.write(server.polledReads + '\\n'));
process.stdout.write('ready\\n');
`;

describe('serial against a device kept awake (simcam tty link, own process)', () => {
  it.each([0, 2])(
    'awakeMs %i: 31 KB reads in 498-byte ACKed fragments arrive whole and in order',
    async (awakeMs) => {
      const pty = await socatPair(`awake${awakeMs}`);
      const device = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', TTY_DEVICE, pty.dev, String(awakeMs)],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      cleanups.push(() => void device.kill());
      const lines: string[] = [];
      device.stdout!.on('data', (b: Buffer) => lines.push(...b.toString().trim().split('\n')));
      // starting a tsx process takes seconds on a loaded machine: wait for it generously
      await vi.waitFor(() => expect(lines).toContain('ready'), { timeout: 45_000, interval: 100 });
      const camera = new Camera(await openTransport(pty.host));
      cleanups.push(() => camera.disconnect());
      await camera.connect();
      expect(camera.caps).toMatchObject({ ack: true, maxPayload: 498 });
      const data = Uint8Array.from({ length: 31_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      for (let i = 0; i < 3; i++) expect(await camera.channelRead('bulk')).toEqual(data);
      device.stdin!.write('stats\n');
      await vi.waitFor(() => expect(lines.length).toBe(2), { timeout: 15_000 });
      // awake, the device reads the host's ACKs by polling its port; asleep, only through its event loop
      const polled = Number(lines[1]);
      if (awakeMs) expect(polled).toBeGreaterThan(50);
      else expect(polled).toBe(0);
    },
    90_000,
  );
});

describe('UDP', () => {
  it('connects with one packet per datagram, ACKs off, max_payload 1400; reads frames and config', async () => {
    const cam = newCam();
    const port = await serveUdp(cam);
    const t = await openTransport(`udp://127.0.0.1:${port}`);
    expect(t).toMatchObject({ kind: 'udp', packetized: true });
    const camera = new Camera(t);
    cleanups.push(() => camera.disconnect());
    await camera.connect();
    expect(camera.caps).toMatchObject({ ack: false, maxPayload: 1400 });
    await camera.streaming(true);
    let frames = 0;
    const t0 = performance.now();
    while (frames < 5 && performance.now() - t0 < 5000) if (await camera.readFrame()) frames++;
    expect(frames).toBe(5);
    expect((await new ConfigChannel(camera).read()).quality).toBeTypeOf('number');
  }, 20_000);
});
