// Recovery from one corrupted device packet, against the mini device (firmware NAK and read()-path
// behaviour): never NAK, abandon the exchange, resync at once, retry what is idempotent, decide a WRITE by
// read-back, discard the stale tail, restore the caps after any reset. Deadlines are generous on purpose:
// each test proves "no deadline was waited out" with a 5 s reply timeout, not a speed.
import { describe, expect, it } from 'vitest';
import {
  ChannelFlag,
  Flag,
  Opcode,
  PacketParser,
  PixFormat,
  createLinkPair,
  encodePacket,
  encodeStreamHeader,
  u32s,
} from '../protocol';
import type { ByteLink, Packet } from '../protocol';
import { Camera } from './camera';
import type { CameraOptions } from './camera';
import { ProtocolClient, repairHeaders } from './client';
import type { ClientOptions } from './client';
import { ConfigChannel } from './config';
import { ChecksumError } from './errors';
import { MiniDevice } from './testing/mini-device';
import type { FlipPart, MiniDeviceOptions } from './testing/mini-device';
import { memoryTransport } from './transport';

const blob = (n: number, salt = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7 + salt) & 0xff);

/** Packets the host wrote (a spy on the device end). */
function spy(device: ByteLink): Packet[] {
  const parser = new PacketParser({ maxPayload: 8178, crc: true });
  const out: Packet[] = [];
  device.onData((c) => out.push(...parser.push(c)));
  return out;
}

const naksSent = (wire: Packet[]): number => wire.filter((p) => p.flags & Flag.NAK).length;

function rawClient(opts: ClientOptions = {}, dev: MiniDeviceOptions = {}) {
  const [host, device] = createLinkPair();
  const sim = new MiniDevice(device, dev);
  const wire = spy(device);
  const client = new ProtocolClient(memoryTransport(host), { timeoutMs: 5000, ...opts });
  return { sim, client, wire };
}

/** A stream-like channel (lock, size, readp) whose frame is always ready; frame n is stamped in byte 32. */
function benchFrame(sim: MiniDevice, bytes = 9000): { id: number; frame: Uint8Array } {
  const frame = new Uint8Array(32 + bytes);
  frame.set(
    encodeStreamHeader({ width: 8, height: 8, pixfmt: PixFormat.JPEG, size: bytes, offset: 32, fps: 90 }),
  );
  frame.set(blob(bytes), 32);
  const id = sim.addChannel({
    name: 'benchframe',
    flags: ChannelFlag.READ | ChannelFlag.LOCK,
    size: () => frame.length,
    read: (o, l) => frame.subarray(o, o + l),
    lock: () => true,
    unlock: () => true,
  });
  return { id, frame };
}

function configChannel(sim: MiniDevice): { id: number; applied: () => number } {
  let config: Record<string, number> = { quality: 50 };
  let applied = 0;
  const enc = (): Uint8Array => new TextEncoder().encode(JSON.stringify(config));
  const id = sim.addChannel({
    name: 'config',
    flags: ChannelFlag.READ | ChannelFlag.WRITE,
    chunked: true,
    size: () => enc().length,
    read: (o, l) => enc().subarray(o, o + l),
    write: (_o, d) => {
      applied++;
      config = { ...config, ...(JSON.parse(new TextDecoder().decode(d)) as Record<string, number>) };
      return true;
    },
  });
  return { id, applied: () => applied };
}

async function camRig(opts: CameraOptions = {}, dev: MiniDeviceOptions = {}) {
  const [host, device] = createLinkPair();
  const sim = new MiniDevice(device, dev);
  const bench = benchFrame(sim);
  const cfg = configChannel(sim);
  const wire = spy(device);
  const camera = new Camera(memoryTransport(host), { timeoutMs: 5000, ...opts });
  await camera.connect();
  return { sim, camera, wire, bench, cfg };
}

