// Device conformance, driven by raw packets (protocol reference §1–§6; firmware omv_protocol.c).
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChannelFlag,
  Flag,
  Ioctl,
  Opcode,
  Status,
  createLinkPair,
  crc16,
  decodeCaps,
  decodeChannelList,
  decodeMemory,
  decodeStats,
  decodeSysInfo,
  decodeVersion,
  encodeCaps,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU16,
  readU32s,
  u16,
  u32s,
  type Packet,
} from '../protocol';
import { createSimCam, type SimCam, type SimCamOptions } from '.';
import { FakeClock, RawHost, settle } from './testkit';

let cam: SimCam | null = null;
afterEach(() => {
  cam?.close();
  cam = null;
});

function setup(opts: SimCamOptions = {}): { cam: SimCam; host: RawHost; clock: FakeClock } {
  const clock = new FakeClock();
  cam = createSimCam({ demo: false, clock, ...opts });
  const [h, d] = createLinkPair();
  cam.attach(d);
  return { cam, host: new RawHost(h), clock };
}

async function connected(opts: SimCamOptions = {}) {
  const s = setup(opts);
  await s.host.sync();
  return s;
}

const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function capsPayload(flags: number, maxPayload: number): Uint8Array {
  const out = encodeCaps({
    crc: !!(flags & 1),
    seq: !!(flags & 2),
    ack: !!(flags & 4),
    events: !!(flags & 8),
    maxPayload,
  });
  return out;
}

describe('SYNC and info opcodes', () => {
  it('SYNC gets a bare ACK with seq 0 and resets the counter', async () => {
    const { host } = setup();
    host.send({ opcode: Opcode.PROTO_SYNC, seq: 77 });
    const p = await host.next();
    expect(p).toMatchObject({ seq: 0, channel: 0, flags: Flag.ACK, opcode: Opcode.PROTO_SYNC });
    expect(p.payload.length).toBe(0);
    // Counter is 0 afterwards: a request with seq 0 is accepted.
    host.seq = 0;
    const r = await host.request(Opcode.PROTO_VERSION);
    expect(r.packets[0]!.seq).toBe(0);
  });

  it('GET_CAPS: 16 bytes, all caps on, max_payload = buffer − 14, ACK_REQ', async () => {
    for (const [buf, max] of [
      [512, 498],
      [4096, 4082],
      [8192, 8178],
    ] as const) {
      const { host } = await connected({ maxBuffer: buf });
      const r = await host.request(Opcode.PROTO_GET_CAPS);
      expect(r.packets[0]!.flags).toBe(Flag.ACK_REQ);
      expect(r.body.length).toBe(16);
      expect(decodeCaps(r.body)).toEqual({ crc: true, seq: true, ack: true, events: true, maxPayload: max });
      cam!.close();
    }
  });

  it('PROTO_VERSION, SYS_INFO (76 B), SYS_MEMORY (4 + 24·n)', async () => {
    const { host } = await connected({ usbVid: 0x1234, usbPid: 0xabcd, firmwareVersion: [5, 1, 2] });
    const v = await host.request(Opcode.PROTO_VERSION);
    expect(v.body.length).toBe(16);
    expect(decodeVersion(v.body)).toMatchObject({ protocol: [1, 0, 2], firmware: [5, 1, 2] });
    const i = await host.request(Opcode.SYS_INFO);
    expect(i.body.length).toBe(76);
    const info = decodeSysInfo(i.body);
    expect([info.usbVid, info.usbPid, info.flashSizeKb, info.ramSizeKb]).toEqual([0x1234, 0xabcd, 0, 0]);
    const m = await host.request(Opcode.SYS_MEMORY);
    const entries = decodeMemory(m.body);
    expect(m.body.length).toBe(4 + 24 * entries.length);
    expect(entries[0]).toMatchObject({ type: 0, flags: 0, persist: 0, peak: 0 });
  });

  it('PROTO_STATS reports real counters', async () => {
    const { host } = await connected();
    await host.request(Opcode.PROTO_VERSION); // 1 data packet
    host.send({ opcode: Opcode.PROTO_VERSION, seq: 99 }); // NAK SEQUENCE
    await host.next();
    host.seq++;
    const r = await host.request(Opcode.PROTO_STATS);
    expect(r.body.length).toBe(32);
    const s = decodeStats(r.body);
    // SYNC ACK + VERSION + NAK = 3 sent before the stats reply; SYNC + VERSION + STATS processed.
    expect(s).toMatchObject({ sentPackets: 3, recvPackets: 3, sequenceErrors: 1, checksumErrors: 0 });
    expect(readU32s(r.body)[7]).toBe(0);
  });

  it('CHANNEL_LIST includes the transport and the built-ins with firmware flags', async () => {
    const { host } = await connected();
    const r = await host.request(Opcode.CHANNEL_LIST);
    expect(decodeChannelList(r.body)).toEqual([
      { id: 0, flags: 0x40, name: 'usb' },
      { id: 1, flags: 0x06, name: 'stdin' },
      { id: 2, flags: 0x01, name: 'stdout' },
      { id: 3, flags: 0x19, name: 'stream' },
    ]);
  });

  it('CHANNEL_POLL is a u32 bitmask of poll()', async () => {
    const { cam, host } = await connected();
    let ready = false;
    const h = cam.register({ name: 'p', backend: { poll: () => ready } });
    let r = await host.request(Opcode.CHANNEL_POLL);
    expect(readU32s(r.body)[0]).toBe(0);
    ready = true;
    r = await host.request(Opcode.CHANNEL_POLL);
    expect(readU32s(r.body)[0]).toBe(1 << h.id);
  });
});

