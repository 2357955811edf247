// Backend introspection (py_protocol.c's has_method + derived flags) and the Python bridge's
// return-value conventions, checked over the wire.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChannelFlag,
  Opcode,
  Status,
  createLinkPair,
  decodeChannelList,
  encodeIoctlRequest,
  encodeReadRequest,
  encodeWriteRequest,
  readU32s,
} from '../protocol';
import { BACKEND_METHODS, createSimCam, derivedFlags, introspect, type SimCam } from '.';
import { RawHost } from './testkit';

const cams: SimCam[] = [];
afterEach(() => {
  for (const c of cams.splice(0)) c.close();
});

async function connected() {
  const cam = createSimCam({ demo: false });
  cams.push(cam);
  const [h, d] = createLinkPair();
  cam.attach(d);
  const host = new RawHost(h);
  await host.sync();
  return { cam, host };
}

function backendWith(methods: readonly string[]): Record<string, () => unknown> {
  const b: Record<string, () => unknown> = {};
  for (const m of methods) b[m] = () => undefined;
  return b;
}

function expectedFlags(methods: readonly string[]): number {
  let f = ChannelFlag.DYNAMIC;
  if (methods.includes('read') || methods.includes('readp')) f |= ChannelFlag.READ;
  if (methods.includes('write')) f |= ChannelFlag.WRITE;
  if (methods.includes('lock') && methods.includes('unlock')) f |= ChannelFlag.LOCK;
  return f;
}

describe('introspection', () => {
  const subsets = Array.from({ length: 1 << BACKEND_METHODS.length }, (_, mask) =>
    BACKEND_METHODS.filter((_, i) => mask & (1 << i)),
  );

  it('finds exactly the methods present, for each of the 4096 subsets', () => {
    for (const s of subsets) {
      const found = introspect(backendWith(s));
      expect([...found].sort()).toEqual([...s].sort());
      expect(derivedFlags(found)).toBe(expectedFlags(s));
    }
  });

  it('lists the derived flags over the wire for every subset (init must succeed)', async () => {
    // 28 dynamic slots per camera (ids 4…31).
    for (let i = 0; i < subsets.length; i += 28) {
      const { cam, host } = await connected();
      const batch = subsets.slice(i, i + 28);
      batch.forEach((s, j) => cam.register({ name: `c${i + j}`, backend: backendWith(s) }));
      const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body).slice(4);
      expect(list.map((c) => c.flags)).toEqual(batch.map(expectedFlags));
      cam.close();
      cams.length = 0;
    }
  });

  it('class instances: prototype methods count, camelCase isActive is accepted, user flags are OR-ed', () => {
    class Base {
      read(): string {
        return 'x';
      }
    }
    class Derived extends Base {
      lock(): boolean {
        return true;
      }
      unlock(): boolean {
        return true;
      }
      isActive(): boolean {
        return true;
      }
      notAMethod = 5;
    }
    const found = introspect(new Derived());
    expect([...found].sort()).toEqual(['is_active', 'lock', 'read', 'unlock']);
    expect(derivedFlags(found, ChannelFlag.STREAM)).toBe(
      ChannelFlag.READ | ChannelFlag.LOCK | ChannelFlag.DYNAMIC | ChannelFlag.STREAM,
    );
    // lock without unlock is not LOCK.
    expect(derivedFlags(introspect({ lock: () => true }))).toBe(ChannelFlag.DYNAMIC);
    // Object.prototype helpers never count.
    expect(introspect({}).size).toBe(0);
  });

  it('missing capabilities are refused before any backend method runs', async () => {
    const { cam, host } = await connected();
    const calls: string[] = [];
    const h = cam.register({
      name: 'sizeonly',
      backend: {
        size() {
          calls.push('size');
          return 3;
        },
      },
    });
    expect((await host.request(Opcode.CHANNEL_READ, h.id, encodeReadRequest(0, 3))).nak).toBe(Status.INVALID);
    expect(
      (await host.request(Opcode.CHANNEL_WRITE, h.id, encodeWriteRequest(0, Uint8Array.of(1)))).nak,
    ).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_SHAPE, h.id)).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_IOCTL, h.id, encodeIoctlRequest(1))).nak).toBe(Status.INVALID);
    expect((await host.request(Opcode.CHANNEL_UNLOCK, h.id)).nak).toBe(Status.BUSY);
    expect(calls).toEqual([]);
  });

  it('a throwing init() refuses the registration; names are cut to 13 characters', async () => {
    const { cam, host } = await connected();
    expect(() =>
      cam.register({
        name: 'bad',
        backend: {
          init() {
            throw new Error('no');
          },
        },
      }),
    ).toThrow(/Failed to register/);
    expect(() => cam.register({ name: 'tp', flags: ChannelFlag.PHYSICAL, backend: {} })).toThrow(/PHYSICAL/);
    expect(() => cam.register({ name: '', backend: {} })).toThrow(/name/);
    expect(() => createSimCam({ demo: false, faults: { dropRate: 5 } })).toThrow(/dropRate/);
    expect(() => createSimCam({ scenario: 'nope' })).toThrow(/unknown scenario/);
    const h = cam.register({ name: 'a-very-long-channel-name', backend: { init: () => false } });
    const list = decodeChannelList((await host.request(Opcode.CHANNEL_LIST)).body);
    expect(list.at(-1)).toEqual({ id: h.id, flags: ChannelFlag.DYNAMIC, name: 'a-very-long-c' });
    expect(list).toHaveLength(5);
  });
});

