// Deterministic fuzz of the streaming parser: 120 000 random and mutated buffers through long-lived
// parsers (CRC on/off, several max payloads, occasional configure()/reset()). Checks after every buffer:
// no throw, bounded memory, byte accounting, and that chunking never changes the result. Then an oracle:
// 10 000 streams of real packets embedded in garbage must give back exactly the real packets.
// Nightly scale (`npm run fuzz`): FUZZ_CASES / FUZZ_ORACLE_CASES set the counts, FUZZ_SEED the seed.
import { describe, expect, it } from 'vitest';
import { Flag, HEADER_SIZE, Opcode, PAYLOAD_CRC_SIZE } from './constants';
import type { Packet } from './packet';
import { encodePacket, packetSize } from './packet';
import type { ParserOptions } from './parser';
import { PacketParser } from './parser';
import { embed, mismatch, randomSegments, wireBytes } from './testing/embedded';

const count = (v: string | undefined, fallback: number): number => (v ? Number(v) : fallback);
const BUFFERS = count(process.env.FUZZ_CASES, 120_000);
const ORACLE_CASES = count(process.env.FUZZ_ORACLE_CASES, Math.round(BUFFERS / 12));
const SEED = count(process.env.FUZZ_SEED, 20261122);
/** A run of 10^6 buffers takes ~15 s alone; on a loaded machine allow far more. */
const TIMEOUT = Math.max(20_000, (BUFFERS + ORACLE_CASES) / 10);

/** mulberry32: small, fast, seedable; the fuzz must replay identically on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const CONFIGS: ParserOptions[] = [
  { maxPayload: 50, crc: true },
  { maxPayload: 498, crc: true },
  { maxPayload: 4082, crc: true },
  { maxPayload: 498, crc: false },
];

/** Plain checks inside the hot loop: vitest's expect() costs microseconds, which 10^6 calls cannot afford. */
function check(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

function samePackets(a: Packet[], b: Packet[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.seq !== y.seq || x.channel !== y.channel || x.flags !== y.flags || x.opcode !== y.opcode)
      return false;
    if (x.payload.length !== y.payload.length || x.payload.some((v, j) => v !== y.payload[j])) return false;
  }
  return true;
}

const sameStats = (a: PacketParser['stats'], b: PacketParser['stats']): boolean =>
  (Object.keys(a) as (keyof typeof a)[]).every((k) => a[k] === b[k]);

