// Fault injection knobs: bit flips, drops, latency, bandwidth, stall, periodic soft reboot, hard reset.
import { afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  HEADER_SIZE,
  Opcode,
  SysEvent,
  crc16,
  crc32,
  createLinkPair,
  encodePacket,
  encodeCaps,
  readU16,
  type Packet,
} from '../protocol';
import { createSimCam, type SimCam } from '.';
import { FaultLink, NO_FAULTS, corrupt } from './faults';
import { FakeClock, RawHost, settle } from './testkit';

let cam: SimCam | null = null;
afterEach(() => {
  cam?.close();
  cam = null;
});

async function connected() {
  const clock = new FakeClock();
  cam = createSimCam({ demo: false, clock });
  const [h, d] = createLinkPair();
  cam.attach(d);
  const host = new RawHost(h);
  await host.sync();
  return { cam, host, clock, hostLink: h };
}

describe('corrupt()', () => {
  const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);

  it('rate 0 returns the same bytes; rate 1 flips one bit in every byte', () => {
    expect(corrupt(data, NO_FAULTS)).toBe(data);
    const flipped = corrupt(data, { ...NO_FAULTS, bitFlipRate: 1 });
    for (let i = 0; i < data.length; i++) {
      const x = flipped[i]! ^ data[i]!;
      expect(x && (x & (x - 1)) === 0).toBe(true);
    }
    expect([...data.subarray(0, 3)]).toEqual([0, 1, 2]); // input untouched
  });

  it('drops about rate × n bytes', () => {
    expect(corrupt(data, { ...NO_FAULTS, dropRate: 1 }).length).toBe(0);
    const kept = corrupt(data, { ...NO_FAULTS, dropRate: 0.1 }, seeded(7)).length;
    expect(kept).toBeGreaterThan(820);
    expect(kept).toBeLessThan(980);
  });
});

function seeded(s: number): () => number {
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

describe('fault knobs on a live camera', () => {
  it('bit flips on the link: the host parser sees CRC errors; the device NAKs corrupted requests', async () => {
    const { cam, host } = await connected();
    cam.faults.set({ bitFlipRate: 1 });
    host.send({ opcode: Opcode.PROTO_VERSION });
    await settle();
    expect(host.all.length).toBe(1); // only the SYNC ACK got through intact
    cam.faults.set({ bitFlipRate: 0 });
    await host.sync();
    expect((await host.request(Opcode.PROTO_VERSION)).body.length).toBe(16);
  });

  it('latency delays device → host bytes; bandwidth spreads them out', async () => {
    const { cam, host, clock } = await connected();
    cam.faults.set({ latencyMs: 100 });
    host.send({ opcode: Opcode.PROTO_VERSION });
    await clock.advance(99);
    expect(host.pending()).toHaveLength(0);
    await clock.advance(2);
    const p = host.pending();
    expect(p).toHaveLength(1);
    host.ack(p[0]!);
    host.seq++;
    // 30 bytes (header 10 + 16 + 4) at 2400 bit/s take 100 ms.
    cam.faults.set({ latencyMs: 0, bandwidthBps: 2400 });
    host.send({ opcode: Opcode.PROTO_VERSION });
    await clock.advance(90);
    expect(host.pending()).toHaveLength(0);
    await clock.advance(20);
    expect(host.pending()).toHaveLength(1);
    expect(cam.faults.get()).toMatchObject({ latencyMs: 0, bandwidthBps: 2400 });
  });

  it('stall: no answer for N ms, then the queued request is served', async () => {
    const { cam, host, clock } = await connected();
    cam.faults.stall(300);
    host.send({ opcode: Opcode.PROTO_VERSION });
    await clock.advance(299);
    expect(host.pending()).toHaveLength(0);
    await clock.advance(2);
    expect(host.pending()).toHaveLength(1);
  });

  it('stall during an ACK wait: no retransmission until the stall is over', async () => {
    const { cam, host, clock } = await connected();
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION });
    await settle();
    expect(host.pending()).toHaveLength(1);
    cam.faults.stall(2000);
    await clock.advance(1999);
    expect(host.pending()).toHaveLength(0);
    await clock.advance(2);
    const rtx = host.pending();
    expect(rtx).toHaveLength(1);
    expect(rtx[0]!.flags & Flag.RTX).toBeTruthy();
  });

  it('rebootEveryMs sends SOFT_REBOOT periodically', async () => {
    const { cam, host, clock } = await connected();
    cam.faults.set({ rebootEveryMs: 1000 });
    await clock.advance(2500);
    const reboots = host.events.filter(
      (e) => e.opcode === Opcode.SYS_EVENT && readU16(e.payload) === SysEvent.SOFT_REBOOT,
    );
    expect(reboots.length).toBe(2);
    cam.faults.set({ rebootEveryMs: 0 });
    expect(() => cam.faults.set({ dropRate: 2 })).toThrow();
    expect(() => cam.faults.set({ bogus: 1 } as never)).toThrow();
  });

  it('SYS_RESET closes the link (the board re-enumerates) and powers up again', async () => {
    const { cam, host, hostLink } = await connected();
    let resets = 0;
    cam.onHardReset(() => resets++);
    host.send({ opcode: Opcode.SYS_RESET });
    await settle();
    expect(hostLink.closed).toBe(true);
    expect(resets).toBe(1);
    expect(host.all.filter((p) => !(p.flags & Flag.EVENT))).toHaveLength(1); // only the SYNC ACK: no reply
  });
});