/** A readp-like channel serving `data`; returns a whole-channel READ through `client`. */
function bulkReader(sim: MiniDevice, client: ProtocolClient, data: Uint8Array): () => Promise<Uint8Array> {
  const ch = sim.addChannel({
    name: 'bulk',
    flags: ChannelFlag.READ,
    read: (o, l) => data.subarray(o, o + l),
  });
  return () =>
    client.request(Opcode.CHANNEL_READ, ch, u32s(0, data.length), {
      expectBytes: data.length,
      maxBytes: data.length,
    });
}

describe('one corrupted device packet, client level', () => {
  for (const part of ['header', 'payload'] as FlipPart[]) {
    it(`ACK on, ${part} of a READ fragment: abandoned at once, no NAK, the next READ after the resync is intact`, async () => {
      const { sim, client, wire } = rawClient();
      await client.sync();
      const data = blob(20_000);
      const read = bulkReader(sim, client, data);
      sim.faults.flipNext(part, { opcode: Opcode.CHANNEL_READ });
      const err = await read().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChecksumError);
      expect(sim.faults.pendingFlip()).toBe(false);
      expect(naksSent(wire)).toBe(0);
      expect(client.stats.timeouts).toBe(0);
      await client.sync();
      expect(await read()).toEqual(data);
      // the device was never pushed into its NAK burst: no retransmission, only our SYNCs reset it
      expect(sim.stats).toMatchObject({ naks: 0, retransmits: 0 });
      client.close();
    });

    it(`ACK off, ${part} of a READ fragment: the fragments still coming are discarded until the SYNC ACK`, async () => {
      const { sim, client, wire } = rawClient({ caps: { ack: false }, maxPayload: 498 });
      await client.sync();
      const data = blob(20_000, 3);
      const read = bulkReader(sim, client, data);
      sim.faults.flipNext(part, { opcode: Opcode.CHANNEL_READ });
      expect(await read().catch((e: unknown) => e)).toBeInstanceOf(ChecksumError);
      await client.sync();
      expect(client.caps).toMatchObject({ ack: false, maxPayload: 498 });
      expect(await read()).toEqual(data);
      expect(naksSent(wire)).toBe(0);
      expect(client.stats.timeouts).toBe(0);
      client.close();
    });
  }

  it('read() path: the pieces sent after the SYNC are ACKed and discarded, not delivered; the resync stays in step', async () => {
    const { sim, client } = rawClient();
    await client.sync();
    const text = blob(2000, 9); // 4 pieces of 512
    let reads = 0;
    const ch = sim.addChannel({
      name: 'pyread',
      flags: ChannelFlag.READ,
      chunked: true,
      read: (o, l) => {
        reads++;
        return text.subarray(o, o + l);
      },
    });
    const read = () =>
      client.request(Opcode.CHANNEL_READ, ch, u32s(0, text.length), { expectBytes: text.length });
    sim.faults.flipNext('payload', { opcode: Opcode.CHANNEL_READ });
    expect(await read().catch((e: unknown) => e)).toBeInstanceOf(ChecksumError);
    await client.sync(); // the device sends pieces 2 and 3 (seq 0, 1) after its SYNC ACK
    expect(client.recovery.stalePackets).toBeGreaterThanOrEqual(2);
    expect(client.recovery.tailResends).toBe(1); // GET_CAPS was refused behind the tail, sent again
    expect(client.caps.maxPayload).toBe(4082);
    expect(await read()).toEqual(text);
    expect(reads).toBe(2);
    expect((await client.request(Opcode.PROTO_VERSION)).length).toBe(16);
    expect(client.stats.timeouts + client.stats.sequenceErrors).toBe(0);
    client.close();
  });
});

