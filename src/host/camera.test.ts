import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ChannelFlag,
  ChannelId,
  Ioctl,
  Opcode,
  PixFormat,
  Status,
  SysEvent,
  createLinkPair,
  encodeStreamHeader,
  readU32s,
} from '../protocol';
import { Camera, parseStreamFrame } from './camera';
import type { CameraOptions } from './camera';
import { ConfigChannel } from './config';
import { ConfigFormatError, ConfigRejectedError, DeviceResponseError } from './errors';
import { FrameSource } from './frames';
import type { Frame } from './frames';
import { parseStamp } from '../model';
import { parseJpeg } from './jpeg';
import { MiniDevice } from './testing/mini-device';
import { memoryTransport } from './transport';

/** A minimal JPEG: SOI, COM stamp, SOF0 (w×h), padding, EOI. */
export function tinyJpeg(w: number, h: number, stamp: string, pad = 0): Uint8Array {
  const com = new TextEncoder().encode(stamp);
  const parts = [
    [0xff, 0xd8],
    [0xff, 0xfe, (com.length + 2) >> 8, (com.length + 2) & 0xff, ...com],
    [0xff, 0xc0, 0, 11, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0],
    [0xff, 0xda, 0, 2, ...new Array<number>(pad).fill(0x55)],
    [0xff, 0xd9],
  ];
  return Uint8Array.from(parts.flat());
}

function streamChannel(sim: MiniDevice, makeFrame: (n: number) => Uint8Array) {
  let n = 0;
  let ready: Uint8Array | null = null;
  let locked = false;
  const state = { enabled: false, locks: 0, frames: 0 };
  const produce = (): void => {
    const jpeg = makeFrame(++n);
    const hdr = encodeStreamHeader({
      width: 64,
      height: 48,
      pixfmt: PixFormat.JPEG,
      size: jpeg.length,
      offset: 32,
      fps: 30,
    });
    const out = new Uint8Array(32 + jpeg.length);
    out.set(hdr);
    out.set(jpeg, 32);
    ready = out;
    state.frames++;
  };
  const id = sim.addChannel({
    name: 'stream',
    flags: ChannelFlag.READ | ChannelFlag.LOCK | ChannelFlag.STREAM,
    size: () => ready?.length ?? 0,
    read: (o, l) => (ready && o + l <= ready.length ? ready.subarray(o, o + l) : null),
    lock: () => {
      if (!ready || locked) return false;
      locked = true;
      state.locks++;
      return true;
    },
    unlock: () => {
      if (!locked) return false;
      locked = false;
      ready = null;
      queueMicrotask(() => {
        produce();
        sim.event(id, 0xffff);
      });
      return true;
    },
    poll: () => ready !== null,
    ioctl: (req, arg) => {
      if (req === Ioctl.STREAM_CTRL) state.enabled = readU32s(arg)[0] === 1;
      return true;
    },
  });
  produce();
  return state;
}

async function connected(
  dev: ConstructorParameters<typeof MiniDevice>[1] = {},
  cameraOpts: CameraOptions = {},
) {
  const [host, device] = createLinkPair();
  const sim = new MiniDevice(device, dev);
  const stream = streamChannel(sim, (n) => tinyJpeg(640, 480, `camdeck f=${n} t=${1000 + n} q=70`, 2000));
  let config: Record<string, number | boolean | string> = { quality: 70, mirror: false };
  let configMode: 'ok' | 'reject' | 'invalid' = 'ok';
  let writes = 0;
  sim.addChannel({
    name: 'config',
    flags: ChannelFlag.READ | ChannelFlag.WRITE | ChannelFlag.DYNAMIC,
    size: () => enc(config).length,
    read: (o, l) =>
      configMode === 'invalid'
        ? new TextEncoder().encode('{"quality": 7'.padEnd(l, ' '))
        : enc(config).subarray(o, o + l),
    write: (_o, d) => {
      if (configMode === 'reject') return false;
      writes++;
      config = { ...config, ...(JSON.parse(new TextDecoder().decode(d)) as object) };
      return true;
    },
  });
  sim.addChannel({
    name: 'config.schema',
    flags: ChannelFlag.READ | ChannelFlag.DYNAMIC,
    size: () => enc({ properties: { quality: { type: 'integer', minimum: 10, maximum: 100 } } }).length,
    read: (o, l) =>
      enc({ properties: { quality: { type: 'integer', minimum: 10, maximum: 100 } } }).subarray(o, o + l),
  });
  const camera = new Camera(memoryTransport(host), cameraOpts);
  await camera.connect();
  return {
    camera,
    sim,
    stream,
    device,
    setConfigMode: (m: typeof configMode) => (configMode = m),
    writes: () => writes,
  };
}

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