/** Everything the device writes from now on, byte for byte (before the host's parser sees it). */
function tap(link: { onData(l: (c: Uint8Array) => void): () => void }): () => Uint8Array {
  const chunks: number[] = [];
  link.onData((c) => chunks.push(...c));
  return () => Uint8Array.from(chunks);
}

/** Bits that differ between a and b, as [byte index, xor] pairs. */
function bitDiff(a: Uint8Array, b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = (a[i] ?? 0) ^ (b[i] ?? 0);
    if (x) out.push([i, x]);
  }
  return out;
}

/** The clean first transmission of a packet the host later received as an RTX copy. */
function original(rtx: Packet): Uint8Array {
  return encodePacket(
    {
      seq: rtx.seq,
      channel: rtx.channel,
      flags: rtx.flags & ~Flag.RTX,
      opcode: rtx.opcode,
      payload: rtx.payload,
    },
    { crc: true },
  );
}

const headerCrcOk = (b: Uint8Array): boolean => crc16(b, 0, 8) === (b[8]! | (b[9]! << 8));
const payloadCrcOk = (b: Uint8Array, length: number): boolean => {
  const t = HEADER_SIZE + length;
  return (
    crc32(b, HEADER_SIZE, t) === (b[t]! | (b[t + 1]! << 8) | (b[t + 2]! << 16) | (b[t + 3]! << 24)) >>> 0
  );
};