describe('RX validation order and NAKs (§2.5)', () => {
  it('header CRC error → silence, nothing advances', async () => {
    const { host, cam } = await connected();
    const bad = host.packet({ opcode: Opcode.PROTO_VERSION });
    bad[8] = bad[8]! ^ 0xff;
    host.raw(bad);
    await settle();
    expect(host.pending()).toEqual([]);
    // Still at seq 0: the next good request is answered with seq 0.
    const r = await host.request(Opcode.PROTO_VERSION);
    expect(r.packets[0]!.seq).toBe(0);
    expect(cam.stats().checksumErrors).toBe(0);
  });

  it('payload CRC error → NAK CHECKSUM stamped with the device seq, which then advances', async () => {
    const { host, cam } = await connected();
    const bad = host.packet({ opcode: Opcode.CHANNEL_READ, channel: 2, payload: encodeReadRequest(0, 4) });
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55;
    host.raw(bad);
    const p = await host.next();
    expect(p).toMatchObject({ seq: 0, flags: Flag.NAK, opcode: Opcode.CHANNEL_READ, channel: 2 });
    expect(readU16(p.payload)).toBe(Status.CHECKSUM);
    expect(cam.stats().checksumErrors).toBe(1);
    host.seq = 1;
    expect((await host.request(Opcode.PROTO_VERSION)).packets[0]!.seq).toBe(1);
  });

  it('wrong seq → NAK SEQUENCE with the device seq (host drifted)', async () => {
    const { host } = await connected();
    host.send({ opcode: Opcode.CHANNEL_LIST, seq: 5 });
    const p = await host.next();
    expect(p).toMatchObject({ seq: 0, flags: Flag.NAK, opcode: Opcode.CHANNEL_LIST });
    expect(readU16(p.payload)).toBe(Status.SEQUENCE);
    host.send({ opcode: Opcode.CHANNEL_LIST, seq: 0 }); // stale now: device is at 1
    const q = await host.next();
    expect(q.seq).toBe(1);
    expect(readU16(q.payload)).toBe(Status.SEQUENCE);
  });

  it('oversize length → NAK OVERFLOW (checked before seq)', async () => {
    const { host } = await connected({ maxBuffer: 512 });
    host.send({ opcode: Opcode.CHANNEL_WRITE, channel: 1, seq: 9, payload: bytes(499) });
    const p = await host.next();
    expect(p).toMatchObject({ seq: 0, flags: Flag.NAK });
    expect(readU16(p.payload)).toBe(Status.OVERFLOW);
  });

  it('opcode ≤ 0x14 on channel ≠ 0 → INVALID; unknown and device-only opcodes → INVALID', async () => {
    const { host } = await connected();
    for (const [opcode, channel] of [
      [Opcode.PROTO_GET_CAPS, 3],
      [Opcode.SYS_MEMORY, 1],
      [0x30, 0],
      [Opcode.SYS_EVENT, 0],
      [Opcode.CHANNEL_EVENT, 3],
    ]) {
      const r = await host.request(opcode!, channel);
      expect(r.nak, `op ${opcode} ch ${channel}`).toBe(Status.INVALID);
    }
  });

  it('a stray ACK outside WAIT_ACK is ignored; a SYNC inside a partial packet still gets through', async () => {
    const { host } = await connected();
    host.send({ opcode: Opcode.CHANNEL_LIST, flags: Flag.ACK });
    await settle();
    expect(host.pending()).toEqual([]);
    // A header announcing 100 payload bytes that never come, followed by a SYNC.
    const partial = host
      .packet({ opcode: Opcode.CHANNEL_WRITE, channel: 1, payload: bytes(100) })
      .subarray(0, 30);
    host.raw(partial);
    host.raw(host.packet({ opcode: Opcode.PROTO_SYNC, seq: 0 }));
    const p = await host.next();
    expect(p).toMatchObject({ opcode: Opcode.PROTO_SYNC, flags: Flag.ACK, seq: 0 });
  });
});

