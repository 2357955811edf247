// Property tests (fast-check) for the codec + streaming parser: round trips, chunking independence,
// resync over garbage, and CRC rejection of bit flips. Runs are bounded so the file takes seconds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEADER_SIZE, SYNC0, SYNC1 } from './constants';
import type { Packet } from './packet';
import { decodePacket, encodePacket, packetSize } from './packet';
import { PacketParser } from './parser';
import type { GarbageKind, Segment } from './testing/embedded';
import { embed, garbageKinds, mismatch, wireBytes } from './testing/embedded';

const SEED = 0x0c0ffee; // fixed so a CI failure reproduces; fast-check prints the path to shrink from
const BOARD_MAX = [50, 498, 4082, 8178] as const;

const byte = fc.integer({ min: 0, max: 255 });

function arbPacket(maxPayload: number, maxLen = maxPayload): fc.Arbitrary<Packet> {
  const len = Math.min(maxLen, maxPayload);
  return fc.record({
    seq: byte,
    channel: byte,
    flags: byte,
    opcode: byte,
    payload: fc.oneof(
      fc.constant(new Uint8Array(0)),
      fc.uint8Array({ minLength: len, maxLength: len }),
      fc.uint8Array({ minLength: 1, maxLength: len }),
    ),
  });
}

const cat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Feed `stream` in chunks whose sizes cycle through `sizes`. */
function parse(parser: PacketParser, stream: Uint8Array, sizes: readonly number[]): Packet[] {
  const out: Packet[] = [];
  for (let off = 0, k = 0; off < stream.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(...parser.push(stream.subarray(off, off + n)));
    off += n;
  }
  return out;
}

/** Every position where a packet the parser must accept lies (sync, header CRC, length, payload CRC). */
function validDecodes(
  stream: Uint8Array,
  maxPayload: number,
  crc = true,
): { at: number; end: number; packet: Packet }[] {
  const found = [];
  for (let i = 0; i + HEADER_SIZE <= stream.length; i++) {
    if (stream[i] !== SYNC0 || stream[i + 1] !== SYNC1) continue;
    const length = stream[i + 6]! | (stream[i + 7]! << 8);
    if (length > maxPayload) continue;
    try {
      found.push({ at: i, end: i + packetSize(length), packet: decodePacket(stream, i, { crc }) });
    } catch {
      // not a valid packet at i
    }
  }
  return found;
}

const key = (p: Packet): string => `${p.seq}/${p.channel}/${p.flags}/${p.opcode}/${p.payload.join(',')}`;

/**
 * What can soundly be asserted about a stream of real packets mixed with arbitrary bytes: the parser
 * accepts only packets that really are valid somewhere in the stream, and it recovers — in order —
 * every real packet that no other valid packet overlaps (an accidental valid packet that straddles a
 * real one may legitimately be taken first; nothing else can make the parser step over a real start).
 */
function expectRecovered(
  stream: Uint8Array,
  real: { at: number; end: number; packet: Packet }[],
  maxPayload: number,
  got: Packet[],
  crc = true,
): void {
  const valid = validDecodes(stream, maxPayload, crc);
  const realAt = new Set(real.map((r) => r.at));
  const accidental = valid.filter((v) => !realAt.has(v.at));
  const allowed = new Set(valid.map((v) => key(v.packet)));
  for (const p of got)
    expect(allowed.has(key(p)), `accepted a packet not in the stream: ${key(p)}`).toBe(true);
  const must = real
    .filter((r) => !accidental.some((a) => a.at < r.end && r.at < a.end))
    .map((r) => key(r.packet));
  let i = 0;
  for (const p of got) if (i < must.length && key(p) === must[i]) i++;
  expect(i, `recovered ${i} of ${must.length} unobstructed real packets`).toBe(must.length);
}