describe('flip-next (one corrupted transmission)', () => {
  it('header: one bit in bytes 2..9 of the next reply, bad header CRC; the RTX copy is intact', async () => {
    for (let round = 0; round < 20; round++) {
      const { cam, host, clock, hostLink } = await connected();
      const raw = tap(hostLink);
      cam.faults.flipNext('header');
      expect(cam.faults.pendingFlip()).toBe(true);
      host.send({ opcode: Opcode.PROTO_VERSION });
      await settle();
      expect(cam.faults.pendingFlip()).toBe(false);
      expect(host.pending()).toHaveLength(0); // the parser rejected it
      await clock.advance(501);
      const rtx = await host.next();
      expect(rtx.flags).toBe(Flag.ACK_REQ | Flag.RTX);
      expect([rtx.opcode, rtx.seq, rtx.payload.length]).toEqual([Opcode.PROTO_VERSION, 0, 16]);
      const clean = original(rtx);
      const sent = raw().subarray(0, clean.length);
      const diff = bitDiff(sent, clean);
      expect(diff).toHaveLength(1);
      const [at, x] = diff[0]!;
      expect(at).toBeGreaterThanOrEqual(2);
      expect(at).toBeLessThan(HEADER_SIZE);
      expect(x & (x - 1)).toBe(0); // one bit
      expect(headerCrcOk(sent)).toBe(false);
      expect(cam.stats().flipsInjected).toBe(1);
      cam.close();
    }
  });

  it('payload: one bit of the payload, header intact, bad payload CRC; the RTX copy is intact', async () => {
    const { cam, host, clock, hostLink } = await connected();
    const raw = tap(hostLink);
    cam.faults.flipNext('payload', { opcode: Opcode.SYS_INFO });
    host.send({ opcode: Opcode.SYS_INFO });
    await settle();
    expect(host.pending()).toHaveLength(0);
    await clock.advance(501);
    const rtx = await host.next();
    expect(rtx.flags).toBe(Flag.ACK_REQ | Flag.RTX);
    const clean = original(rtx);
    const sent = raw().subarray(0, clean.length);
    const diff = bitDiff(sent, clean);
    expect(diff).toHaveLength(1);
    expect(diff[0]![0]).toBeGreaterThanOrEqual(HEADER_SIZE);
    expect(diff[0]![0]).toBeLessThan(HEADER_SIZE + 76);
    expect(headerCrcOk(sent)).toBe(true);
    expect(payloadCrcOk(sent, 76)).toBe(false);
    expect(cam.stats()).toMatchObject({ flipsInjected: 1, retransmits: 1 });
  });

  it('matches by opcode and channel, skips packets without payload for "payload", never takes events', async () => {
    const { cam, host } = await connected();
    cam.faults.flipNext('payload', { opcode: Opcode.CHANNEL_SIZE, channel: 2 });
    // No payload (SET_CAPS ACK), other opcode, other channel: all intact.
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, encodeCaps(caps))).ack).toBe(true);
    expect((await host.request(Opcode.PROTO_VERSION)).body.length).toBe(16);
    expect((await host.request(Opcode.CHANNEL_SIZE, 3)).body.length).toBe(4);
    // An event while any packet would match: untouched (it carries a CHANNEL_REGISTERED code).
    cam.faults.flipNext('header');
    cam.register({ name: 'x', backend: { size: () => 1 } });
    await settle();
    expect(host.events.map((e) => readU16(e.payload))).toEqual([SysEvent.CHANNEL_REGISTERED]);
    expect(cam.stats().flipsInjected).toBe(0);
    // The first queued flip matches the stdout SIZE reply; the second takes the next packet.
    host.send({ opcode: Opcode.CHANNEL_SIZE, channel: 2 });
    await settle();
    expect(host.pending()).toHaveLength(0);
    expect(cam.stats().flipsInjected).toBe(1);
    expect(cam.faults.pendingFlip()).toBe(true);
  });

  it('an event is taken only when match.opcode names an event opcode', async () => {
    const { cam, host } = await connected();
    cam.faults.flipNext('payload', { opcode: Opcode.SYS_EVENT });
    cam.register({ name: 'x', backend: { size: () => 1 } });
    await settle();
    expect(host.events).toHaveLength(0); // dropped by the host's parser: bad payload CRC
    expect(cam.stats().flipsInjected).toBe(1);
  });

  it('rejects bad arguments', () => {
    const c = createSimCam({ demo: false, clock: new FakeClock() });
    expect(() => c.faults.flipNext('crc' as never)).toThrow(RangeError);
    expect(() => c.faults.flipNext('header', { opcode: 300 })).toThrow(RangeError);
    expect(() => c.faults.flipNext('header', { seq: 1 } as never)).toThrow(RangeError);
    c.close();
  });
});

const caps = { crc: true, seq: true, ack: true, events: true, maxPayload: 4082 };

describe('unplug', () => {
  it('closes the link; a new attach serves again', async () => {
    const { cam, hostLink } = await connected();
    cam.unplug();
    expect(hostLink.closed).toBe(true);
    const [h, d] = createLinkPair();
    cam.attach(d);
    const host = new RawHost(h);
    await host.sync();
  });
});

describe('FaultLink', () => {
  it('passes bytes straight through with no faults, and closes the inner link', () => {
    const [a, b] = createLinkPair();
    const clock = new FakeClock();
    const f = new FaultLink(a, () => NO_FAULTS, clock);
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    f.write(Uint8Array.of(1, 2, 3));
    return settle().then(() => {
      expect(got).toEqual([1, 2, 3]);
      f.close();
      expect(a.closed && b.closed).toBe(true);
    });
  });
});