describe('SET_CAPS', () => {
  it('accepts 50…board max with exactly 16 bytes, else NAK INVALID', async () => {
    const { host } = await connected();
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 49))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 4083))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 100).subarray(0, 15))).nak).toBe(
      Status.INVALID,
    );
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 50))).ack).toBe(true);
    expect((await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 4082))).ack).toBe(true);
  });

  it('ACKs with the old settings and switches afterwards', async () => {
    const { host } = await connected();
    host.send({ opcode: Opcode.PROTO_SET_CAPS, payload: capsPayload(0x2 | 0x4 | 0x8, 200) }); // CRC off
    const ack = await host.next();
    // The ACK itself still carries a valid header CRC.
    expect(ack.flags).toBe(Flag.ACK);
    expect(host.parser.stats.headerCrcErrors).toBe(0);
    host.seq++;
    host.setCrc(false);
    const r = await host.request(Opcode.PROTO_GET_CAPS);
    const raw = host.all.at(-1)!;
    expect(raw.flags & Flag.ACK_REQ).toBeTruthy();
    expect(decodeCaps(r.body)).toMatchObject({ crc: false, maxPayload: 200 });
    // With CRC off the device writes 0 in the header CRC field.
    const hdr = host.packet({ opcode: 1 });
    expect(crc16(hdr, 0, 8)).not.toBe(0);
  });

  it('max_payload applies to fragmentation after the switch; SYNC restores defaults', async () => {
    const { cam, host } = await connected();
    cam.register({
      name: 'blob',
      backend: { readp: (o: number, n: number) => bytes(300).subarray(o, o + n) },
    });
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 100));
    const r = await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 300));
    expect(r.packets.map((p) => p.payload.length)).toEqual([100, 100, 100]);
    await host.sync();
    const caps = decodeCaps((await host.request(Opcode.PROTO_GET_CAPS)).body);
    expect(caps.maxPayload).toBe(4082);
  });
});

describe('ACK_REQ, RTX and reset timing (§2.3)', () => {
  it('retransmits after 500, 1000, 2000 ms with RTX, resets after a further 4000 ms', async () => {
    const { host, clock, cam } = await connected();
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 1000)); // non-default, seq now 1
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION });
    await settle();
    const first = host.pending();
    expect(first).toHaveLength(1);
    expect(first[0]!.flags).toBe(Flag.ACK_REQ);
    // Waits of 500, 1000 and 2000 ms before the three retransmissions, then 4000 ms before the reset.
    for (const g of [500, 1000, 2000]) {
      await clock.advance(g);
      expect(host.pending(), `nothing at +${g} ms`).toHaveLength(0);
      await clock.advance(1);
      const rtx = host.pending();
      expect(rtx).toHaveLength(1);
      expect(rtx[0]!.flags).toBe(Flag.ACK_REQ | Flag.RTX);
      expect(rtx[0]!.payload).toEqual(first[0]!.payload);
      expect(rtx[0]!.seq).toBe(1);
    }
    await clock.advance(4000);
    expect(cam.stats().sentPackets).toBe(2); // not reset yet: the reply still counts as in flight
    await clock.advance(1);
    expect(host.pending()).toHaveLength(0);
    expect(cam.stats().retransmits).toBe(3);
    // Reset: seq 0 and default caps, without a SYNC.
    host.autoAck = true;
    host.seq = 0;
    const caps = decodeCaps((await host.request(Opcode.PROTO_GET_CAPS)).body);
    expect(caps.maxPayload).toBe(4082);
  });

  it('RTX is flagged only when CRC is on', async () => {
    const { host, clock } = await connected();
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xe, 4082));
    host.setCrc(false);
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION });
    await clock.advance(501);
    const pkts = host.pending();
    expect(pkts).toHaveLength(2);
    expect(pkts[1]!.flags).toBe(Flag.ACK_REQ);
  });

  it('an ACK must match opcode and seq; requests during WAIT_ACK wait in the buffer', async () => {
    const { host, cam } = await connected();
    cam.register({
      name: 'blob',
      backend: { readp: (o: number, n: number) => bytes(9000).subarray(o, o + n) },
    });
    host.autoAck = false;
    host.send({ opcode: Opcode.CHANNEL_READ, channel: 4, payload: encodeReadRequest(0, 9000) });
    const f1 = await host.next();
    expect(f1.flags).toBe(Flag.ACK_REQ | Flag.FRAGMENT);
    // Wrong seq and wrong opcode ACKs do not release the device.
    host.send({ opcode: f1.opcode, flags: Flag.ACK, seq: f1.seq + 1 });
    host.send({ opcode: Opcode.CHANNEL_SIZE, flags: Flag.ACK, seq: f1.seq });
    // A pipelined request: must not be answered before the transfer ends.
    host.send({ opcode: Opcode.PROTO_VERSION, seq: 3 });
    await settle();
    expect(host.pending()).toHaveLength(0);
    host.ack(f1);
    const f2 = await host.next();
    expect([f2.seq, f2.flags]).toEqual([1, Flag.ACK_REQ | Flag.FRAGMENT]);
    host.ack(f2);
    const f3 = await host.next();
    expect([f3.seq, f3.flags, f3.payload.length]).toEqual([2, Flag.ACK_REQ, 9000 - 2 * 4082]);
    host.ack(f3);
    const v = await host.next();
    expect([v.opcode, v.seq]).toEqual([Opcode.PROTO_VERSION, 3]);
  });

  it('SYNC during WAIT_ACK: readp transfer abandoned, SYNC ACKed with seq 0', async () => {
    const { host, cam } = await connected();
    cam.register({
      name: 'blob',
      backend: { readp: (o: number, n: number) => bytes(9000).subarray(o, o + n) },
    });
    host.autoAck = false;
    host.send({ opcode: Opcode.CHANNEL_READ, channel: 4, payload: encodeReadRequest(0, 9000) });
    await host.next();
    host.send({ opcode: Opcode.PROTO_SYNC, seq: 0 });
    const s = await host.next();
    expect(s).toMatchObject({ opcode: Opcode.PROTO_SYNC, flags: Flag.ACK, seq: 0 });
    await settle();
    expect(host.pending()).toHaveLength(0);
  });

  it('SYNC during WAIT_ACK: the read() path keeps sending the remaining chunks with fresh seqs', async () => {
    const { host, cam } = await connected();
    const data = bytes(1200);
    cam.register({ name: 'log', backend: { read: (o: number, n: number) => data.subarray(o, o + n) } });
    host.autoAck = false;
    host.send({ opcode: Opcode.CHANNEL_READ, channel: 4, payload: encodeReadRequest(0, 1200) });
    const c1 = await host.next();
    expect(c1.payload.length).toBe(512);
    host.send({ opcode: Opcode.PROTO_SYNC, seq: 0 });
    const s = await host.next();
    expect(s.opcode).toBe(Opcode.PROTO_SYNC);
    const c2 = await host.next();
    expect([c2.opcode, c2.seq, c2.payload.length]).toEqual([Opcode.CHANNEL_READ, 0, 512]);
  });

  it('with ACK off fragments go out back to back without ACK_REQ', async () => {
    const { host, cam } = await connected();
    cam.register({
      name: 'blob',
      backend: { readp: (o: number, n: number) => bytes(9000).subarray(o, o + n) },
    });
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xb, 4082));
    host.autoAck = false;
    const r = await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 9000));
    expect(r.packets.map((p) => p.flags)).toEqual([Flag.FRAGMENT, Flag.FRAGMENT, 0]);
    expect(r.body).toEqual(bytes(9000));
  });
});

