// Packet codec: field ranges, CRC-off encoding, RTX restamping, header helpers and decode errors.
import { describe, expect, it } from 'vitest';
import { Flag, HEADER_SIZE, Opcode } from './constants';
import { crc16, crc32 } from './crc';
import {
  decodePacket,
  describeFlags,
  encodePacket,
  headerValid,
  packetSize,
  readHeader,
  restampHeader,
  writePacket,
} from './packet';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const u16le = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32le = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

const base = { seq: 7, channel: 5, flags: 0, opcode: Opcode.CHANNEL_WRITE };
const payload = new TextEncoder().encode('{"quality": 50}');

describe('packetSize', () => {
  it('omits the payload CRC trailer only for empty payloads', () => {
    expect(packetSize(0)).toBe(10);
    expect(packetSize(1)).toBe(15);
    expect(packetSize(4082)).toBe(4096);
  });
});

describe('writePacket / encodePacket', () => {
  it('lays out header, header CRC, payload and payload CRC little-endian', () => {
    const wire = encodePacket({ ...base, payload });
    expect(wire.length).toBe(10 + payload.length + 4);
    expect([wire[0], wire[1], wire[2], wire[3], wire[4], wire[5]]).toEqual([0xaa, 0xd5, 7, 5, 0, 0x27]);
    expect(u16le(wire, 6)).toBe(payload.length);
    expect(u16le(wire, 8)).toBe(crc16(wire, 0, 8));
    expect(wire.subarray(10, 10 + payload.length)).toEqual(payload);
    expect(u32le(wire, 10 + payload.length)).toBe(crc32(payload));
  });

  it('writes a packet with no payload as exactly the 10-byte header', () => {
    expect(encodePacket({ seq: 0, channel: 0, flags: 0, opcode: 0 })).toEqual(hex('aad5000000000000b0ac'));
  });

  it.each([
    ['seq', 256],
    ['seq', -1],
    ['channel', 300],
    ['flags', 1.5],
    ['opcode', Number.NaN],
  ] as const)('rejects %s = %s with a RangeError naming the field', (field, value) => {
    expect(() => encodePacket({ ...base, [field]: value })).toThrow(new RegExp(`^${field} `));
    expect(() => encodePacket({ ...base, [field]: value })).toThrow(RangeError);
  });

  it('rejects a payload longer than the u16 length field', () => {
    expect(() => encodePacket({ ...base, payload: new Uint8Array(0x10000) })).toThrow(RangeError);
  });

  it('rejects a buffer that is too small, without writing anything', () => {
    const out = new Uint8Array(20).fill(0x11);
    expect(() => writePacket(out, 2, { ...base, payload: new Uint8Array(5) })).toThrow(/does not fit/);
    expect(out.every((b) => b === 0x11)).toBe(true);
  });

  it('writes at an offset and leaves the surrounding bytes alone', () => {
    const out = new Uint8Array(64).fill(0xee);
    const n = writePacket(out, 5, { ...base, payload });
    expect(n).toBe(packetSize(payload.length));
    expect(out.subarray(5, 5 + n)).toEqual(encodePacket({ ...base, payload }));
    expect(out.subarray(0, 5).every((b) => b === 0xee)).toBe(true);
    expect(out.subarray(5 + n).every((b) => b === 0xee)).toBe(true);
  });

  it('with CRC off writes zero CRCs and still keeps the 4 trailer bytes', () => {
    const wire = encodePacket({ ...base, payload }, { crc: false });
    expect(wire.length).toBe(packetSize(payload.length));
    expect(u16le(wire, 8)).toBe(0);
    expect(Array.from(wire.subarray(wire.length - 4))).toEqual([0, 0, 0, 0]);
    // everything but the CRC fields is identical to the CRC-on encoding
    const on = encodePacket({ ...base, payload });
    expect(wire.subarray(0, 8)).toEqual(on.subarray(0, 8));
    expect(wire.subarray(10, 10 + payload.length)).toEqual(on.subarray(10, 10 + payload.length));
  });

  it('with CRC off and no payload writes 10 bytes with a zero header CRC', () => {
    const wire = encodePacket({ seq: 1, channel: 0, flags: Flag.ACK, opcode: 1 }, { crc: false });
    expect(wire.length).toBe(HEADER_SIZE);
    expect(u16le(wire, 8)).toBe(0);
  });
});

