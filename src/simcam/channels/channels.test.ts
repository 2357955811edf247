// Built-in channels: stdin/stdout (script upload and output) and stream (lock-step handoff, STREAM_CTRL).
import { afterEach, describe, expect, it } from 'vitest';
import {
  Ioctl,
  Opcode,
  PixFormat,
  Status,
  StdinEvent,
  SysEvent,
  createLinkPair,
  decodeChannelList,
  decodeStreamHeader,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU16,
  readU32s,
  u32s,
  type Packet,
} from '../../protocol';
import { createSimCam, type SimCam, type SimCamOptions } from '..';
import { FakeClock, RawHost, settle } from '../testkit';
import { StdoutChannel } from './stdio';
import { StreamChannel } from './stream';

let cam: SimCam | null = null;
afterEach(() => {
  cam?.close();
  cam = null;
});

async function connected(opts: SimCamOptions = {}) {
  const clock = new FakeClock();
  cam = createSimCam({ demo: false, clock, ...opts });
  const [h, d] = createLinkPair();
  cam.attach(d);
  const host = new RawHost(h);
  await host.sync();
  return { cam, host, clock };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const code = (e: Packet): number => (e.payload.length ? readU16(e.payload) : 0xffff);
const summary = (events: Packet[]): string[] => events.map((e) => `${e.channel}:${code(e).toString(16)}`);

async function readAll(host: RawHost, channel: number): Promise<string> {
  const n = readU32s((await host.request(Opcode.CHANNEL_SIZE, channel)).body)[0]!;
  if (!n) return '';
  return new TextDecoder().decode(
    (await host.request(Opcode.CHANNEL_READ, channel, encodeReadRequest(0, n))).body,
  );
}

describe('stdin: script upload and execution', () => {
  it('EXEC with an empty buffer → FAILED; RESET empties it; wrong ioctl arg length → INVALID', async () => {
    const { host } = await connected();
    expect((await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_EXEC))).nak).toBe(
      Status.FAILED,
    );
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(0, text('print("x")')));
    await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_RESET));
    expect((await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_EXEC))).nak).toBe(
      Status.FAILED,
    );
    expect(
      (await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_STOP, u32s(1)))).nak,
    ).toBe(Status.INVALID);
  });

  it('an uploaded script is echoed to stdout, with started/finished and SOFT_REBOOT events', async () => {
    const { host, clock } = await connected();
    // Two chunks: offset 0 restarts the buffer, later chunks append.
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(0, text('garbage')));
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(0, text('print("hello")\n')));
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(15, text('print("world")\n')));
    host.events.length = 0;
    expect((await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_EXEC))).ack).toBe(
      true,
    );
    await clock.advance(1);
    // No script was running: SOFT_REBOOT, script started, finished, SOFT_REBOOT.
    expect(summary(host.events)).toEqual([
      `0:${SysEvent.SOFT_REBOOT}`,
      `1:${StdinEvent.STARTED}`,
      `1:${StdinEvent.FINISHED}`,
      `0:${SysEvent.SOFT_REBOOT}`,
    ]);
    await host.sync();
    expect(await readAll(host, 2)).toBe('hello\nworld\n');
  });

  it('"# scenario: NAME" runs a scenario; STOP ends it; the stdin poll bit shows a running script', async () => {
    const { host, clock } = await connected();
    await host.request(Opcode.CHANNEL_WRITE, 1, encodeWriteRequest(0, text('# scenario: custom\n')));
    await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_EXEC));
    await clock.advance(1);
    await host.sync();
    const names = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body).map((c) => c.name);
    expect(names.slice(4)).toEqual(['static', 'buffer']);
    expect(readU32s((await host.request(Opcode.CHANNEL_POLL)).body)[0]! & 2).toBe(2);
    // The custom scenario sends 0xAA on "static" every 100 ms (stdout NOTIFYs for its print()s aside).
    host.events.length = 0;
    await clock.advance(250);
    expect(summary(host.events.filter((e) => e.channel === 4))).toEqual(['4:aa', '4:aa']);
    expect(
      new TextDecoder().decode((await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 11))).body),
    ).toBe('HelloWorld!');
    host.events.length = 0;
    await host.request(Opcode.CHANNEL_IOCTL, 1, encodeIoctlRequest(Ioctl.STDIN_STOP));
    await clock.advance(1);
    expect(summary(host.events)).toEqual([`1:${StdinEvent.FINISHED}`, `0:${SysEvent.SOFT_REBOOT}`]);
    await host.sync();
    expect(readU32s((await host.request(Opcode.CHANNEL_POLL)).body)[0]! & 2).toBe(0);
  });
});

