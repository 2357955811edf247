// The demo script's channels: temp, config (+ schema), frame (stamped JPEG), and the simple scenario.
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  Ioctl,
  Opcode,
  Status,
  createLinkPair,
  decodeChannelList,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU16,
  readU32s,
} from '../../protocol';
import { createSimCam, readStamp, type SimCam, type SimCamOptions } from '..';
import { RawHost } from '../testkit';
import { stampText } from '../../model';
import { insertStamp } from './stamp';
import { ConfigBackend, demoSchema, jsonErrorPosition, validatePatch } from './config';
import { Scene } from './scene';
import { packFloat32 } from './backends';
import { encodeJpeg } from './capture';

let cam: SimCam | null = null;
afterEach(() => {
  cam?.close();
  cam = null;
});

async function connected(opts: SimCamOptions = {}) {
  cam = createSimCam({ width: 64, height: 48, fps: 20, ...opts });
  const [h, d] = createLinkPair();
  cam.attach(d);
  const host = new RawHost(h);
  await host.sync();
  const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
  const id = (name: string): number => list.find((c) => c.name === name)!.id;
  return { cam, host, id };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function readChannel(host: RawHost, ch: number): Promise<Uint8Array> {
  const n = readU32s((await host.request(Opcode.CHANNEL_SIZE, ch)).body)[0]!;
  return (await host.request(Opcode.CHANNEL_READ, ch, encodeReadRequest(0, n))).body;
}
const readJson = async (host: RawHost, ch: number): Promise<unknown> =>
  JSON.parse(new TextDecoder().decode(await readChannel(host, ch)));
const write = (host: RawHost, ch: number, s: string) =>
  host.request(Opcode.CHANNEL_WRITE, ch, encodeWriteRequest(0, text(s)));

async function waitFor<T>(
  f: () => Promise<T | null | undefined> | T | null | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('demo channels', () => {
  it('lists temp (R), config (RW), config.schema (R), frame (R) after the built-ins', async () => {
    const { host } = await connected();
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    expect(list.slice(4)).toEqual([
      { id: 4, flags: 0x21, name: 'temp' },
      { id: 5, flags: 0x23, name: 'config' },
      { id: 6, flags: 0x21, name: 'config.schema' },
      { id: 7, flags: 0x21, name: 'frame' },
    ]);
  });

  it("temp: struct.pack('<f') bytes, SIZE = 4 with a fresh sample, READ slices them, poll after 1 s", async () => {
    const { host, id } = await connected();
    const ch = id('temp');
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, ch)).body)[0]).toBe(4);
    const all = (await host.request(Opcode.CHANNEL_READ, ch, encodeReadRequest(0, 4))).body;
    expect(all.length).toBe(4);
    const c = new DataView(all.buffer, all.byteOffset, 4).getFloat32(0, true);
    expect(c).toBeGreaterThan(30);
    expect(c).toBeLessThan(40);
    // The same sample until the next SIZE: a READ at an offset returns that slice of it.
    const tail = (await host.request(Opcode.CHANNEL_READ, ch, encodeReadRequest(2, 2))).body;
    expect([...tail]).toEqual([...all.subarray(2)]);
    const poll = readU32s((await host.request(Opcode.CHANNEL_POLL)).body)[0]!;
    expect(poll & (1 << ch)).toBe(0); // just sampled
  });

  it('packFloat32 matches Python struct.pack("<f", v)', () => {
    expect(Buffer.from(packFloat32(37.7)).toString('hex')).toBe('cdcc1642');
    expect(Buffer.from(packFloat32(-12.5)).toString('hex')).toBe('000048c1');
  });

  it('config: quality 85 by default; a write is a partial update; read returns the current JSON', async () => {
    const { host, id } = await connected();
    const ch = id('config');
    expect(await readJson(host, ch)).toEqual({
      quality: 85,
      brightness: 0,
      contrast: 0,
      hmirror: false,
      vflip: false,
      framesize: '64x48',
      fps: 20,
    });
    expect((await write(host, ch, '{"quality": 50}')).ack).toBe(true);
    expect((await write(host, ch, '{"vflip": true, "brightness": -2}')).ack).toBe(true);
    expect(await readJson(host, ch)).toMatchObject({ quality: 50, vflip: true, brightness: -2, contrast: 0 });
  });

  it('config: a refused write NAKs FAILED, changes nothing and prints the reason on stdout at once', async () => {
    const { host, id } = await connected();
    const ch = id('config');
    await write(host, ch, '{"quality": 60}');
    const before = await readJson(host, ch);
    await readChannel(host, 2); // drain stdout
    const cases: [string, string][] = [
      ['{"quality": 60', 'invalid JSON at position 14'],
      ['nope', 'invalid JSON at position 1'],
      ['{"quality": 6O}', 'invalid JSON at position 13'],
      ['[1, 2]', 'not a JSON object (got an array)'],
      ['{"quality": 0}', '"quality" must be an integer 1…100 (got 0)'],
      ['{"quality": 300}', '"quality" must be an integer 1…100 (got 300)'],
      ['{"quality": 50.5}', '"quality" must be an integer 1…100 (got 50.5)'],
      ['{"quality": "50"}', '"quality" must be an integer 1…100 (got "50")'],
      ['{"quality": 50, "qualty": 2}', 'unknown key "qualty"'],
      ['{"framesize": "8K"}', '"framesize" must be one of 64x48, QQVGA, QVGA, VGA, SVGA, XGA, HD (got "8K")'],
      ['{"hmirror": 1}', '"hmirror" must be true or false (got 1)'],
    ];
    for (const [bad, reason] of cases) {
      expect((await write(host, ch, bad)).nak, bad).toBe(Status.FAILED);
      expect(new TextDecoder().decode(await readChannel(host, 2)), bad).toBe(`config: refused: ${reason}\n`);
    }
    expect(await readJson(host, ch)).toEqual(before);
  });

  it('jsonErrorPosition finds where a document goes wrong', () => {
    expect(jsonErrorPosition('{"a": }')).toBe(6);
    expect(jsonErrorPosition('{"a": 1}x')).toBe(8);
    expect(jsonErrorPosition('{"a": tru')).toBe(9);
    expect(jsonErrorPosition('')).toBe(0);
  });

  it('config faults: reject-writes NAKs every write; invalid-json reads back a broken document', async () => {
    const { cam, host, id } = await connected();
    const ch = id('config');
    cam.setConfigFault('reject-writes');
    await readChannel(host, 2);
    expect((await write(host, ch, '{"quality": 40}')).nak).toBe(Status.FAILED);
    expect(new TextDecoder().decode(await readChannel(host, 2))).toBe(
      'config: refused: writes are rejected (reject-writes fault)\n',
    );
    cam.setConfigFault('invalid-json');
    const raw = new TextDecoder().decode(await readChannel(host, ch));
    expect(() => JSON.parse(raw)).toThrow();
    cam.setConfigFault('none');
    expect(await readJson(host, ch)).toMatchObject({ quality: 85 });
  });

  it('config.schema publishes the UI hints; every config key has a property', async () => {
    const { host, id } = await connected();
    const schema = (await readJson(host, id('config.schema'))) as ReturnType<typeof demoSchema>;
    expect(schema.properties.quality).toEqual({
      type: 'integer',
      title: 'JPEG quality',
      minimum: 1,
      maximum: 100,
    });
    expect(schema.properties.framesize!.enum).toContain('VGA');
    const config = (await readJson(host, id('config'))) as Record<string, unknown>;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(config).sort());
  });

  it('frame: event 0x0001 per new frame; SIZE snapshots, READ returns a stamped JPEG; quality follows config', async () => {
    const { host, id } = await connected();
    const ch = id('frame');
    await waitFor(() => host.events.some((e) => e.channel === ch));
    const ev = host.events.find((e) => e.channel === ch)!;
    expect(readU16(ev.payload)).toBe(1);
    const jpeg = await readChannel(host, ch);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    const stamp = readStamp(jpeg)!;
    expect(stamp.quality).toBe(85);
    expect(Math.abs(stamp.captureTime - Date.now())).toBeLessThan(5000);
    const meta = await sharp(Buffer.from(jpeg)).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([64, 48, 'jpeg']);
    expect(readU32s((await host.request(Opcode.CHANNEL_SHAPE, ch)).body)).toEqual([64, 48]);
    await write(host, id('config'), '{"quality": 20}');
    const later = await waitFor(async () => {
      const s = readStamp(await readChannel(host, ch));
      return s && s.quality === 20 ? s : null;
    });
    expect(later.cameraFrame).toBeGreaterThan(stamp.cameraFrame);
  });

  it('framesize and fps in the config change the capture', async () => {
    const { host, id } = await connected();
    await write(host, id('config'), '{"framesize": "QQVGA", "fps": 40}');
    const jpeg = await waitFor(async () => {
      const j = await readChannel(host, id('frame'));
      return j.length && (await sharp(Buffer.from(j)).metadata()).width === 160 ? j : null;
    });
    expect((await sharp(Buffer.from(jpeg)).metadata()).height).toBe(120);
  });
});