describe('a host NAK (firmware send_packet: FAILED is never cleared)', () => {
  const nakFor = (host: RawHost, p: Packet): Uint8Array =>
    host.packet({
      opcode: p.opcode,
      channel: p.channel,
      flags: Flag.NAK,
      seq: p.seq,
      payload: u16(Status.CHECKSUM),
    });
  /** NAK `p` and return what the device sends before any time passes. */
  async function nak(host: RawHost, p: Packet): Promise<Packet[]> {
    host.raw(nakFor(host, p));
    await settle();
    return host.pending();
  }
  const ackFor = (host: RawHost, p: Packet): Uint8Array =>
    host.packet({ opcode: p.opcode, channel: p.channel, flags: Flag.ACK, seq: p.seq });

  /** A channel that records its lock state, to see the reset release it. */
  function lockable(cam: SimCam): { locked: boolean } {
    const b = {
      locked: false,
      lock(): boolean {
        b.locked = true;
        return true;
      },
      unlock(): boolean {
        b.locked = false;
        return true;
      },
      size: (): number => 4,
    };
    cam.register({ name: 'lk', backend: b });
    return b;
  }

  it('NAK → the 3 retransmissions back to back (RTX), then reset: seq 0, default caps, locks released', async () => {
    const { host, cam, clock } = await connected();
    const lk = lockable(cam);
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 1000)); // seq 0
    expect((await host.request(Opcode.CHANNEL_LOCK, 4)).ack).toBe(true); // seq 1
    expect(lk.locked).toBe(true);
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION }); // seq 2
    await settle();
    const [first] = host.pending();
    expect([first!.seq, first!.flags]).toEqual([2, Flag.ACK_REQ]);
    const t0 = clock.t;
    const copies = await nak(host, first!);
    expect(clock.t).toBe(t0); // no timeout involved
    expect(copies).toHaveLength(3);
    for (const c of copies) {
      expect([c.seq, c.flags, c.opcode]).toEqual([2, Flag.ACK_REQ | Flag.RTX, Opcode.PROTO_VERSION]);
      expect(c.payload).toEqual(first!.payload);
    }
    expect(cam.stats()).toMatchObject({ retransmits: 3, sentPackets: 3 }); // SYNC ACK, SET_CAPS ACK, LOCK ACK
    expect(lk.locked).toBe(false);
    await clock.advance(10_000);
    expect(host.pending()).toHaveLength(0); // abandoned: nothing more
    // Reset without SYNC: seq 0 with the default caps; the host's old counter gets NAK SEQUENCE.
    host.autoAck = true;
    host.seq = 0;
    const caps = await host.request(Opcode.PROTO_GET_CAPS);
    expect(caps.packets[0]!.seq).toBe(0);
    expect(decodeCaps(caps.body).maxPayload).toBe(4082);
    host.seq = 3;
    const stale = await host.request(Opcode.PROTO_VERSION);
    expect([stale.nak, stale.packets[0]!.seq]).toEqual([Status.SEQUENCE, 1]);
  });

  it('without CRC the burst copies carry no RTX flag', async () => {
    const { host } = await connected();
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xe, 4082));
    host.setCrc(false);
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION });
    await settle();
    const [first] = host.pending();
    expect((await nak(host, first!)).map((p) => p.flags)).toEqual([Flag.ACK_REQ, Flag.ACK_REQ, Flag.ACK_REQ]);
  });

  it('an ACK already buffered behind the NAK is found after the first copy: no reset', async () => {
    const { host, cam } = await connected();
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 1000)); // seq 0
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION }); // seq 1
    await settle();
    const [first] = host.pending();
    const nak = nakFor(host, first!);
    const ack = ackFor(host, first!);
    const both = new Uint8Array(nak.length + ack.length);
    both.set(nak);
    both.set(ack, nak.length);
    host.raw(both);
    await settle();
    const copies = host.pending();
    expect(copies.map((p) => p.flags)).toEqual([Flag.ACK_REQ | Flag.RTX]);
    expect(cam.stats().retransmits).toBe(1);
    // The transfer completed: seq 2 next, caps unchanged.
    host.autoAck = true;
    host.seq = 2;
    const caps = await host.request(Opcode.PROTO_GET_CAPS);
    expect(caps.packets[0]!.seq).toBe(2);
    expect(decodeCaps(caps.body).maxPayload).toBe(1000);
  });

  it('a NAK on a readp fragment (498 B payload): burst of that fragment, reset, the rest abandoned', async () => {
    const { host, cam, clock } = await connected({ maxBuffer: 512 });
    const data = bytes(1400);
    cam.register({ name: 'blob', backend: { readp: (o: number, n: number) => data.subarray(o, o + n) } });
    host.autoAck = false;
    host.send({ opcode: Opcode.CHANNEL_READ, channel: 4, payload: encodeReadRequest(0, 1400) }); // seq 0
    await settle();
    const [f1] = host.pending();
    expect([f1!.seq, f1!.flags, f1!.payload.length]).toEqual([0, Flag.ACK_REQ | Flag.FRAGMENT, 498]);
    host.ack(f1!);
    await settle();
    const [f2] = host.pending();
    expect([f2!.seq, f2!.payload.length]).toEqual([1, 498]);
    const copies = await nak(host, f2!);
    expect(copies.map((p) => [p.seq, p.flags])).toEqual(
      Array(3).fill([1, Flag.ACK_REQ | Flag.FRAGMENT | Flag.RTX]),
    );
    expect(copies[2]!.payload).toEqual(data.subarray(498, 996));
    await clock.advance(10_000);
    expect(host.pending()).toHaveLength(0); // the third fragment never goes out
    host.autoAck = true;
    host.seq = 0;
    expect((await host.request(Opcode.PROTO_VERSION)).packets[0]!.seq).toBe(0);
  });

  it('a NAK on a read() chunk: burst, reset, and the loop still sends the remaining chunks from seq 0', async () => {
    const { host, cam, clock } = await connected();
    const data = bytes(1200);
    cam.register({ name: 'log', backend: { read: (o: number, n: number) => data.subarray(o, o + n) } });
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 1000)); // seq 0
    host.autoAck = false;
    host.send({ opcode: Opcode.CHANNEL_READ, channel: 4, payload: encodeReadRequest(0, 1200) }); // seq 1
    await settle();
    const [c1] = host.pending();
    expect([c1!.seq, c1!.payload.length]).toEqual([1, 512]);
    const burst = await nak(host, c1!);
    expect(burst).toHaveLength(4); // 3 copies of chunk 1, then chunk 2 after the reset
    expect(burst.slice(0, 3).map((p) => [p.seq, p.flags])).toEqual(
      Array(3).fill([1, Flag.ACK_REQ | Flag.FRAGMENT | Flag.RTX]),
    );
    const c2 = burst[3]!;
    expect([c2.seq, c2.flags, c2.payload]).toEqual([
      0,
      Flag.ACK_REQ | Flag.FRAGMENT,
      data.subarray(512, 1024),
    ]);
    // Each remaining chunk waits for its own ACK as usual (a fresh ack_status per fragment).
    await clock.advance(400);
    expect(host.pending()).toHaveLength(0);
    host.ack(c2);
    await settle();
    const [c3] = host.pending();
    expect([c3!.seq, c3!.flags, c3!.payload]).toEqual([1, Flag.ACK_REQ, data.subarray(1024)]);
    host.ack(c3!);
    host.autoAck = true;
    host.seq = 2;
    expect(decodeCaps((await host.request(Opcode.PROTO_GET_CAPS)).body).maxPayload).toBe(4082);
  });

  it('a NAK after a timeout retransmission uses up the remaining retries at once', async () => {
    const { host, cam, clock } = await connected();
    host.autoAck = false;
    host.send({ opcode: Opcode.PROTO_VERSION });
    await settle();
    expect(host.pending()).toHaveLength(1);
    await clock.advance(501);
    const [rtx1] = host.pending();
    expect(rtx1!.flags).toBe(Flag.ACK_REQ | Flag.RTX);
    expect(await nak(host, rtx1!)).toHaveLength(2);
    expect(cam.stats().retransmits).toBe(3);
  });
});

