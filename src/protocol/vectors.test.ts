// The 29 byte-exact vectors of the protocol reference (copied into this folder as vectors.fixture.json).
import { describe, expect, it } from 'vitest';
import vectors from './vectors.fixture.json';
import { crc16, crc32 } from './crc';
import { decodePacket, encodePacket } from './packet';
import { PacketParser } from './parser';
import { decodeStreamHeader, encodeStreamHeader } from './payloads';

interface Vector {
  name: string;
  kind: string;
  input_hex: string;
  expected_hex: string;
  expected_int?: string;
  seq?: number;
  channel?: number;
  flags?: number;
  opcode?: number;
  fields?: { width: number; height: number; pixfmt: string; size: number; offset: number; fps: number };
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const all = (vectors as { vectors: Vector[] }).vectors;

describe('reference vectors', () => {
  it('has all 29 vectors', () => expect(all).toHaveLength(29));

  for (const v of all) {
    it(v.name, () => {
      const input = hex(v.input_hex);
      switch (v.kind) {
        case 'crc16':
          expect(crc16(input)).toBe(Number(v.expected_int));
          break;
        case 'crc32':
          expect(crc32(input)).toBe(Number(v.expected_int));
          break;
        case 'packet': {
          const fields = { seq: v.seq!, channel: v.channel!, flags: v.flags!, opcode: v.opcode! };
          const wire = encodePacket({ ...fields, payload: input });
          expect(toHex(wire)).toBe(v.expected_hex);
          expect(decodePacket(hex(v.expected_hex))).toEqual({ ...fields, payload: input });
          const parser = new PacketParser({ maxPayload: 4082, crc: true });
          expect(parser.push(hex(v.expected_hex))).toEqual([{ ...fields, payload: input }]);
          break;
        }
        case 'stream_header': {
          const f = v.fields!;
          const h = { ...f, pixfmt: Number(f.pixfmt) };
          expect(toHex(encodeStreamHeader(h))).toBe(v.expected_hex);
          expect(decodeStreamHeader(hex(v.expected_hex))).toEqual(h);
          break;
        }
        default:
          throw new Error(`unknown vector kind ${v.kind}`);
      }
    });
  }
});