afterEach(() => vi.useRealTimers());

describe('Camera', () => {
  it('connects: channels with decoded flags, version, system info', async () => {
    const { camera } = await connected();
    expect(camera.state.kind).toBe('connected');
    const stream = camera.channel('stream');
    expect(stream.id).toBe(ChannelId.STREAM);
    expect(stream.flagNames).toEqual(['READ', 'LOCK', 'STREAM']);
    expect(camera.channels().map((c) => c.name)).toEqual([
      'memory',
      'stdin',
      'stdout',
      'stream',
      'config',
      'config.schema',
    ]);
    expect((await camera.version()).protocol).toEqual([1, 0, 2]);
    const info = await camera.systemInfo();
    expect([info.usbVid, info.usbPid]).toEqual([0x37c5, 0x124a]);
    expect((await camera.deviceStats()).sentEvents).toBe(7);
    expect(() => camera.channel('nope')).toThrow(/no channel "nope"/);
    camera.disconnect();
  });

  it('reads a stream frame: LOCK → SIZE → READ → UNLOCK, image located by the header offset', async () => {
    const { camera, sim } = await connected();
    const f = await camera.readFrame();
    expect(f).not.toBeNull();
    expect(f!.format).toBe('jpeg');
    expect(parseJpeg(f!.image)).toMatchObject({ width: 640, height: 480 });
    const ops = sim.received.filter((p) => p.channel === 3 && !(p.flags & 1)).map((p) => p.opcode);
    expect(ops.slice(-4)).toEqual([
      Opcode.CHANNEL_LOCK,
      Opcode.CHANNEL_SIZE,
      Opcode.CHANNEL_READ,
      Opcode.CHANNEL_UNLOCK,
    ]);
    camera.disconnect();
  });

  it('paces LOCK retries to the 11 ms lock grid instead of hammering BUSY', async () => {
    /** LOCKs answered BUSY in the dead part of the grid: from 1 to 5 ms after a grant (the pace is 8.5 ms). */
    const deadBusy = async (cameraOpts: CameraOptions): Promise<number> => {
      const { camera, sim } = await connected({}, cameraOpts);
      const t0 = performance.now();
      let frames = 0;
      while (frames < 10) if (await camera.readFrame()) frames++;
      // one grant per 11 ms at best
      expect(performance.now() - t0).toBeGreaterThanOrEqual(9 * 10);
      camera.disconnect();
      return sim.lockLog.filter((l) => !l.granted && l.sinceGrantMs > 1 && l.sinceGrantMs < 5).length;
    };
    // retrying at once after a BUSY (pace 0) keeps asking all through the grid (hundreds of times on a
    // quiet machine, a few when the CPU is taken: the check only needs to see it happen); the paced host
    // sleeps until 8.5 ms after its grant (a timer may fire a little early, never by 3.5 ms)
    expect(await deadBusy({ lockPaceMs: 0 })).toBeGreaterThan(0);
    expect(await deadBusy({})).toBe(0);
  });

  it('refuses a 4 GB channel size with a clear error before asking for data', async () => {
    const { camera, sim } = await connected();
    sim.hooks.set(Opcode.CHANNEL_SIZE, () => ({ data: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }));
    const err = await camera.channelRead('config').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceResponseError);
    expect((err as Error).message).toMatch(/4294967295 bytes, above the/);
    expect(sim.received.some((p) => p.opcode === Opcode.CHANNEL_READ && p.channel === 4)).toBe(false);
    sim.hooks.delete(Opcode.CHANNEL_SIZE);
    expect((await camera.channelRead('config')).length).toBeGreaterThan(0);
    camera.disconnect();
  });

  it('rejects stream headers whose offset or size point outside the frame', () => {
    const hdr = encodeStreamHeader({
      width: 1,
      height: 1,
      pixfmt: PixFormat.JPEG,
      size: 100,
      offset: 32,
      fps: 0,
    });
    const data = new Uint8Array(40);
    data.set(hdr);
    expect(() => parseStreamFrame(data)).toThrow(/claims 100 image bytes/);
    const bad = encodeStreamHeader({
      width: 1,
      height: 1,
      pixfmt: PixFormat.JPEG,
      size: 1,
      offset: 900,
      fps: 0,
    });
    expect(() => parseStreamFrame(bad)).toThrow(/offset 900/);
    // a future firmware with a bigger header still parses via the offset field
    const big = new Uint8Array(48 + 3);
    big.set(
      encodeStreamHeader({ width: 2, height: 2, pixfmt: PixFormat.JPEG, size: 3, offset: 48, fps: 12.5 }),
    );
    big.set([1, 2, 3], 48);
    expect(Array.from(parseStreamFrame(big).image)).toEqual([1, 2, 3]);
  });

  it('resyncs and re-lists after a SOFT_REBOOT event, restoring streaming', async () => {
    const { camera, sim, stream } = await connected();
    await camera.streaming(true);
    expect(stream.enabled).toBe(true);
    stream.enabled = false; // the reboot turned it off
    const states: string[] = [];
    camera.on('state', (s) => states.push(s.kind));
    sim.event(0, SysEvent.SOFT_REBOOT);
    sim.resetProtocol();
    await new Promise((r) => setTimeout(r, 1));
    await camera.version(); // the next command waits for the resync
    expect(states).toContain('resyncing');
    expect(states.at(-1)).toBe('connected');
    expect(stream.enabled).toBe(true);
    expect(camera.hostStats!.resyncs).toBeGreaterThanOrEqual(2);
    camera.disconnect();
  });

  it('exec uploads a script to stdin (RESET, WRITE, EXEC) and stop sends STDIN_STOP', async () => {
    const { camera, sim } = await connected();
    await camera.exec('print("hi")');
    await camera.stop();
    const ioctls = sim.received
      .filter((p) => p.opcode === Opcode.CHANNEL_IOCTL && p.channel === 1)
      .map((p) => readU32s(p.payload.subarray(0, 4))[0]);
    expect(ioctls).toEqual([Ioctl.STDIN_RESET, Ioctl.STDIN_EXEC, Ioctl.STDIN_STOP]);
    const write = sim.received.find((p) => p.opcode === Opcode.CHANNEL_WRITE && p.channel === 1)!;
    expect(new TextDecoder().decode(write.payload.subarray(8))).toBe('print("hi")');
    expect(await camera.readStdout()).toBe('');
    camera.disconnect();
  });
});