describe('fragmentation (§3)', () => {
  for (const [buf, max] of [
    [512, 498],
    [4096, 4082],
    [8192, 8178],
  ] as const) {
    it(`readp replies are cut at max_payload ${max}`, async () => {
      const { host, cam } = await connected({ maxBuffer: buf });
      const data = bytes(3 * max + 17);
      cam.register({ name: 'blob', backend: { readp: (o: number, n: number) => data.subarray(o, o + n) } });
      const r = await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, data.length));
      expect(r.packets.map((p) => p.payload.length)).toEqual([max, max, max, 17]);
      expect(r.packets.map((p) => p.seq)).toEqual([0, 1, 2, 3]);
      expect(r.packets.map((p) => p.flags)).toEqual([
        Flag.ACK_REQ | Flag.FRAGMENT,
        Flag.ACK_REQ | Flag.FRAGMENT,
        Flag.ACK_REQ | Flag.FRAGMENT,
        Flag.ACK_REQ,
      ]);
      expect(r.body).toEqual(data);
      // Host seq mirrors: next request uses seq 4.
      expect((await host.request(Opcode.PROTO_VERSION)).packets[0]!.seq).toBe(4);
    });
  }

  it('read() channels send pieces of min(512, max_payload)', async () => {
    for (const [buf, piece] of [
      [512, 498],
      [4096, 512],
      [8192, 512],
    ] as const) {
      const { host, cam } = await connected({ maxBuffer: buf });
      const data = bytes(1300);
      const calls: [number, number][] = [];
      cam.register({
        name: 'log',
        backend: {
          read: (o: number, n: number) => {
            calls.push([o, n]);
            return data.subarray(o, o + n);
          },
        },
      });
      const r = await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 1300));
      expect(r.body).toEqual(data);
      expect(calls[0]).toEqual([0, piece]);
      expect(r.packets.every((p) => p.payload.length <= piece)).toBe(true);
      cam.close();
    }
  });

  it('a short read() is called again for the rest; an empty one NAKs FAILED after sent fragments', async () => {
    const { host, cam } = await connected();
    let left = 30;
    cam.register({
      name: 'short',
      backend: {
        read: (_o: number, n: number) => {
          const k = Math.min(10, n, left);
          left -= k;
          return bytes(k);
        },
      },
    });
    const r = await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 40));
    expect(r.packets.map((p) => p.flags & (Flag.FRAGMENT | Flag.NAK))).toEqual([
      Flag.FRAGMENT,
      Flag.FRAGMENT,
      Flag.FRAGMENT,
      Flag.NAK,
    ]);
    expect(r.nak).toBe(Status.FAILED);
  });

  it('READ length 0 → INVALID; readp out of range or null → FAILED; no read method → INVALID', async () => {
    const { host, cam } = await connected();
    cam.register({
      name: 'p',
      backend: { readp: (o: number, n: number) => (o + n <= 10 ? bytes(n) : null) },
    });
    cam.register({ name: 'w', backend: { write: () => 1 } });
    expect((await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(0, 0))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_READ, 4, encodeReadRequest(5, 10))).nak).toBe(Status.FAILED);
    expect((await host.request(Opcode.CHANNEL_READ, 5, encodeReadRequest(0, 4))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_READ, 9, encodeReadRequest(0, 4))).nak).toBe(Status.INVALID);
  });
});