describe('parser fuzz', () => {
  it(
    `survives ${BUFFERS} random and mutated buffers with bounded memory and exact accounting`,
    () => {
      const rnd = prng(SEED);
      const int = (n: number): number => Math.floor(rnd() * n);
      const randomBytes = (n: number): Uint8Array => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = int(256);
        return b;
      };

      const validPacket = (crc: boolean, maxLen: number): Uint8Array =>
        encodePacket(
          {
            seq: int(256),
            channel: int(8),
            flags: [0, Flag.ACK, Flag.NAK, Flag.ACK_REQ | Flag.FRAGMENT, Flag.EVENT][int(5)]!,
            opcode: [Opcode.PROTO_SYNC, Opcode.CHANNEL_READ, Opcode.CHANNEL_EVENT, int(256)][int(4)]!,
            payload: randomBytes(int(4) === 0 ? 0 : int(maxLen + 1)),
          },
          { crc },
        );

      /** A few valid packets, then mutated: the inputs most likely to reach deep parser states. */
      function mutated(crc: boolean, maxPayload: number): Uint8Array {
        const parts: Uint8Array[] = [];
        const count = 1 + int(4);
        for (let i = 0; i < count; i++) parts.push(validPacket(crc, Math.min(maxPayload + 4, 300)));
        let b = concat(parts);
        const ops = 1 + int(4);
        for (let k = 0; k < ops && b.length > 0; k++) {
          const at = int(b.length);
          switch (int(7)) {
            case 0: // flip a bit
              b[at]! ^= 1 << int(8);
              break;
            case 1: // overwrite a byte (often a length byte or CRC)
              b[at] = int(256);
              break;
            case 2: // cut the buffer short
              b = b.subarray(0, at);
              break;
            case 3: // drop a range
              b = concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(20)))]);
              break;
            case 4: // insert a sync word
              b = concat([b.subarray(0, at), Uint8Array.of(0xaa, 0xd5), b.subarray(at)]);
              break;
            case 5: // insert random bytes
              b = concat([b.subarray(0, at), randomBytes(1 + int(16)), b.subarray(at)]);
              break;
            default: // duplicate a range (a retransmission glued onto a partial packet)
              b = concat([b.subarray(0, at), b.subarray(int(at + 1)), b.subarray(at)]);
          }
        }
        return b;
      }

      // Each config drives two parsers fed the same bytes: one buffer at a time, and in random chunks.
      const lanes = CONFIGS.map((opts) => ({
        whole: new PacketParser(opts),
        chunked: new PacketParser(opts),
        pushed: 0,
        dropped: 0,
        packetBytes: 0,
        packets: 0,
      }));

      let totalPackets = 0;
      for (let n = 0; n < BUFFERS; n++) {
        const lane = lanes[int(lanes.length)]!;
        const { maxPayload, crc } = lane.whole.options;
        const kind = int(10);
        const buf =
          kind < 4
            ? randomBytes(int(kind === 0 ? 2000 : 120))
            : kind < 5
              ? new Uint8Array(int(60)).map(() => (int(2) ? 0xaa : 0xd5)) // sync-byte soup
              : mutated(crc, maxPayload);

        const a = lane.whole.push(buf);
        // an empty buffer is pushed as such to both: even an empty push must drain
        const b: Packet[] = buf.length === 0 ? lane.chunked.push(buf) : [];
        for (let off = 0; off < buf.length;) {
          const len = 1 + int(int(4) === 0 ? 2 : 200);
          b.push(...lane.chunked.push(buf.subarray(off, off + len)));
          off += len;
        }
        lane.pushed += buf.length;

        const at = (): string => `buffer #${n} (${buf.length} B, ${JSON.stringify(lane.whole.options)})`;
        // chunking never changes the outcome
        check(samePackets(a, b), () => `${at()}: chunked parse returned other packets`);
        check(sameStats(lane.chunked.stats, lane.whole.stats), () => `${at()}: chunked stats differ`);
        check(lane.chunked.buffered === lane.whole.buffered, () => `${at()}: chunked buffered differs`);

        // accepted packets are well-formed for this config
        for (const p of a) {
          check(p.payload.length <= maxPayload, () => `${at()}: payload of ${p.payload.length} accepted`);
          lane.packetBytes += packetSize(p.payload.length);
        }
        lane.packets += a.length;
        totalPackets += a.length;

        // memory bound: never more than 2 × the largest packet, in fact less than one packet
        const bound = 2 * (maxPayload + HEADER_SIZE + PAYLOAD_CRC_SIZE);
        check(lane.whole.buffered <= bound, () => `${at()}: ${lane.whole.buffered} B buffered > ${bound}`);
        check(lane.whole.buffered < bound / 2, () => `${at()}: more than one incomplete packet buffered`);

        // accounting: every byte pushed is a packet byte, a garbage byte, still buffered, or reset away
        const s = lane.whole.stats;
        check(s.packets === lane.packets && s.bytes === lane.packetBytes, () => `${at()}: packet stats off`);
        check(
          s.bytes + s.garbageBytes + lane.whole.buffered + lane.dropped === lane.pushed,
          () =>
            `${at()}: ${lane.pushed} B pushed but stats account for ${s.bytes + s.garbageBytes} + buffered`,
        );

        // now and then: a reset (after SYNC) or a caps change, applied to both parsers alike
        const event = int(500);
        if (event === 0) {
          lane.dropped += lane.whole.buffered;
          lane.whole.reset();
          lane.chunked.reset();
        } else if (event === 1) {
          const next = { maxPayload: [50, 498, 4082, 8178][int(4)]!, crc: int(2) === 0 };
          lane.whole.configure(next);
          lane.chunked.configure(next);
        }
      }

      // the fuzz reached the interesting states, not just garbage skipping
      const sum = (k: keyof PacketParser['stats']): number => lanes.reduce((n, l) => n + l.whole.stats[k], 0);
      // at the default 120 000 buffers: > 10 000 packets, > 1000 of each CRC error, > 100 oversize
      expect(totalPackets).toBeGreaterThan(BUFFERS / 12);
      expect(sum('headerCrcErrors')).toBeGreaterThan(BUFFERS / 120);
      expect(sum('payloadCrcErrors')).toBeGreaterThan(BUFFERS / 120);
      expect(sum('oversize')).toBeGreaterThan(BUFFERS / 1200);
    },
    TIMEOUT,
  );

  it(
    `gives back exactly the real packets embedded in ${ORACLE_CASES} garbage streams, nothing else`,
    () => {
      const rnd = prng(SEED ^ 0x5eed);
      const int = (n: number): number => Math.floor(rnd() * n);
      let real = 0;
      for (let n = 0; n < ORACLE_CASES; n++) {
        const opts = CONFIGS[int(CONFIGS.length)]!;
        const { stream, real: want } = embed(randomSegments(int, opts), opts);
        const parser = new PacketParser(opts);
        const got: Packet[] = [];
        for (let off = 0; off < stream.length;) {
          const len = int(4) === 0 ? stream.length : 1 + int(500);
          got.push(...parser.push(stream.subarray(off, off + len)));
          off += len;
        }
        const at = `stream #${n} (${stream.length} B, ${JSON.stringify(opts)}, seed ${SEED})`;
        const wrong = mismatch(got, want);
        check(wrong === null, () => `${at}: ${wrong}`);
        const s = parser.stats;
        check(s.packets === want.length && s.bytes === wireBytes(want), () => `${at}: packet stats off`);
        check(s.garbageBytes === stream.length - s.bytes, () => `${at}: garbage bytes ${s.garbageBytes} off`);
        check(parser.buffered === 0, () => `${at}: ${parser.buffered} B left buffered after the filler`);
        real += want.length;
      }
      expect(real).toBeGreaterThan(ORACLE_CASES);
    },
    TIMEOUT,
  );
});
