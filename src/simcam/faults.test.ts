// Fault injection knobs: bit flips, drops, latency, bandwidth, stall, periodic soft reboot, hard reset.
import { afterEach, describe, expect, it } from 'vitest';
import { Flag, Opcode, SysEvent, createLinkPair, readU16 } from '../protocol';
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