describe('WRITE, SIZE, SHAPE, IOCTL', () => {
  it('WRITE passes offset and a receive-buffer view; non-zero → ACK, 0 → FAILED; no write / length 0 → INVALID', async () => {
    const { host, cam } = await connected();
    const seen: { offset: number; data: Uint8Array; view: Uint8Array }[] = [];
    let ret: unknown = 1;
    cam.register({
      name: 'sink',
      backend: {
        write: (offset: number, data: Uint8Array) => {
          seen.push({ offset, data: data.slice(), view: data });
          return ret;
        },
      },
    });
    expect((await host.request(Opcode.CHANNEL_WRITE, 4, encodeWriteRequest(7, text('hello')))).ack).toBe(
      true,
    );
    expect(seen[0]!.offset).toBe(7);
    expect(new TextDecoder().decode(seen[0]!.data)).toBe('hello');
    ret = 0;
    expect((await host.request(Opcode.CHANNEL_WRITE, 4, encodeWriteRequest(0, text('x')))).nak).toBe(
      Status.FAILED,
    );
    // The view is reused by the next packet: a backend must copy what it keeps.
    expect(seen[0]!.view).not.toEqual(seen[0]!.data);
    expect((await host.request(Opcode.CHANNEL_WRITE, 4, encodeWriteRequest(0, new Uint8Array(0)))).nak).toBe(
      Status.INVALID,
    );
    expect((await host.request(Opcode.CHANNEL_WRITE, 2, encodeWriteRequest(0, text('x')))).nak).toBe(
      Status.INVALID,
    );
  });

  it('SIZE is a u32; SHAPE is u32 per dimension; missing → INVALID', async () => {
    const { host, cam } = await connected();
    cam.register({ name: 'a', backend: { size: () => 1234, shape: () => [640, 480, 2] } });
    expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, 4)).body)).toEqual([1234]);
    expect(readU32s((await host.request(Opcode.CHANNEL_SHAPE, 4)).body)).toEqual([640, 480, 2]);
    expect((await host.request(Opcode.CHANNEL_SIZE, 1)).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_SHAPE, 2)).nak).toBe(Status.INVALID);
  });

  it('static channels enforce the ioctl size table; dynamic channels do not', async () => {
    const { host, cam } = await connected();
    const seen: [number, number, Uint8Array | null][] = [];
    cam.register({
      name: 'dyn',
      backend: {
        ioctl: (r: number, n: number, a: Uint8Array | null) => {
          seen.push([r, n, a && a.slice()]);
        },
      },
    });
    expect(
      (await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_CTRL, u32s(1)))).ack,
    ).toBe(true);
    expect((await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(Ioctl.STREAM_CTRL))).nak).toBe(
      Status.INVALID,
    );
    expect((await host.request(Opcode.CHANNEL_IOCTL, 3, encodeIoctlRequest(0x55, u32s(1)))).nak).toBe(
      Status.INVALID,
    );
    expect((await host.request(Opcode.CHANNEL_IOCTL, 2, encodeIoctlRequest(0))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_IOCTL, 4, encodeIoctlRequest(0x99, bytes(3)))).ack).toBe(true);
    expect((await host.request(Opcode.CHANNEL_IOCTL, 4, encodeIoctlRequest(0x10))).ack).toBe(true);
    expect(seen).toEqual([
      [0x99, 3, bytes(3)],
      [0x10, 0, null],
    ]);
  });
});