describe('return-value conventions (§5.4)', () => {
  const boom = (): never => {
    throw new Error('boom');
  };

  it('lock/unlock: truthy → ACK; false, undefined, null, 0, throw → BUSY', async () => {
    const { cam, host } = await connected();
    const cases: [unknown, number | undefined][] = [
      [true, undefined],
      [1, undefined],
      ['yes', undefined],
      [false, Status.BUSY],
      [undefined, Status.BUSY],
      [null, Status.BUSY],
      [0, Status.BUSY],
      [boom, Status.BUSY],
    ];
    for (const [ret, nak] of cases) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 'l', backend: { lock: () => true, unlock: fn } });
      const r = await host.request(Opcode.CHANNEL_UNLOCK, h.id);
      expect(r.nak, `unlock → ${String(ret)}`).toBe(nak);
    }
  });

  it('write: non-zero int → ACK; 0, undefined, null, true, a string or a float → FAILED; a throw → ACK', async () => {
    const { cam, host } = await connected();
    const cases: [unknown, number | undefined][] = [
      [5, undefined],
      [-1, undefined],
      [0, Status.FAILED],
      [undefined, Status.FAILED],
      [null, Status.FAILED],
      [true, Status.FAILED],
      ['ok', Status.FAILED],
      [1.5, Status.FAILED],
      [boom, undefined],
    ];
    for (const [ret, nak] of cases) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 'w', backend: { write: fn } });
      const r = await host.request(Opcode.CHANNEL_WRITE, h.id, encodeWriteRequest(0, Uint8Array.of(1, 2)));
      expect(r.nak, `write → ${String(ret)}`).toBe(nak);
    }
  });

  it('ioctl: undefined, null, 0 or non-int → ACK; non-zero int or a throw → FAILED', async () => {
    const { cam, host } = await connected();
    const cases: [unknown, number | undefined][] = [
      [undefined, undefined],
      [null, undefined],
      [0, undefined],
      [true, undefined],
      ['x', undefined],
      [3, Status.FAILED],
      [-1, Status.FAILED],
      [boom, Status.FAILED],
    ];
    for (const [ret, nak] of cases) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 'i', backend: { ioctl: fn } });
      const r = await host.request(Opcode.CHANNEL_IOCTL, h.id, encodeIoctlRequest(1, Uint8Array.of(9)));
      expect(r.nak, `ioctl → ${String(ret)}`).toBe(nak);
    }
  });

  it('size: int → u32, anything else or a throw → 0; shape: array of ≤ 4 ints, else no dimensions', async () => {
    const { cam, host } = await connected();
    const sizes: [unknown, number][] = [
      [42, 42],
      ['42', 0],
      [1.5, 0],
      [boom, 0],
    ];
    for (const [ret, want] of sizes) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 's', backend: { size: fn } });
      expect(readU32s((await host.request(Opcode.CHANNEL_SIZE, h.id)).body)).toEqual([want]);
    }
    const shapes: [unknown, number[]][] = [
      [
        [3, 4],
        [3, 4],
      ],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4],
      ],
      ['x', []],
      [boom, []],
    ];
    for (const [ret, want] of shapes) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 'sh', backend: { shape: fn } });
      expect(readU32s((await host.request(Opcode.CHANNEL_SHAPE, h.id)).body)).toEqual(want);
    }
  });

  it('read: str/bytes/ArrayBuffer copied up to size; empty, null or a throw → FAILED', async () => {
    const { cam, host } = await connected();
    const ok: [unknown, string][] = [
      ['hello', 'hel'],
      [Uint8Array.of(104, 105, 33), 'hi!'],
      [new TextEncoder().encode('abcdef').buffer, 'abc'],
    ];
    for (const [ret, want] of ok) {
      const h = cam.register({ name: 'r', backend: { read: () => ret } });
      const r = await host.request(Opcode.CHANNEL_READ, h.id, encodeReadRequest(0, 3));
      expect(new TextDecoder().decode(r.body)).toBe(want);
    }
    for (const ret of ['', null, undefined, 7, boom]) {
      const fn = typeof ret === 'function' ? (ret as () => unknown) : () => ret;
      const h = cam.register({ name: 'r', backend: { read: fn } });
      expect((await host.request(Opcode.CHANNEL_READ, h.id, encodeReadRequest(0, 3))).nak).toBe(
        Status.FAILED,
      );
    }
  });

  it('readp wins over read; a short buffer is padded to the requested length', async () => {
    const { cam, host } = await connected();
    const h = cam.register({ name: 'rp', backend: { read: () => 'nope', readp: () => Uint8Array.of(1, 2) } });
    const r = await host.request(Opcode.CHANNEL_READ, h.id, encodeReadRequest(0, 4));
    expect([...r.body]).toEqual([1, 2, 0, 0]);
  });

  it('poll: a throw counts as not ready', async () => {
    const { cam, host } = await connected();
    cam.register({ name: 'p1', backend: { poll: boom } });
    const h2 = cam.register({ name: 'p2', backend: { poll: () => 1 } });
    expect(readU32s((await host.request(Opcode.CHANNEL_POLL)).body)).toEqual([1 << h2.id]);
  });
});