describe('what a damaged packet was', () => {
  it('repairHeaders undoes any one-bit error in bytes 2..9 (CRC-16 corrects one bit)', () => {
    const clean = encodePacket({
      seq: 7,
      channel: 3,
      flags: Flag.ACK_REQ,
      opcode: Opcode.CHANNEL_READ,
      payload: blob(4),
    });
    for (let byte = 2; byte < 10; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const hit = clean.slice();
        hit[byte]! ^= 1 << bit;
        expect(repairHeaders(hit)).toEqual([
          { seq: 7, channel: 3, flags: Flag.ACK_REQ, opcode: Opcode.CHANNEL_READ, length: 4 },
        ]);
      }
    }
    expect(repairHeaders(clean)).toEqual([]);
  });

  it('a corrupted event header is not the reply: a pending IOCTL (not idempotent) completes, no resync', async () => {
    const { sim, client, wire } = rawClient();
    await client.sync();
    const ch = sim.addChannel({ name: 'ctl', flags: ChannelFlag.WRITE, ioctl: () => true });
    sim.faults.flipNext('header', { opcode: Opcode.CHANNEL_EVENT });
    sim.hooks.set(Opcode.CHANNEL_IOCTL, () => {
      sim.event(ch, 0xffff); // damaged on the way, just ahead of the reply
      return { ack: true };
    });
    const resyncs = client.stats.resyncs;
    await client.request(Opcode.CHANNEL_IOCTL, ch, u32s(1));
    expect(sim.faults.pendingFlip()).toBe(false);
    expect(client.stats.crcErrors).toBeGreaterThan(0);
    expect(client.recovery.abandoned).toBe(0);
    expect(client.resyncReason).toBeNull();
    expect(client.stats.resyncs).toBe(resyncs);
    expect(naksSent(wire)).toBe(0);
    client.close();
  });

  it('a hit sync byte (the packet reads as garbage) still fails the exchange at once', async () => {
    const { sim, client } = rawClient();
    await client.sync();
    sim.hooks.set(Opcode.PROTO_VERSION, (p) => {
      const pkt = encodePacket({
        seq: sim.S,
        channel: 0,
        flags: Flag.ACK_REQ,
        opcode: p.opcode,
        payload: blob(16),
      });
      pkt[0]! ^= 0x01;
      return { raw: [pkt] };
    });
    expect(await client.request(Opcode.PROTO_VERSION).catch((e: unknown) => e)).toBeInstanceOf(ChecksumError);
    expect(client.stats.timeouts).toBe(0);
    client.close();
  });
});

describe('one corrupted device packet, camera level', () => {
  const cases: Array<[string, FlipPart, number]> = [
    ['LOCK reply header', 'header', Opcode.CHANNEL_LOCK],
    ['SIZE reply header', 'header', Opcode.CHANNEL_SIZE],
    ['SIZE reply payload', 'payload', Opcode.CHANNEL_SIZE],
    ['READ fragment header', 'header', Opcode.CHANNEL_READ],
    ['READ fragment payload', 'payload', Opcode.CHANNEL_READ],
  ];
  for (const ack of [true, false]) {
    for (const [what, part, opcode] of cases) {
      it(`readFrame, ACK ${ack ? 'on' : 'off'}, ${what}: the frame arrives intact after a resync`, async () => {
        const { sim, camera, wire, bench } = await camRig({ caps: { ack }, maxPayload: 498 });
        const good = await camera.readFrame({ channel: bench.id });
        expect(good).not.toBeNull();
        const resyncs = camera.client.stats.resyncs;
        sim.faults.flipNext(part, { opcode, channel: bench.id });
        const f = await camera.readFrame({ channel: bench.id, timeoutMs: 2000 });
        expect(sim.faults.pendingFlip()).toBe(false);
        expect(f).not.toBeNull();
        expect(f!.image).toEqual(bench.frame.subarray(32));
        expect(camera.client.stats.resyncs).toBe(resyncs + 1);
        expect(camera.client.stats.timeouts).toBe(0);
        expect(camera.caps).toMatchObject({ ack, maxPayload: 498 });
        expect(naksSent(wire)).toBe(0);
        camera.disconnect();
      });
    }
  }

  for (const ack of [true, false]) {
    it(`config write, ACK ${ack ? 'on' : 'off'}: a corrupted WRITE ACK → read-back shows it, applied exactly once`, async () => {
      const { sim, camera, wire, cfg } = await camRig({ caps: { ack } });
      const config = new ConfigChannel(camera);
      sim.faults.flipNext('header', { opcode: Opcode.CHANNEL_WRITE });
      expect(await config.write({ quality: 77 })).toEqual({ quality: 77 });
      expect(sim.faults.pendingFlip()).toBe(false);
      expect(cfg.applied()).toBe(1);
      expect(wire.filter((p) => p.opcode === Opcode.CHANNEL_WRITE && !(p.flags & Flag.ACK))).toHaveLength(1);
      expect(camera.client.stats.timeouts).toBe(0);
      // and the read-back itself corrupted (read() path, pieces after the SYNC): still exact
      sim.faults.flipNext('header', { opcode: Opcode.CHANNEL_WRITE });
      sim.faults.flipNext('payload', { opcode: Opcode.CHANNEL_READ, channel: cfg.id });
      expect(await config.write({ quality: 78 })).toEqual({ quality: 78 });
      expect(cfg.applied()).toBe(2);
      expect(naksSent(wire)).toBe(0);
      camera.disconnect();
    });
  }
});

