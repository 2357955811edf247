// The benchmark's camera script, driven by raw packets.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChannelFlag,
  Opcode,
  Status,
  createLinkPair,
  decodeChannelList,
  decodeStreamHeader,
  encodeReadRequest,
  encodeWriteRequest,
  readU32s,
} from '../../protocol';
import { createSimCam, type SimCam } from '..';
import { FakeClock, RawHost } from '../testkit';
import { registerBenchChannels } from './bench-script';

let cam: SimCam | null = null;
afterEach(() => {
  cam?.close();
  cam = null;
});

describe('bench script', () => {
  it('serves the JPEG behind a stream header, grants locks on the grid, and refuses bad config', async () => {
    // Fake clock: the lock grid is checked in device ticks, not in how fast a loaded machine runs.
    const clock = new FakeClock();
    cam = createSimCam({ demo: false, clock });
    const jpeg = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    registerBenchChannels(cam, jpeg);
    const [h, d] = createLinkPair();
    cam.attach(d);
    const host = new RawHost(h);
    await host.sync();
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    const ch = (name: string) => list.find((c) => c.name === name)!;
    expect(ch('benchframe').flags & ChannelFlag.LOCK).toBeTruthy();
    expect(ch('bulk').flags & ChannelFlag.LOCK).toBe(0);

    const frame = ch('benchframe').id;
    expect((await host.request(Opcode.CHANNEL_LOCK, frame)).ack).toBe(true);
    expect((await host.request(Opcode.CHANNEL_LOCK, frame)).nak).toBe(Status.BUSY); // same tick
    await clock.advance(10);
    expect((await host.request(Opcode.CHANNEL_LOCK, frame)).nak).toBe(Status.BUSY); // 10 ms: not > 10
    await clock.advance(1);
    expect((await host.request(Opcode.CHANNEL_LOCK, frame)).ack).toBe(true); // 11 ms: the next grid slot
    const size = readU32s((await host.request(Opcode.CHANNEL_SIZE, frame)).body)[0]!;
    expect(size).toBe(32 + jpeg.length);
    const data = (await host.request(Opcode.CHANNEL_READ, frame, encodeReadRequest(0, size))).body;
    expect(decodeStreamHeader(data)).toMatchObject({
      width: 640,
      height: 480,
      size: jpeg.length,
      offset: 32,
    });
    expect(data.subarray(32)).toEqual(jpeg);

    const config = ch('config').id;
    const write = (s: string) =>
      host.request(Opcode.CHANNEL_WRITE, config, encodeWriteRequest(0, new TextEncoder().encode(s)));
    expect((await write('{"quality": 20}')).ack).toBe(true);
    expect((await write('{"quality": ')).nak).toBe(Status.FAILED);
    const out = readU32s((await host.request(Opcode.CHANNEL_SIZE, 2)).body)[0]!;
    const said = (await host.request(Opcode.CHANNEL_READ, 2, encodeReadRequest(0, out))).body;
    expect(new TextDecoder().decode(said)).toBe('config: refused: invalid JSON at position 12\n');
    const n = readU32s((await host.request(Opcode.CHANNEL_SIZE, config)).body)[0]!;
    const back = (await host.request(Opcode.CHANNEL_READ, config, encodeReadRequest(0, n))).body;
    expect(JSON.parse(new TextDecoder().decode(back))).toEqual({ quality: 20 });
  });
});