describe('restampHeader', () => {
  it('marks a retransmission: new header CRC, payload and payload CRC untouched', () => {
    const first = encodePacket({ ...base, flags: Flag.ACK_REQ, payload });
    const rtx = first.slice();
    restampHeader(rtx, { flags: Flag.ACK_REQ | Flag.RTX });
    expect(rtx[4]).toBe(Flag.ACK_REQ | Flag.RTX);
    expect(headerValid(rtx)).toBe(true);
    expect(u16le(rtx, 8)).not.toBe(u16le(first, 8));
    expect(rtx.subarray(10)).toEqual(first.subarray(10));
    // byte-identical to encoding the retransmission from scratch
    expect(rtx).toEqual(encodePacket({ ...base, flags: Flag.ACK_REQ | Flag.RTX, payload }));
    expect(decodePacket(rtx)).toEqual({ ...base, flags: Flag.ACK_REQ | Flag.RTX, payload });
  });

  it('can change the seq alone', () => {
    const wire = encodePacket({ ...base, payload });
    restampHeader(wire, { seq: 200 });
    expect(decodePacket(wire).seq).toBe(200);
    expect(decodePacket(wire).flags).toBe(0);
  });

  it('with CRC off writes a zero header CRC', () => {
    const wire = encodePacket({ ...base, payload }, { crc: false });
    restampHeader(wire, { flags: Flag.RTX }, { crc: false });
    expect(u16le(wire, 8)).toBe(0);
    expect(wire[4]).toBe(Flag.RTX);
  });
});

describe('readHeader / headerValid', () => {
  it('reads every header field', () => {
    const wire = encodePacket({
      seq: 9,
      channel: 3,
      flags: 0x18,
      opcode: 0x26,
      payload: new Uint8Array(300),
    });
    expect(readHeader(wire)).toEqual({
      seq: 9,
      channel: 3,
      flags: 0x18,
      opcode: 0x26,
      length: 300,
      headerCrc: crc16(wire, 0, 8),
    });
  });

  it('refuses fewer than 10 bytes', () => {
    expect(() => readHeader(new Uint8Array(9))).toThrow(RangeError);
  });

  it('is false for a short buffer, a wrong sync word or a wrong header CRC', () => {
    const wire = encodePacket({ ...base, payload });
    expect(headerValid(wire)).toBe(true);
    expect(headerValid(wire.subarray(0, 9))).toBe(false);
    const badSync = wire.slice();
    badSync[1] = 0xd4;
    expect(headerValid(badSync)).toBe(false);
    const badCrc = wire.slice();
    badCrc[9]! ^= 0x01;
    expect(headerValid(badCrc)).toBe(false);
  });
});

describe('decodePacket', () => {
  const wire = encodePacket({ ...base, payload });

  it('decodes at an offset and returns a copy of the payload', () => {
    const buf = new Uint8Array(3 + wire.length);
    buf.set(wire, 3);
    const p = decodePacket(buf, 3);
    expect(p).toEqual({ ...base, payload });
    buf[13] = 0;
    expect(p.payload[0]).toBe(payload[0]);
  });

  it('rejects a missing sync word', () => {
    const b = wire.slice();
    b[0] = 0;
    expect(() => decodePacket(b)).toThrow(/sync/);
  });

  it('rejects a bad header CRC', () => {
    const b = wire.slice();
    b[2]! ^= 0x40;
    expect(() => decodePacket(b)).toThrow(/header CRC/);
  });

  it('rejects a truncated packet, saying how many bytes it needs', () => {
    expect(() => decodePacket(wire.subarray(0, wire.length - 1))).toThrow(`need ${wire.length} bytes`);
  });

  it('rejects a bad payload CRC, in the payload or in the trailer', () => {
    const inPayload = wire.slice();
    inPayload[12]! ^= 0x01;
    expect(() => decodePacket(inPayload)).toThrow(/payload CRC/);
    const inTrailer = wire.slice();
    inTrailer[wire.length - 1]! ^= 0x80;
    expect(() => decodePacket(inTrailer)).toThrow(/payload CRC/);
  });

  it('with CRC off ignores both CRC fields (the device sends uninitialised trailer bytes)', () => {
    const b = encodePacket({ ...base, payload }, { crc: false });
    b.set([0xde, 0xad, 0xbe, 0xef], b.length - 4);
    expect(decodePacket(b, 0, { crc: false })).toEqual({ ...base, payload });
    expect(() => decodePacket(b)).toThrow(/header CRC/);
  });
});