describe('ConfigChannel', () => {
  it('reads values and the schema sibling; a write resolves with the readback', async () => {
    const { camera, writes } = await connected();
    const cfg = new ConfigChannel(camera);
    expect(await cfg.read()).toEqual({ quality: 70, mirror: false });
    expect(await cfg.schema()).toEqual({
      properties: { quality: { type: 'integer', minimum: 10, maximum: 100 } },
    });
    expect(await cfg.write({ quality: 55 })).toEqual({ quality: 55, mirror: false });
    expect(writes()).toBe(1);
    camera.disconnect();
  });

  it('NAK → ConfigRejectedError and nothing applied; invalid JSON readback → ConfigFormatError', async () => {
    const { camera, setConfigMode, writes } = await connected();
    const cfg = new ConfigChannel(camera);
    setConfigMode('reject');
    const err = await cfg.write({ quality: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigRejectedError);
    expect((err as ConfigRejectedError).statusName).toBe('FAILED');
    setConfigMode('ok');
    expect((await cfg.read()).quality).toBe(70);
    setConfigMode('invalid');
    expect(await cfg.read().catch((e: unknown) => e)).toBeInstanceOf(ConfigFormatError);
    expect(writes()).toBe(0);
    await expect(cfg.write({ q: Number.NaN })).rejects.toThrow(/finite number/);
    camera.disconnect();
  });

  it('a write whose reply never comes is decided by a read-back: re-sent once only when it did not land', async () => {
    const { camera, sim, writes } = await connected();
    const cfg = new ConfigChannel(camera);
    camera.client['opts'].timeoutMs = 50;
    // the reply is lost and the write did not land: read back, send it once more
    let swallow = 1;
    sim.hooks.set(Opcode.CHANNEL_WRITE, () => (swallow-- > 0 ? { none: true } : undefined));
    expect((await cfg.write({ quality: 33 })).quality).toBe(33);
    expect(sim.received.filter((p) => p.opcode === Opcode.CHANNEL_WRITE)).toHaveLength(2);
    expect(writes()).toBe(1);
    // the write lands but its reply is lost: the read-back shows it, nothing is sent again
    const n = sim.received.length;
    const apply = sim.hooks;
    apply.set(Opcode.CHANNEL_WRITE, (p) => {
      apply.delete(Opcode.CHANNEL_WRITE);
      sim.channels.get(p.channel)!.write!(0, p.payload.subarray(8));
      return { none: true };
    });
    expect((await cfg.write({ quality: 44 })).quality).toBe(44);
    expect(sim.received.slice(n).filter((p) => p.opcode === Opcode.CHANNEL_WRITE)).toHaveLength(1);
    expect(writes()).toBe(2);
    camera.disconnect();
  });

  it('NAK BUSY is also a rejection, with the status', async () => {
    const { camera, sim } = await connected();
    sim.hooks.set(Opcode.CHANNEL_WRITE, () => ({ status: Status.BUSY }));
    const err = await new ConfigChannel(camera).write({ quality: 1 }).catch((e: unknown) => e);
    expect((err as ConfigRejectedError).statusName).toBe('BUSY');
    camera.disconnect();
  });
});

describe('FrameSource', () => {
  it('pulls the stream channel on its event and fills meta from the header and the COM stamp', async () => {
    const { camera } = await connected();
    const src = new FrameSource(camera, { channel: 'stream' });
    const frames: Frame[] = [];
    src.on('frame', (f) => frames.push(f));
    src.start();
    await vi.waitFor(() => expect(frames.length).toBeGreaterThanOrEqual(3), { timeout: 2000 });
    src.stop();
    const m = frames[0]!.meta;
    expect(m).toMatchObject({
      channel: 'stream',
      width: 64,
      height: 48,
      format: 'jpeg',
      cameraFps: 30,
      quality: 70,
    });
    expect(m.cameraFrame).toBe(1);
    expect(m.captureTime).toBe(1001);
    expect(frames[1]!.meta.cameraFrame).toBe(2);
    camera.disconnect();
  });

  it('delivers only the newest frame: events during a read collapse into one more read', async () => {
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    let n = 0;
    const id = sim.addChannel({
      name: 'frame',
      flags: ChannelFlag.READ | ChannelFlag.DYNAMIC,
      size: () => tinyJpeg(320, 240, `camdeck f=${n} t=0 q=50`).length,
      read: (o, l) => tinyJpeg(320, 240, `camdeck f=${n} t=0 q=50`).subarray(o, o + l),
    });
    const camera = new Camera(memoryTransport(host));
    await camera.connect();
    const src = new FrameSource(camera);
    expect(src.channelName).toBe('frame');
    const frames: Frame[] = [];
    src.on('frame', (f) => frames.push(f));
    src.start();
    await vi.waitFor(() => expect(frames.length).toBe(1));
    // ten new frames announced in one burst
    for (let i = 0; i < 10; i++) {
      n++;
      sim.event(id, 0xffff);
    }
    await new Promise((r) => setTimeout(r, 30));
    src.stop();
    expect(frames.length).toBeLessThanOrEqual(3);
    expect(frames.at(-1)!.meta.cameraFrame).toBe(10);
    expect(frames.at(-1)!.meta).toMatchObject({ width: 320, height: 240, format: 'jpeg' });
    camera.disconnect();
  });
});

describe('jpeg', () => {
  it('reads SOF dimensions and the camdeck stamp; rejects non-JPEG', () => {
    const j = tinyJpeg(1280, 720, 'camdeck f=42 t=1700000000123 q=85');
    const info = parseJpeg(j)!;
    expect(info).toMatchObject({ width: 1280, height: 720 });
    expect(parseStamp(info.comment)).toEqual({ cameraFrame: 42, captureTime: 1700000000123, quality: 85 });
    expect(parseJpeg(Uint8Array.of(1, 2, 3, 4))).toBeNull();
    expect(parseJpeg(j.subarray(0, 10))).toBeNull();
    expect(parseStamp('something else f=1')).toEqual({});
  });
});

describe('hostile device', () => {
  it('garbage and an endless event stream instead of answers: connect fails with a clear error, in bounded time', async () => {
    const [host, device] = createLinkPair();
    const junk = Uint8Array.from({ length: 300 }, (_, i) => (i * 73) & 0xff);
    const flood = setInterval(() => {
      if (device.closed) return;
      device.write(junk);
      // a valid-looking event (AA D5, EVENT flag) with garbage CRC, and a SYNC-lookalike
      device.write(Uint8Array.of(0xaa, 0xd5, 0, 3, 0x20, 0x29, 0, 0, 0, 0, 0xaa, 0xd5, 0, 0, 1, 0));
    }, 5);
    const camera = new Camera(memoryTransport(host), { timeoutMs: 100, sleep: async () => undefined });
    const t0 = performance.now();
    const err = await camera.connect().catch((e: unknown) => e);
    clearInterval(flood);
    expect((err as { code?: string }).code).toBe('no-answer');
    expect((err as Error).message).toMatch(/not answering SYNC after 3 attempts/);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(camera.state.kind).toBe('disconnected');
    camera.disconnect();
  });
});