describe('simple scenario (the seeds)', () => {
  it('config is write-only and takes a raw integer quality', async () => {
    const { host, id } = await connected({ scenario: 'simple' });
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    expect(list.slice(4).map((c) => `${c.name}:${c.flags}`)).toEqual(['temp:33', 'config:34', 'frame:33']);
    expect((await write(host, id('config'), '42')).ack).toBe(true);
    await readChannel(host, 2);
    expect((await write(host, id('config'), '{"quality": 42}')).nak).toBe(Status.FAILED);
    expect((await write(host, id('config'), '0')).nak).toBe(Status.FAILED);
    expect(new TextDecoder().decode(await readChannel(host, 2)).split('\n')).toEqual([
      'config: refused: quality must be an ASCII integer 1…100 (got "{\\"quality\\": 42}")',
      'config: refused: quality must be an ASCII integer 1…100 (got "0")',
      '',
    ]);
    expect((await host.request(Opcode.CHANNEL_READ, id('config'), encodeReadRequest(0, 4))).nak).toBe(
      Status.INVALID,
    );
    const s = await waitFor(async () => {
      const st = readStamp(await readChannel(host, id('frame')));
      return st?.quality === 42 ? st : null;
    });
    expect(s.quality).toBe(42);
  });
});

describe('custom scenario (openmv custom_channels.py)', () => {
  it('static and buffer behave like the example, and their print() lines reach stdout', async () => {
    const { host, id } = await connected({ scenario: 'custom' });
    const buf = id('buffer');
    expect((await write(host, buf, 'abc')).ack).toBe(true);
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, buf)).body)[0]).toBe(3);
    expect(new TextDecoder().decode(await readChannel(host, buf))).toBe('abc');
    expect((await host.request(Opcode.CHANNEL_READ, buf, encodeReadRequest(5, 1))).nak).toBe(Status.FAILED);
    expect(new TextDecoder().decode(await readChannel(host, id('static')))).toBe('HelloWorld!');
    expect(new TextDecoder().decode(await readChannel(host, 2)).split('\n')).toEqual([
      'BufferChannel initialized with 1024 bytes',
      'BufferChannel wrote 3 bytes to offset 0',
      'BufferChannel read 3 bytes from offset 0',
      'StaticChannel read 11 bytes from offset 0',
      '',
    ]);
  });
});