describe('stdout', () => {
  it('READ consumes in ≤ 512 B pieces and ignores the offset; over-reading ends in NAK FAILED', async () => {
    const { cam, host } = await connected();
    const out = 'x'.repeat(600) + '\n';
    cam.print(out);
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, 2)).body)).toEqual([601]);
    const r = await host.request(Opcode.CHANNEL_READ, 2, encodeReadRequest(999, 601));
    expect(r.packets.map((p) => p.payload.length)).toEqual([512, 89]);
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, 2)).body)).toEqual([0]);
    cam.print('abc');
    const over = await host.request(Opcode.CHANNEL_READ, 2, encodeReadRequest(0, 10));
    expect(over.packets.map((p) => p.payload.length)).toEqual([3, 2]);
    expect(over.nak).toBe(Status.FAILED);
  });

  it('NOTIFY on ch 2 every 50 ms while output is pending, and once when half full; survives SYNC', async () => {
    const { cam, host, clock } = await connected();
    host.events.length = 0;
    cam.print('hi\n');
    await clock.advance(120);
    expect(summary(host.events)).toEqual(['2:ffff', '2:ffff']);
    await host.sync();
    expect(await readAll(host, 2)).toBe('hi\n');
    host.events.length = 0;
    await clock.advance(200);
    expect(host.events).toEqual([]);
    cam.print('y'.repeat(600));
    await settle();
    expect(summary(host.events)).toEqual(['2:ffff']);
  });

  it('ring buffer: on overflow it restarts with the new text when that fits', () => {
    const s = new StdoutChannel(16);
    s.print(text('0123456789'));
    s.print(text('abcdefghij'));
    const out = new Uint8Array(32);
    const n = s.read(0, 32, out);
    expect(new TextDecoder().decode(out.subarray(0, n))).toBe('fghij');
  });
});