/** Real packets and garbage that is never a packet under `crc` (see testing/embedded.ts). */
function arbSegment(maxPayload: number, crc: boolean): fc.Arbitrary<Segment> {
  const fields = fc.record({ seq: byte, channel: byte, flags: byte, opcode: byte });
  const packet = fc.record({
    seq: byte,
    channel: byte,
    flags: byte,
    opcode: byte,
    payload: fc.oneof(
      fc.constant(new Uint8Array(0)),
      fc.uint8Array({ minLength: 1, maxLength: Math.min(maxPayload, 120) }),
      fc.uint8Array({ minLength: maxPayload, maxLength: maxPayload }),
    ),
  });
  const garbage: Record<GarbageKind, fc.Arbitrary<Segment>> = {
    random: fc.uint8Array({ maxLength: 80 }).map((bytes): Segment => ({ kind: 'random', bytes })),
    soup: fc
      .array(fc.boolean(), { minLength: 1, maxLength: 40 })
      .map((bits): Segment => ({ kind: 'soup', bits })),
    truncated: fc
      .tuple(packet, fc.nat())
      .map(([p, keep]): Segment => ({ kind: 'truncated', packet: p, keep })),
    corrupt: fc
      .tuple(packet, fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([p, at, xor]): Segment => ({ kind: 'corrupt', packet: p, at, xor })),
    stub: fields.map((f): Segment => ({ kind: 'stub', fields: f })),
    oversize: fc
      .tuple(fields, fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 0xffff })))
      .map(([f, excess]): Segment => ({ kind: 'oversize', fields: f, excess })),
  };
  const kinds = garbageKinds(crc).map((k) => garbage[k]);
  return fc.oneof(
    packet.map((p): Segment => ({ kind: 'packet', packet: p })),
    ...kinds,
  );
}