describe('caps restored after any device reset', () => {
  it('a reset behind our back (ACKs off, 498): noticed by the next exchange, caps restored, data intact', async () => {
    const { sim, camera, bench } = await camRig({ caps: { ack: false }, maxPayload: 498 });
    expect(sim.caps).toMatchObject({ ack: false, maxPayload: 498 });
    sim.resetProtocol(); // NAK burst, RTX exhaustion or a reboot: seq 0, default caps (ACK on, 4082)
    const f = await camera.readFrame({ channel: bench.id, timeoutMs: 2000 });
    // the first exchange after the reset may fail (NAK SEQUENCE) or pass; either way the link is restored
    await expect
      .poll(() => camera.connected && sim.caps.ack === false && sim.caps.maxPayload === 498, {
        timeout: 2000,
      })
      .toBe(true);
    if (f) expect(f.image).toEqual(bench.frame.subarray(32));
    const again = await camera.readFrame({ channel: bench.id, timeoutMs: 2000 });
    expect(again!.image).toEqual(bench.frame.subarray(32));
    expect(camera.client.stats.timeouts).toBe(0);
    camera.disconnect();
  });

  it('the firmware NAK burst (a NAK from elsewhere): 3 RTX back to back, reset; the host restores its caps', async () => {
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    const camera = new Camera(memoryTransport(host), { timeoutMs: 5000, maxPayload: 498 });
    await camera.connect();
    sim.hooks.set(Opcode.PROTO_STATS, (p) => {
      sim.hooks.delete(Opcode.PROTO_STATS);
      // lands while the device waits for the ACK of this reply (ahead of the host's own ACK)
      const nak = encodePacket({ seq: sim.S, channel: 0, flags: Flag.NAK, opcode: p.opcode });
      queueMicrotask(() => host.write(nak));
      return { data: u32s(1, 2, 3, 4, 5, 6, 7, 0) };
    });
    await camera.deviceStats();
    await expect.poll(() => sim.stats.resets, { timeout: 2000 }).toBeGreaterThanOrEqual(1);
    expect(sim.stats.retransmits).toBe(3);
    // whatever comes next notices the reset (NAK SEQUENCE) and the resync puts 498 back
    await camera.version();
    await expect.poll(() => camera.connected && sim.caps.maxPayload === 498, { timeout: 2000 }).toBe(true);
    expect(camera.caps.maxPayload).toBe(498);
    expect(camera.client.stats.timeouts).toBe(0);
    camera.disconnect();
  });
});