describe('pieces', () => {
  it('stamp round-trips and sits after APP0', async () => {
    const jpeg = await encodeJpeg(new Uint8Array(16 * 16 * 3).fill(128), 16, 16, 50);
    const stamped = insertStamp(jpeg, { cameraFrame: 12, captureTime: 1700000000123, quality: 50 });
    expect(readStamp(stamped)).toEqual({ cameraFrame: 12, captureTime: 1700000000123, quality: 50 });
    expect(readStamp(jpeg)).toBeNull();
    expect(stampText({ cameraFrame: 1, captureTime: 2, quality: 3 })).toBe('camdeck f=1 t=2 q=3');
    expect([stamped[2], stamped[3]]).toEqual([0xff, 0xfe]); // sharp writes no APP0: COM right after SOI
    const meta = await sharp(Buffer.from(stamped)).metadata();
    expect(meta.width).toBe(16);
    // With a JFIF APP0 segment the stamp goes after it.
    const app0 = Uint8Array.of(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
    const jfif = new Uint8Array(jpeg.length + app0.length);
    jfif.set(jpeg.subarray(0, 2));
    jfif.set(app0, 2);
    jfif.set(jpeg.subarray(2), 2 + app0.length);
    const s2 = insertStamp(jfif, { cameraFrame: 1, captureTime: 2, quality: 3 });
    expect([s2[2], s2[3], s2[20], s2[21]]).toEqual([0xff, 0xe0, 0xff, 0xfe]);
    expect(readStamp(s2)).toEqual({ cameraFrame: 1, captureTime: 2, quality: 3 });
    expect(() =>
      insertStamp(Uint8Array.of(1, 2, 3), { cameraFrame: 1, captureTime: 1, quality: 1 }),
    ).toThrow();
  });

  it('quality is visible: lower quality gives smaller frames; frames change over time', async () => {
    const scene = new Scene(320, 240);
    const px = new Uint8Array(320 * 240 * 3);
    scene.render(1, px);
    const hi = await encodeJpeg(px, 320, 240, 90);
    const lo = await encodeJpeg(px, 320, 240, 20);
    expect(lo.length).toBeLessThan(hi.length * 0.6);
    const a = px.slice();
    scene.render(2, px);
    let diff = 0;
    for (let i = 0; i < px.length; i++) diff += px[i] !== a[i] ? 1 : 0;
    expect(diff).toBeGreaterThan(px.length / 4);
  });

  it('the per-pixel noise pass runs only for the 6 variants, again after an adjustment', () => {
    const scene = new Scene(64, 48);
    const px = new Uint8Array(64 * 48 * 3);
    const adjust = { brightness: 0, contrast: 0, hmirror: false, vflip: false };
    for (let n = 0; n < 40; n++) {
      scene.setAdjust({ ...adjust });
      scene.render(n, px);
    }
    expect(scene.variantBuilds).toBeLessThanOrEqual(6);
    const before = scene.variantBuilds;
    scene.setAdjust({ ...adjust, brightness: 2 });
    scene.render(41, px);
    expect(scene.variantBuilds).toBe(before + 1);
  });

  it('a write cut at max_payload − 8 is completed by the next chunk', () => {
    let changed: string[] = [];
    const b = new ConfigBackend({
      schema: demoSchema('VGA'),
      initial: { quality: 85 },
      maxPayload: () => 50,
      fault: () => 'none',
      onChange: (_v, c) => (changed = c),
    });
    const doc = text('{"quality": 33, "brightness": 2, "contrast": -1}');
    expect(b.write(0, doc.subarray(0, 42))).toBe(42);
    expect(changed).toEqual([]);
    expect(b.write(42, doc.subarray(42))).toBe(doc.length - 42);
    expect(changed).toEqual(['quality', 'brightness', 'contrast']);
    expect(b.write(0, text('{"quality": 3'))).toBe(0);
    expect(() => validatePatch(demoSchema('VGA'), { fps: 0 })).toThrow(/fps/);
  });
});

describe('script lifecycle with the demo as main script', () => {
  it('EXEC replaces the demo; STOP brings the demo back; softReboot restarts the running script', async () => {
    const { cam, host } = await connected({ fps: 5 });
    const names = async (): Promise<string[]> => {
      await host.sync();
      return decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body)
        .slice(4)
        .map((c) => c.name);
    };
    expect(cam.script).toBe('demo');
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(0, text('# scenario: custom')));
    host.events.length = 0;
    await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_EXEC));
    await waitFor(() => cam.script === 'custom');
    const order = host.events
      .filter((e) => e.channel <= 1)
      .map((e) => `${e.channel}:${readU16(e.payload)}`)
      .slice(0, 4);
    expect(order).toEqual(['1:0', '0:2', '1:1', '0:0']); // finished, SOFT_REBOOT, started, CHANNEL_REGISTERED
    expect(await names()).toEqual(['static', 'buffer']);
    cam.softReboot();
    await waitFor(async () => (await names()).length === 2 && cam.script === 'custom');
    await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_STOP));
    await waitFor(() => cam.script === 'demo');
    expect(await names()).toEqual(['temp', 'config', 'config.schema', 'frame']);
  });
});