describe('stream channel (§7.1)', () => {
  const frame = (n: number) => ({
    width: 4,
    height: 2,
    pixfmt: PixFormat.JPEG,
    data: Uint8Array.of(0xff, 0xd8, n, 0xff, 0xd9),
    fps: 30,
  });

  it('lock-step handoff: one frame per host read, never overwritten while unread', () => {
    const s = new StreamChannel();
    expect(s.publish(frame(1))).toBe(false); // streaming off after power-up
    s.ioctl(Ioctl.STREAM_CTRL, 4, u32s(1));
    expect(s.size()).toBe(0);
    expect(s.lock()).toBe(-1); // nothing to lock
    expect(s.publish(frame(1))).toBe(true);
    expect(s.size()).toBe(32 + 5);
    expect(s.publish(frame(2))).toBe(false); // host has not taken frame 1
    expect(s.lock()).toBe(0);
    expect(s.publish(frame(3))).toBe(false); // host holds the buffer
    expect(s.readp(32, 5)![2]).toBe(1);
    expect(s.readp(0, 38)).toBeNull();
    expect(s.unlock()).toBe(0);
    expect(s.size()).toBe(0);
    expect(s.publish(frame(4))).toBe(true);
    expect(s.readp(32, 5)![2]).toBe(4);
  });

  it('a second LOCK by the host releases the lock and fails; UNLOCK without a lock is fine', () => {
    const s = new StreamChannel();
    s.ioctl(Ioctl.STREAM_CTRL, 4, u32s(1));
    s.publish(frame(1));
    expect(s.lock()).toBe(0);
    expect(s.lock()).toBe(-1);
    expect(s.size()).toBe(37); // released without zeroing the header
    expect(s.unlock()).toBe(0);
    expect(s.size()).toBe(37);
    expect(s.publish(frame(2))).toBe(true); // last owner was the host
  });

  it('STREAM_CTRL resets the buffer; soft reset keeps only the enable flag', () => {
    const s = new StreamChannel();
    s.ioctl(Ioctl.STREAM_CTRL, 4, u32s(1));
    s.ioctl(Ioctl.STREAM_RAW_CTRL, 4, u32s(1));
    s.ioctl(Ioctl.STREAM_RAW_CFG, 8, u32s(64, 48));
    expect(s.rawRequested).toEqual({ width: 64, height: 48 });
    s.publish(frame(1));
    s.ioctl(Ioctl.STREAM_CTRL, 4, u32s(1));
    expect(s.size()).toBe(0);
    s.softReset();
    expect(s.enabled).toBe(true);
    expect(s.rawRequested).toBeNull();
    expect(s.ioctl(0x77, 0, null)).toBe(-1);
  });

  it('over the wire: frame-ready NOTIFY, LOCK → SIZE → READ → UNLOCK, stamped JPEG with a 32-byte header', async () => {
    cam = createSimCam({ width: 64, height: 48, fps: 50 });
    const [h, d] = createLinkPair();
    cam.attach(d);
    const host = new RawHost(h);
    await host.sync();
    await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_CTRL, u32s(1)));
    const deadline = Date.now() + 10_000;
    while (!host.events.some((e) => e.channel === 3) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(host.events.some((e) => e.channel === 3 && e.payload.length === 0)).toBe(true);
    expect((await host.request(Opcode.CHANNEL_LOCK, 3)).ack).toBe(true);
    const size = readU32s((await host.request(Opcode.CHANNEL_SIZE, 3)).body)[0]!;
    const body = (await host.request(Opcode.CHANNEL_READ, 3, encodeReadRequest(0, size))).body;
    const hdr = decodeStreamHeader(body);
    expect(hdr).toMatchObject({ width: 64, height: 48, pixfmt: PixFormat.JPEG, size: size - 32, offset: 32 });
    expect([body[32], body[33]]).toEqual([0xff, 0xd8]);
    expect(readU32s((await host.request(Opcode.CHANNEL_SHAPE, 3)).body)).toEqual([size - 32]);
    expect((await host.request(Opcode.CHANNEL_UNLOCK, 3)).ack).toBe(true);
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, 3)).body)).toEqual([0]);
  });

  it('raw preview: RAW_CFG + RAW_CTRL give RGB565 frames downscaled to fit', async () => {
    cam = createSimCam({ width: 64, height: 48, fps: 50 });
    const [h, d] = createLinkPair();
    cam.attach(d);
    const host = new RawHost(h);
    await host.sync();
    await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_RAW_CFG, u32s(32, 32)));
    await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_RAW_CTRL, u32s(1)));
    await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_CTRL, u32s(1)));
    let size = 0;
    const deadline = Date.now() + 10_000;
    while (!size && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      size = readU32s((await host.request(Opcode.CHANNEL_SIZE, 3)).body)[0]!;
    }
    const body = (await host.request(Opcode.CHANNEL_READ, 3, encodeReadRequest(0, size))).body;
    expect(decodeStreamHeader(body)).toMatchObject({
      width: 32,
      height: 24,
      pixfmt: PixFormat.RGB565,
      size: 2,
    });
    expect(size).toBe(32 + 32 * 24 * 2);
  });
});