describe('LOCK / UNLOCK (§5.2)', () => {
  function lockable(cam: SimCam, name = 'lk') {
    const state = { locked: false, lockRet: true as unknown, unlockRet: true as unknown };
    const h = cam.register({
      name,
      backend: {
        lock: () => {
          state.locked = true;
          return state.lockRet;
        },
        unlock: () => {
          state.locked = false;
          return state.unlockRet;
        },
      },
    });
    return { h, state };
  }

  it('one granted lock per 11 ms across all channels; each BUSY is a full NAK that advances seq', async () => {
    const { host, cam, clock } = await connected();
    const a = lockable(cam, 'a');
    const b = lockable(cam, 'b');
    await clock.advance(20);
    expect((await host.request(Opcode.CHANNEL_LOCK, a.h.id)).ack).toBe(true);
    await clock.advance(10);
    const busy = await host.request(Opcode.CHANNEL_LOCK, b.h.id);
    expect(busy.nak).toBe(Status.BUSY);
    expect(busy.packets[0]!.seq).toBe(1);
    await clock.advance(1);
    expect((await host.request(Opcode.CHANNEL_LOCK, b.h.id)).ack).toBe(true);
  });

  it('lock() falsy → BUSY; unlock() must return truthy; unknown or lockless channel → BUSY', async () => {
    const { host, cam, clock } = await connected();
    const a = lockable(cam);
    cam.register({ name: 'nolock', backend: { size: () => 1 } });
    await clock.advance(20);
    a.state.lockRet = false;
    expect((await host.request(Opcode.CHANNEL_LOCK, a.h.id)).nak).toBe(Status.BUSY);
    a.state.lockRet = 1;
    await clock.advance(20);
    expect((await host.request(Opcode.CHANNEL_LOCK, a.h.id)).ack).toBe(true);
    a.state.unlockRet = undefined;
    expect((await host.request(Opcode.CHANNEL_UNLOCK, a.h.id)).nak).toBe(Status.BUSY);
    a.state.unlockRet = true;
    expect((await host.request(Opcode.CHANNEL_UNLOCK, a.h.id)).ack).toBe(true);
    await clock.advance(20);
    expect((await host.request(Opcode.CHANNEL_LOCK, 5)).nak).toBe(Status.BUSY);
    expect((await host.request(Opcode.CHANNEL_LOCK, 20)).nak).toBe(Status.BUSY);
    expect((await host.request(Opcode.CHANNEL_UNLOCK, 20)).nak).toBe(Status.BUSY);
  });

  it('SYNC unlocks every channel; READ ignores the lock', async () => {
    const { host, cam, clock } = await connected();
    const a = lockable(cam);
    await clock.advance(20);
    await host.request(Opcode.CHANNEL_LOCK, a.h.id);
    expect(a.state.locked).toBe(true);
    await host.sync();
    expect(a.state.locked).toBe(false);
  });
});