describe('describeFlags', () => {
  it('names each set bit and shows "-" for none', () => {
    expect(describeFlags(0)).toBe('-');
    expect(describeFlags(Flag.ACK_REQ | Flag.FRAGMENT)).toBe('ACK_REQ|FRAGMENT');
    expect(describeFlags(0x3f)).toBe('ACK|NAK|RTX|ACK_REQ|FRAGMENT|EVENT');
  });
});

// Found by mutation testing (npm run mutation): edges the tests above did not pin down.
describe('packet codec edges', () => {
  it('encodes the largest payload the u16 length allows, and names the field when it is exceeded', () => {
    expect(encodePacket({ ...base, payload: new Uint8Array(0xffff) })).toHaveLength(packetSize(0xffff));
    expect(() => encodePacket({ ...base, payload: new Uint8Array(0x10000) })).toThrow(/u16 length field/);
  });

  it('writes no payload CRC after an empty payload', () => {
    const out = new Uint8Array(20).fill(0x77);
    expect(writePacket(out, 0, base)).toBe(HEADER_SIZE);
    expect(out.subarray(HEADER_SIZE).every((b) => b === 0x77)).toBe(true);
  });

  it('restamping the flags keeps the seq', () => {
    const wire = encodePacket({ ...base, seq: 77, payload });
    restampHeader(wire, { flags: Flag.RTX });
    expect(decodePacket(wire)).toMatchObject({ seq: 77, flags: Flag.RTX });
  });

  it('readHeader counts from the offset', () => {
    expect(() => readHeader(new Uint8Array(12), 5)).toThrow(/need 10 bytes/);
    expect(readHeader(cat2(new Uint8Array(3), encodePacket(base)), 3).seq).toBe(base.seq);
  });

  it('headerValid checks the sync word even when the CRC covers it, and the length from the offset', () => {
    for (const [i, v] of [
      [0, 0xab],
      [1, 0xd4],
    ] as const) {
      const w = encodePacket(base);
      w[i] = v;
      restampHeader(w, {}); // a CRC that matches the wrong sync word
      expect(headerValid(w)).toBe(false);
    }
    // a 9-byte header whose missing CRC byte would read as 0: find one whose CRC high byte is 0
    const fields = Array.from({ length: 1 << 16 }, (_, k) => ({
      ...base,
      seq: k & 0xff,
      channel: k >> 8,
    })).find((f) => crc16(encodePacket(f), 0, 8) >>> 8 === 0)!;
    const nine = encodePacket(fields).subarray(0, 9);
    expect(headerValid(nine)).toBe(false);
    expect(headerValid(cat2(new Uint8Array(2), nine), 2)).toBe(false);
  });

  it('decodePacket checks the sync word with CRC off too, and counts a truncation from the offset', () => {
    const w = encodePacket(base, { crc: false });
    w[0] = 0;
    expect(() => decodePacket(w, 0, { crc: false })).toThrow(/sync/);
    const p = encodePacket({ ...base, payload });
    expect(() => decodePacket(cat2(new Uint8Array(4), p.subarray(0, p.length - 1)), 4)).toThrow(
      `need ${p.length} bytes`,
    );
  });
});

function cat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
