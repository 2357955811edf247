// Streaming parser: resync, each rejection counter, CRC-off mode, configure()/reset(), memory bound.
import { describe, expect, it } from 'vitest';
import { Flag, HEADER_SIZE, Opcode } from './constants';
import type { Packet } from './packet';
import { EMPTY, encodePacket, packetSize } from './packet';
import { PacketParser } from './parser';

const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** Payload bytes that cannot contain a sync byte, so a rejected packet's tail is plain garbage. */
const body = (n: number, fill = 0x41): Uint8Array => new Uint8Array(n).fill(fill);
const pkt = (seq: number, n = 0, extra: Partial<Packet> = {}): Packet => ({
  seq,
  channel: 3,
  flags: Flag.ACK_REQ,
  opcode: Opcode.CHANNEL_READ,
  payload: body(n, 0x41 + (seq % 20)),
  ...extra,
});
const wire = (p: Packet, crc = true): Uint8Array => encodePacket(p, { crc });

function pushAll(parser: PacketParser, chunks: Uint8Array[]): Packet[] {
  return chunks.flatMap((c) => parser.push(c));
}

describe('PacketParser', () => {
  it('returns whole packets from one chunk and from 1-byte chunks alike', () => {
    const packets = [pkt(0), pkt(1, 16), pkt(2, 4082), pkt(3, 1)];
    const stream = cat(...packets.map((p) => wire(p)));
    expect(new PacketParser({ maxPayload: 4082 }).push(stream)).toEqual(packets);
    const bytewise = new PacketParser({ maxPayload: 4082 });
    expect(
      pushAll(
        bytewise,
        Array.from(stream, (b) => Uint8Array.of(b)),
      ),
    ).toEqual(packets);
    expect(bytewise.stats).toMatchObject({ packets: 4, bytes: stream.length, garbageBytes: 0 });
  });

  it('defaults to CRC on and the minimum max payload (50)', () => {
    const parser = new PacketParser();
    expect(parser.options).toEqual({ crc: true, maxPayload: 50 });
    expect(parser.push(wire(pkt(0, 51)))).toEqual([]);
    expect(parser.stats.oversize).toBe(1);
  });

  it('resynchronises over garbage, including stray AA bytes and an AA at a chunk edge', () => {
    const garbage = Uint8Array.of(0x00, 0xaa, 0x00, 0xaa, 0xaa, 0x13, 0xd5, 0xff);
    const parser = new PacketParser({ maxPayload: 498 });
    const got = pushAll(parser, [garbage, Uint8Array.of(0xaa), wire(pkt(1, 10)), Uint8Array.of(0xaa)]);
    expect(got).toEqual([pkt(1, 10)]);
    expect(parser.stats.garbageBytes).toBe(garbage.length + 1);
    expect(parser.buffered).toBe(1); // the trailing AA might start a packet
    expect(parser.push(wire(pkt(2)).subarray(1))).toEqual([pkt(2)]);
  });

  it('counts and skips a header with a bad CRC, then finds the next packet', () => {
    const bad = wire(pkt(1, 20));
    bad[8]! ^= 0xff;
    const parser = new PacketParser({ maxPayload: 498 });
    expect(parser.push(cat(bad, wire(pkt(2, 5))))).toEqual([pkt(2, 5)]);
    expect(parser.stats).toMatchObject({ headerCrcErrors: 1, garbageBytes: bad.length, packets: 1 });
  });

  it('a stray sync word right before a packet costs only those two bytes (CRC on and off)', () => {
    for (const crc of [true, false]) {
      // CRC on: AA D5 AA D5 … fails the header CRC; CRC off: its length field (flags|opcode<<8) is oversize
      const parser = new PacketParser({ maxPayload: 498, crc });
      const p = pkt(1, 3, { flags: 0, opcode: Opcode.CHANNEL_READ });
      expect(parser.push(cat(Uint8Array.of(0xaa, 0xd5), wire(p, crc)))).toEqual([p]);
      expect(parser.stats.garbageBytes).toBe(2);
      expect(parser.stats.headerCrcErrors + parser.stats.oversize).toBe(1);
    }
  });

  it('counts and skips a length above maxPayload without waiting for its payload', () => {
    const big = wire(pkt(1, 499));
    const parser = new PacketParser({ maxPayload: 498 });
    // only the header arrives: it is rejected at once instead of holding 500 bytes back
    expect(parser.push(big.subarray(0, HEADER_SIZE))).toEqual([]);
    expect(parser.stats.oversize).toBe(1);
    expect(parser.buffered).toBe(0);
    expect(parser.push(cat(big.subarray(HEADER_SIZE), wire(pkt(2, 498))))).toEqual([pkt(2, 498)]);
    expect(parser.stats.garbageBytes).toBe(big.length);
  });

  it('counts a payload CRC error and recovers the next packet', () => {
    const bad = wire(pkt(1, 30));
    bad[15]! ^= 0x04;
    const parser = new PacketParser({ maxPayload: 498 });
    expect(parser.push(cat(bad, wire(pkt(2, 3))))).toEqual([pkt(2, 3)]);
    expect(parser.stats).toMatchObject({ payloadCrcErrors: 1, headerCrcErrors: 0, garbageBytes: bad.length });
    // what its intact header said, so a host without ACKs can tell its reply was the one lost
    expect(parser.lastCorrupt).toEqual({
      seq: 1,
      channel: 3,
      flags: Flag.ACK_REQ,
      opcode: Opcode.CHANNEL_READ,
      length: 30,
    });
  });

  it('finds a real packet hidden inside a rejected one', () => {
    // a corrupted outer packet whose payload happens to hold a complete valid packet
    const inner = wire(pkt(9, 4));
    const outer = wire({ ...pkt(1), payload: cat(body(3), inner, body(3)) });
    outer[outer.length - 1]! ^= 1;
    const parser = new PacketParser({ maxPayload: 498 });
    expect(parser.push(outer)).toEqual([pkt(9, 4)]);
    expect(parser.stats.payloadCrcErrors).toBe(1);
  });

  it('with CRC off skips both checks but still consumes the 4 trailer bytes', () => {
    const a = wire(pkt(1, 12), false);
    a.set([0xaa, 0xd5, 0xaa, 0xd5], a.length - 4); // uninitialised trailer that even looks like sync
    const b = wire(pkt(2), false);
    const c = wire(pkt(3, 1), false);
    c[8] = 0x5a; // header CRC field is not looked at either
    const parser = new PacketParser({ maxPayload: 498, crc: false });
    expect(pushAll(parser, [a, b, c])).toEqual([pkt(1, 12), pkt(2), pkt(3, 1)]);
    expect(parser.stats).toMatchObject({ garbageBytes: 0, headerCrcErrors: 0, payloadCrcErrors: 0 });
    expect(parser.stats.bytes).toBe(a.length + b.length + c.length);
  });

  it('with CRC on rejects packets sent with CRC off', () => {
    const parser = new PacketParser({ maxPayload: 498 });
    expect(parser.push(wire(pkt(1, 4), false))).toEqual([]);
    expect(parser.stats.headerCrcErrors).toBe(1);
  });

  it('with CRC off still rejects an oversize length', () => {
    const parser = new PacketParser({ maxPayload: 50, crc: false });
    expect(parser.push(cat(wire(pkt(1, 51), false), wire(pkt(2), false)))).toEqual([pkt(2)]);
    expect(parser.stats.oversize).toBe(1);
  });

  it('configure() after a SET_CAPS ACK switches CRC and max payload, keeping buffered bytes', () => {
    const parser = new PacketParser({ maxPayload: 4082, crc: true });
    const setCapsAck = wire({
      seq: 1,
      channel: 0,
      flags: Flag.ACK,
      opcode: Opcode.PROTO_SET_CAPS,
      payload: body(0),
    });
    const next = wire(pkt(2, 6000), false);
    // the ACK and the first bytes of the next (CRC-off, larger) packet arrive in one chunk
    expect(parser.push(cat(setCapsAck, next.subarray(0, 7)))).toHaveLength(1);
    expect(parser.buffered).toBe(7);
    parser.configure({ crc: false, maxPayload: 8178 });
    expect(parser.options).toEqual({ crc: false, maxPayload: 8178 });
    expect(parser.push(next.subarray(7))).toEqual([pkt(2, 6000)]);
    expect(parser.stats.garbageBytes).toBe(0);
    // and back to CRC on: a CRC-off packet is now rejected, a CRC-on one accepted
    parser.configure({ crc: true });
    expect(parser.push(cat(wire(pkt(3, 2), false), wire(pkt(4, 2))))).toEqual([pkt(4, 2)]);
    expect(parser.stats.headerCrcErrors).toBe(1);
  });

  it('configure() re-judges a header that was waiting for its payload', () => {
    const parser = new PacketParser({ maxPayload: 4082 });
    const p = wire(pkt(1, 1000));
    parser.push(p.subarray(0, 110)); // valid header, waiting for 904 more bytes
    expect(parser.buffered).toBe(110);
    parser.configure({ maxPayload: 500 });
    // the waiting header is now oversize: the next small packet must come out at once
    expect(parser.push(wire(pkt(2, 5)))).toEqual([pkt(2, 5)]);
    expect(parser.stats.oversize).toBe(1);
    expect(parser.stats.garbageBytes).toBe(110);
  });

  it('an empty push after a shrinking configure() drains to the new bound (fuzz seed 23770)', () => {
    const parser = new PacketParser({ maxPayload: 4082 });
    // a valid header waiting for 1000 bytes holds a small packet inside its claimed payload
    const waiting = cat(wire(pkt(1, 1000)).subarray(0, 600), wire(pkt(2, 5)));
    expect(parser.push(waiting)).toEqual([]);
    expect(parser.buffered).toBe(waiting.length);
    parser.configure({ maxPayload: 50 }); // keeps the last 2 × (50 + 14) bytes, more than one packet
    expect(parser.push(new Uint8Array(0))).toEqual([pkt(2, 5)]);
    expect(parser.buffered).toBeLessThan(50 + 14);
    expect(parser.stats.bytes + parser.stats.garbageBytes + parser.buffered).toBe(waiting.length);
  });

  it('works at the extremes of max payload (1 and 65535) and says which range is allowed', () => {
    for (const maxPayload of [1, 20]) {
      const parser = new PacketParser({ maxPayload });
      expect(parser.push(cat(wire(pkt(1, maxPayload)), wire(pkt(2, maxPayload + 1)), wire(pkt(3))))).toEqual([
        pkt(1, maxPayload),
        pkt(3),
      ]);
    }
    expect(new PacketParser({ maxPayload: 0xffff }).push(wire(pkt(1, 0xffff)))).toEqual([pkt(1, 0xffff)]);
    expect(() => new PacketParser({ maxPayload: 0 })).toThrow(/outside 1\.\.65535/);
  });

  it('an empty payload is the shared EMPTY array, not a new copy', () => {
    const [p] = new PacketParser().push(wire(pkt(1)));
    expect(p!.payload).toBe(EMPTY);
  });

  it('configure() rejects an invalid max payload and keeps the old options', () => {
    const parser = new PacketParser({ maxPayload: 498 });
    expect(() => parser.configure({ maxPayload: 0 })).toThrow(RangeError);
    expect(() => parser.configure({ maxPayload: 0x10000 })).toThrow(RangeError);
    expect(() => new PacketParser({ maxPayload: 12.5 })).toThrow(RangeError);
    expect(parser.options.maxPayload).toBe(498);
    expect(parser.push(wire(pkt(1, 498)))).toEqual([pkt(1, 498)]);
  });

  it('reset() drops a partial packet so its tail is treated as garbage', () => {
    const parser = new PacketParser({ maxPayload: 498 });
    const p = wire(pkt(1, 40));
    parser.push(p.subarray(0, 20));
    expect(parser.buffered).toBe(20);
    parser.reset();
    expect(parser.buffered).toBe(0);
    expect(parser.push(cat(p.subarray(20), wire(pkt(2, 1))))).toEqual([pkt(2, 1)]);
    expect(parser.stats.garbageBytes).toBe(p.length - 20);
  });

  it('returned payloads are copies: later input never changes an earlier packet', () => {
    const parser = new PacketParser({ maxPayload: 498 });
    const [first] = parser.push(wire(pkt(1, 100)));
    parser.push(wire(pkt(2, 100)));
    parser.push(wire(pkt(3, 100)));
    expect(first).toEqual(pkt(1, 100));
  });

  it('never holds more than one incomplete packet (bound: 2 × (maxPayload + 14))', () => {
    const maxPayload = 498;
    const parser = new PacketParser({ maxPayload });
    // worst cases: a valid header waiting for its maximum payload, and a flood of sync-looking bytes
    const waiting = wire(pkt(1, maxPayload)).subarray(0, packetSize(maxPayload) - 1);
    const syncFlood = new Uint8Array(5000).map((_, i) => (i % 2 ? 0xd5 : 0xaa));
    for (const chunk of [waiting, syncFlood, waiting, new Uint8Array(70000).fill(0xaa), waiting]) {
      parser.push(chunk);
      expect(parser.buffered).toBeLessThan(maxPayload + 14);
      expect(parser.buffered).toBeLessThanOrEqual(2 * (maxPayload + 14));
    }
  });
});