describe('events (§6)', () => {
  it('2-byte codes on CHANNEL_EVENT, NOTIFY without payload, seq not advanced', async () => {
    const { host, cam } = await connected();
    const h = cam.register({ name: 'ev', backend: { size: () => 0 } });
    await settle();
    host.events.length = 0;
    await h.sendEvent(0x1234);
    await h.sendEvent(0xffff);
    await settle();
    const [e1, e2] = host.events as [Packet, Packet];
    expect(e1).toMatchObject({ channel: h.id, opcode: Opcode.CHANNEL_EVENT, flags: Flag.EVENT, seq: 0 });
    expect(readU16(e1.payload)).toBe(0x1234);
    expect(e1.payload.length).toBe(2);
    expect(e2.payload.length).toBe(0);
    expect((await host.request(Opcode.PROTO_VERSION)).packets[0]!.seq).toBe(0);
  });

  it('CHANNEL_REGISTERED on run-time registration; nothing when events are off', async () => {
    const { host, cam } = await connected();
    cam.register({ name: 'late', backend: { size: () => 0 } });
    await settle();
    expect(host.events.map((e) => [e.opcode, e.channel, readU16(e.payload)])).toEqual([
      [Opcode.SYS_EVENT, 0, 0],
    ]);
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0x7, 4082));
    host.events.length = 0;
    const h = cam.register({ name: 'later', backend: { size: () => 0 } });
    await expect(h.sendEvent(1)).rejects.toThrow(/Failed to send/);
    await settle();
    expect(host.events).toEqual([]);
  });

  it('waitAck events carry ACK_REQ and block until the host ACKs', async () => {
    const { host, cam } = await connected();
    const h = cam.register({ name: 'ev', backend: { size: () => 0 } });
    await settle();
    host.events.length = 0;
    await h.sendEvent(7, { waitAck: true });
    expect(host.events[0]!.flags).toBe(Flag.EVENT | Flag.ACK_REQ);
  });

  it('no events before the host has spoken on the link', async () => {
    const { host, cam } = setup();
    const h = cam.register({ name: 'ev', backend: { size: () => 0 } });
    await expect(h.sendEvent(1)).rejects.toThrow();
    await settle();
    expect(host.all).toEqual([]);
  });
});

describe('soft reboot', () => {
  it('SOFT_REBOOT event, then protocol defaults and no dynamic channels', async () => {
    const { host, cam } = await connected();
    cam.register({ name: 'gone', backend: { size: () => 0 } });
    await host.request(Opcode.PROTO_SET_CAPS, 0, capsPayload(0xf, 300));
    await host.request(Opcode.PROTO_VERSION);
    host.events.length = 0;
    cam.softReboot();
    await settle();
    expect(host.events.map((e) => [e.opcode, readU16(e.payload)])).toEqual([[Opcode.SYS_EVENT, 2]]);
    await host.sync();
    expect(decodeCaps((await host.request(Opcode.PROTO_GET_CAPS)).body).maxPayload).toBe(4082);
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    expect(list.map((c) => c.name)).toEqual(['usb', 'stdin', 'stdout', 'stream']);
  });

  it('the demo script re-registers its channels after a soft reboot', async () => {
    const { host, cam } = await connected({ demo: true, width: 64, height: 48, fps: 1 });
    cam.softReboot();
    await settle();
    await host.sync();
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    expect(list.map((c) => `${c.id}:${c.name}:${c.flags}`)).toEqual([
      '0:usb:64',
      '1:stdin:6',
      '2:stdout:1',
      '3:stream:25',
      '4:temp:33',
      '5:config:35',
      '6:config.schema:33',
      '7:frame:33',
    ]);
    expect(host.events.filter((e) => e.opcode === Opcode.SYS_EVENT).map((e) => readU16(e.payload))).toEqual([
      2, 0, 0, 0, 0,
    ]);
    expect(ChannelFlag.DYNAMIC & list[4]!.flags).toBeTruthy();
  });
});

describe('packet trace (-v)', () => {
  it('logs received and sent packets, with the NAK status', async () => {
    const lines: string[] = [];
    const { host } = setup({ trace: (l) => lines.push(l) });
    await host.sync();
    host.send({ opcode: Opcode.CHANNEL_LIST, seq: 9 });
    await host.next();
    expect(lines).toEqual([
      'rx seq=0 ch=0 PROTO_SYNC - len=0',
      'tx seq=0 ch=0 PROTO_SYNC ACK len=0',
      'tx seq=0 ch=0 CHANNEL_LIST NAK len=2 SEQUENCE',
    ]);
  });
});