describe('parser properties', () => {
  it('packets embedded in garbage come out exactly, in order, and nothing else (CRC on and off)', () => {
    const arb = fc
      .record({ maxPayload: fc.constantFrom(50, 498), crc: fc.boolean() })
      .chain((opts) =>
        fc.tuple(
          fc.constant(opts),
          fc.array(arbSegment(opts.maxPayload, opts.crc), { minLength: 1, maxLength: 10 }),
          fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }),
        ),
      );
    fc.assert(
      fc.property(arb, ([opts, segments, splits]) => {
        const { stream, real } = embed(segments, opts);
        const parser = new PacketParser(opts);
        // compared once the whole stream is in: a payload that aliases the parser's buffer would show here
        const got = parse(parser, stream, splits);
        expect(mismatch(got, real)).toBeNull();
        expect(parser.stats).toMatchObject({ packets: real.length, bytes: wireBytes(real) });
        expect(parser.stats.garbageBytes).toBe(stream.length - wireBytes(real));
        expect(parser.buffered).toBe(0);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('round-trips every opcode × every flags byte (CRC on and off)', () => {
    for (const crc of [true, false]) {
      const packets: Packet[] = [];
      for (let opcode = 0; opcode < 256; opcode++) {
        for (let flags = 0; flags < 256; flags++) {
          const n = (opcode + flags) % 3;
          packets.push({
            seq: flags ^ opcode,
            channel: opcode,
            flags,
            opcode,
            payload: new Uint8Array(n).fill(flags),
          });
        }
      }
      const stream = cat(packets.map((p) => encodePacket(p, { crc })));
      const parser = new PacketParser({ maxPayload: 50, crc });
      const got = parse(parser, stream, [65536]);
      // compare by key: toEqual on 65536 objects costs a second
      expect(got.length).toBe(packets.length);
      expect(got.filter((p, i) => key(p) !== key(packets[i]!))).toEqual([]);
      expect(parser.stats).toMatchObject({ packets: 65536, bytes: stream.length, garbageBytes: 0 });
    }
  });

  it('encode → parse round trip for any fields and lengths 0, max and in between', () => {
    const arb = fc
      .record({ maxPayload: fc.constantFrom(...BOARD_MAX), crc: fc.boolean() })
      .chain(({ maxPayload, crc }) =>
        fc.record({
          maxPayload: fc.constant(maxPayload),
          crc: fc.constant(crc),
          packet: arbPacket(maxPayload),
        }),
      );
    fc.assert(
      fc.property(arb, ({ maxPayload, crc, packet }) => {
        const wire = encodePacket(packet, { crc });
        expect(wire.length).toBe(packetSize(packet.payload.length));
        const parser = new PacketParser({ maxPayload, crc });
        expect(parser.push(wire)).toEqual([packet]);
        expect(parser.buffered).toBe(0);
        expect(decodePacket(wire, 0, { crc })).toEqual(packet);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('1 byte at a time, 64 KB at a time and random splits give identical packets', () => {
    fc.assert(
      fc.property(
        fc.array(arbPacket(498, 600), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (packets, splits) => {
          const stream = cat(packets.map((p) => encodePacket(p)));
          const one = parse(new PacketParser({ maxPayload: 498 }), stream, [1]);
          const big = parse(new PacketParser({ maxPayload: 498 }), stream, [65536]);
          const rnd = parse(new PacketParser({ maxPayload: 498 }), stream, splits);
          expect(big).toEqual(packets);
          expect(one).toEqual(packets);
          expect(rnd).toEqual(packets);
        },
      ),
      { numRuns: 120, seed: SEED },
    );
  });

  it('garbage without AA D5 between packets: every packet recovered, every garbage byte counted', () => {
    // clear any D5 right after an AA so the garbage holds no sync word (junctions cannot form one either:
    // a packet starts with AA, not D5, and garbage after a packet is only reached once it was taken)
    const garbage = fc.uint8Array({ maxLength: 64 }).map((g) => {
      for (let i = 1; i < g.length; i++) if (g[i - 1] === SYNC0 && g[i] === SYNC1) g[i] = 0;
      return g;
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, arbPacket(498, 300)), { minLength: 1, maxLength: 10 }),
        garbage,
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 10 }),
        (pairs, tail, splits) => {
          const stream = cat([...pairs.flatMap(([g, p]) => [g, encodePacket(p)]), tail]);
          const parser = new PacketParser({ maxPayload: 498 });
          expect(parse(parser, stream, splits)).toEqual(pairs.map(([, p]) => p));
          const garbageBytes = pairs.reduce((n, [g]) => n + g.length, 0) + tail.length;
          // a trailing AA may be held back as a possible packet start
          expect(parser.stats.garbageBytes + parser.buffered).toBe(garbageBytes);
          expect(parser.stats).toMatchObject({ headerCrcErrors: 0, payloadCrcErrors: 0, oversize: 0 });
        },
      ),
      { numRuns: 150, seed: SEED },
    );
  });

  it('arbitrary garbage between packets (CRC on/off): only valid packets accepted, unobstructed ones recovered', () => {
    const maxPayload = 200;
    const other = arbPacket(maxPayload, 80).map((p) => encodePacket(p));
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constant(Uint8Array.of(SYNC0, SYNC1)),
      fc.constant(Uint8Array.of(SYNC0, SYNC1, SYNC0, SYNC1, 0, 0, 0, 0)),
      // a packet cut short: its valid header makes the parser wait, then it must rescan what followed
      other.chain((w) => fc.integer({ min: 1, max: w.length - 1 }).map((n) => w.subarray(0, n))),
      // a packet with one byte corrupted
      fc.tuple(other, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([w, i, x]) => {
        const c = w.slice();
        c[i % c.length]! ^= x;
        return c;
      }),
      // a whole valid packet that is not ours: an accidental packet the parser may accept
      other,
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(garbage, { maxLength: 3 }), arbPacket(maxPayload, 120)), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (pairs, splits, crc) => {
          const parts: Uint8Array[] = [];
          const real: { at: number; end: number; packet: Packet }[] = [];
          let at = 0;
          for (const [gs, p] of pairs) {
            for (const g of gs) {
              parts.push(g);
              at += g.length;
            }
            const w = encodePacket(p, { crc });
            parts.push(w);
            real.push({ at, end: at + w.length, packet: p });
            at += w.length;
          }
          // trailing filler without AA lets a header that is still waiting complete and be judged
          parts.push(new Uint8Array(maxPayload + 14));
          const stream = cat(parts);
          const parser = new PacketParser({ maxPayload, crc });
          const got = parse(parser, stream, splits);
          // with CRC off any AA D5 with a small length is a valid packet, so fewer real ones are protected
          expectRecovered(stream, real, maxPayload, got, crc);
          expect(parser.stats.bytes + parser.stats.garbageBytes + parser.buffered).toBe(stream.length);
        },
      ),
      { numRuns: 200, seed: SEED },
    );
  });

  it('1–3 flipped bits never yield a wrong packet when CRC is on', () => {
    const maxPayload = 600;
    fc.assert(
      fc.property(
        arbPacket(maxPayload),
        arbPacket(maxPayload, 40),
        fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
        (packet, next, positions) => {
          const corrupted = encodePacket(packet);
          const bits = corrupted.length * 8;
          const flips = [...new Set(positions.map((b) => b % bits))];
          for (const b of flips) corrupted[b >> 3]! ^= 1 << (b & 7);
          if (flips.length === 0) return;
          // the codec alone detects it ...
          expect(() => decodePacket(corrupted)).toThrow();
          // ... and the parser neither accepts it nor loses the packet that follows
          const good = encodePacket(next);
          const stream = cat([corrupted, good, new Uint8Array(maxPayload + 14)]);
          const parser = new PacketParser({ maxPayload });
          const got = parse(parser, stream, [stream.length]);
          const real = [{ at: corrupted.length, end: corrupted.length + good.length, packet: next }];
          expectRecovered(stream, real, maxPayload, got);
          const rejected =
            parser.stats.headerCrcErrors + parser.stats.payloadCrcErrors + parser.stats.garbageBytes;
          expect(rejected).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });
});
