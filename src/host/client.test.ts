import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ChannelFlag,
  EMPTY,
  Flag,
  Opcode,
  PacketParser,
  Status,
  createLinkPair,
  encodePacket,
  u32s,
} from '../protocol';
import type { ByteLink, Packet } from '../protocol';
import { ProtocolClient } from './client';
import {
  ChecksumError,
  DeviceResponseError,
  DisconnectedError,
  ProtocolError,
  SequenceError,
  TimeoutError,
} from './errors';
import { MiniDevice } from './testing/mini-device';
import { memoryTransport } from './transport';

function setup(
  opts: ConstructorParameters<typeof ProtocolClient>[1] = {},
  dev: ConstructorParameters<typeof MiniDevice>[1] = {},
) {
  const [host, device] = createLinkPair();
  const sim = new MiniDevice(device, dev);
  const client = new ProtocolClient(memoryTransport(host), opts);
  return { host, device, sim, client };
}

/** Bytes the host wrote, as packets (a spy on the device end). */
function spy(device: ByteLink): { packets: Packet[]; writes: number } {
  const parser = new PacketParser({ maxPayload: 8178, crc: true });
  const out = { packets: [] as Packet[], writes: 0 };
  device.onData((c) => {
    out.writes++;
    out.packets.push(...parser.push(c));
  });
  return out;
}

const blob = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

afterEach(() => {
  vi.useRealTimers();
});

describe('ProtocolClient', () => {
  it('syncs and negotiates caps: max_payload = min(ours, device), parser switches after the ACK', async () => {
    const { client, sim } = setup({ maxPayload: 8178 }, { maxPayload: 498 });
    const caps = await client.sync();
    expect(caps).toEqual({ crc: true, seq: true, ack: true, events: true, maxPayload: 498 });
    expect(sim.caps.maxPayload).toBe(498);
    expect(client.synced).toBe(true);
    client.close();
  });

  it('reassembles a fragmented read, ACKs every fragment and folds the last ACK into the next request', async () => {
    const { client, sim, device } = setup();
    const data = blob(31_000);
    sim.addChannel({
      name: 'bulk',
      flags: ChannelFlag.READ,
      size: () => data.length,
      read: (o, l) => data.subarray(o, o + l),
    });
    const wire = spy(device);
    await client.sync();
    const body = await client.request(Opcode.CHANNEL_READ, 3, u32s(0, data.length), {
      expectBytes: data.length,
      maxBytes: data.length,
    });
    expect(body).toEqual(data);
    // 8 fragments at 4082: 7 ACKs go out at once, the 8th rides with the next request.
    const sizeReply = await client.request(Opcode.CHANNEL_SIZE, 3);
    expect(sizeReply).toEqual(u32s(data.length));
    const acks = wire.packets.filter((p) => p.flags === Flag.ACK && p.opcode === Opcode.CHANNEL_READ);
    expect(acks).toHaveLength(8);
    expect(client.stats.foldedAcks).toBeGreaterThanOrEqual(2);
    expect(sim.stats.retransmits).toBe(0);
    client.close();
  });

  it('flushes a deferred ACK on its own when no request follows', async () => {
    const { client, sim } = setup();
    await client.sync();
    await client.request(Opcode.PROTO_VERSION);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
    // the device got the ACK of the VERSION reply: it is not waiting, so no retransmission will come
    expect(sim.stats.acks).toBeGreaterThanOrEqual(2);
    expect(sim.stats.retransmits).toBe(0);
    client.close();
  });

  it('ACKs events that ask for it and dispatches their 2-byte code without touching the sequence', async () => {
    const { client, sim } = setup();
    await client.sync();
    const events: Array<{ channel: number; code: number }> = [];
    client.on('event', (e) => events.push(e));
    sim.event(3, 0xffff);
    sim.event(0, 2, true);
    await new Promise((r) => setTimeout(r, 1));
    expect(events).toEqual([
      { channel: 3, code: 0xffff },
      { channel: 0, code: 2 },
    ]);
    expect(sim.received.some((p) => p.flags === Flag.ACK && p.opcode === Opcode.SYS_EVENT)).toBe(true);
    await client.request(Opcode.PROTO_VERSION); // still in step
    client.close();
  });

  it('drops an RTX duplicate but ACKs it with its own seq', async () => {
    const { client, sim, device } = setup();
    await client.sync();
    const wire = spy(device);
    sim.hooks.set(Opcode.PROTO_STATS, (p) => {
      // reply, then pretend our ACK was lost: retransmit the same packet with RTX
      const reply = {
        seq: sim.S,
        channel: 0,
        flags: Flag.ACK_REQ,
        opcode: p.opcode,
        payload: u32s(1, 2, 3, 4, 5, 6, 7, 0),
      };
      return { raw: [encodePacket(reply), encodePacket({ ...reply, flags: reply.flags | Flag.RTX })] };
    });
    const seqBefore = sim.S;
    const body = await client.request(Opcode.PROTO_STATS);
    expect(body.length).toBe(32);
    await new Promise((r) => setTimeout(r, 1));
    expect(client.stats.duplicates).toBe(1);
    const acks = wire.packets.filter((p) => p.flags === Flag.ACK && p.opcode === Opcode.PROTO_STATS);
    expect(acks.map((a) => a.seq)).toEqual([seqBefore, seqBefore]);
    client.close();
  });

  it('maps NAK statuses to ProtocolError; BUSY does not ask for a resync', async () => {
    const { client, sim } = setup();
    await client.sync();
    sim.hooks.set(Opcode.CHANNEL_LOCK, () => ({ status: Status.BUSY }));
    const busy = await client.request(Opcode.CHANNEL_LOCK, 3).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ProtocolError);
    expect((busy as ProtocolError).statusName).toBe('BUSY');
    expect((busy as ProtocolError).busy).toBe(true);
    expect(client.resyncReason).toBeNull();
    sim.hooks.set(Opcode.CHANNEL_SIZE, () => ({ status: Status.CHECKSUM }));
    const bad = await client.request(Opcode.CHANNEL_SIZE, 3).catch((e: unknown) => e);
    expect((bad as ProtocolError).statusName).toBe('CHECKSUM');
    expect(client.resyncReason).not.toBeNull();
    expect(client.stats.busy).toBe(1);
    client.close();
  });

  it('times out at a fixed deadline that a stream of events does not extend', async () => {
    vi.useFakeTimers();
    const { client, sim } = setup({ timeoutMs: 1000 }, { rtxMs: 0 });
    const syncing = client.sync();
    await vi.advanceTimersByTimeAsync(1);
    await syncing;
    sim.hooks.set(Opcode.CHANNEL_SIZE, () => ({ none: true }));
    const t0 = Date.now();
    const p = client.request(Opcode.CHANNEL_SIZE, 2).catch((e: unknown) => e);
    const chatter = setInterval(() => sim.event(2, 0xffff), 50);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void p.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    const err = await p;
    clearInterval(chatter);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - t0).toBeLessThanOrEqual(1011);
    expect(client.stats.events).toBeGreaterThan(15);
    expect(client.resyncReason).toMatch(/no answer/);
    client.close();
  });

  it('a seq mismatch fails the request with SequenceError and the next sync recovers', async () => {
    const { client, sim } = setup();
    await client.sync();
    sim.S = (sim.S + 5) & 0xff; // the device drifted
    const err = await client.request(Opcode.PROTO_VERSION).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SequenceError);
    await client.sync();
    expect((await client.request(Opcode.PROTO_VERSION)).length).toBe(16);
    client.close();
  });

  it('runs user requests ahead of polls and merges duplicate polls', async () => {
    const { client, sim } = setup();
    await client.sync();
    const order: number[] = [];
    const orig = sim.hooks;
    void orig;
    const blocker = client.request(Opcode.PROTO_VERSION); // in flight
    const p1 = client.request(Opcode.CHANNEL_POLL, 0, EMPTY, { priority: 'poll', key: 'poll' });
    const p2 = client.request(Opcode.CHANNEL_POLL, 0, EMPTY, { priority: 'poll', key: 'poll' });
    const u = client.request(Opcode.PROTO_STATS);
    expect(p1).toBe(p2);
    void blocker.then(() => order.push(Opcode.PROTO_VERSION));
    void p1.then(() => order.push(Opcode.CHANNEL_POLL));
    void u.then(() => order.push(Opcode.PROTO_STATS));
    await Promise.all([blocker, p1, u]);
    expect(order).toEqual([Opcode.PROTO_VERSION, Opcode.PROTO_STATS, Opcode.CHANNEL_POLL]);
    expect(sim.received.filter((p) => p.opcode === Opcode.CHANNEL_POLL)).toHaveLength(1);
    client.close();
  });

  it('rejects a reply larger than its cap (endless fragments) instead of buffering it', async () => {
    const { client, sim } = setup({ maxResponseBytes: 100_000 });
    await client.sync();
    sim.hooks.set(Opcode.CHANNEL_READ, (p) => {
      // a device that never stops sending fragments, never waiting for ACKs
      const raw: Uint8Array[] = [];
      for (let i = 0; i < 40; i++) {
        raw.push(
          encodePacket({
            seq: (p.seq + i) & 0xff,
            channel: 3,
            flags: Flag.FRAGMENT,
            opcode: p.opcode,
            payload: blob(4000),
          }),
        );
      }
      return { raw };
    });
    const err = await client
      .request(Opcode.CHANNEL_READ, 3, u32s(0, 50_000), { maxBytes: 50_000, expectBytes: 50_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceResponseError);
    expect((err as Error).message).toMatch(/exceeds 50000 bytes/);
    client.close();
  });

  it('with ACKs off, a corrupted reply packet fails the request at once (nothing will re-send it)', async () => {
    vi.useFakeTimers();
    const { client, sim } = setup({ timeoutMs: 5000, caps: { ack: false } });
    const s = client.sync();
    await vi.advanceTimersByTimeAsync(1);
    await s;
    expect(client.caps.ack).toBe(false);
    /** The reply's last packet with one payload byte flipped after its CRC was computed. */
    const corrupted = (p: Packet, opcode = p.opcode, flags = 0): Uint8Array => {
      const pkt = encodePacket({ seq: sim.S, channel: p.channel, flags, opcode, payload: blob(300) });
      pkt[20]! ^= 0x10;
      return pkt;
    };
    sim.hooks.set(Opcode.CHANNEL_READ, (p) => ({ raw: [corrupted(p)] }));
    const t0 = Date.now();
    const err = await client.request(Opcode.CHANNEL_READ, 3, u32s(0, 300)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toMatch(/CHANNEL_READ on channel 3: .*CRC.*abandoned/);
    expect(Date.now() - t0).toBe(0); // no deadline waited out
    expect(client.stats.crcErrors).toBe(1);
    expect(client.resyncReason).toMatch(/CRC/);

    // a corrupted event is not the reply: the request still waits for its own answer
    await client.sync();
    sim.hooks.set(Opcode.PROTO_VERSION, (p) => ({
      raw: [corrupted(p, Opcode.CHANNEL_EVENT, Flag.EVENT)],
    }));
    let settled = false;
    const v = client.request(Opcode.PROTO_VERSION).then(
      () => (settled = true),
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await v).toBeInstanceOf(TimeoutError);
    client.close();
  });

  it('with ACKs on, a corrupted reply packet is never NAKed: the exchange fails at once', async () => {
    const { client, sim, device } = setup({ timeoutMs: 5000 });
    await client.sync();
    const wire = spy(device);
    sim.hooks.set(Opcode.CHANNEL_READ, (p) => {
      const pkt = encodePacket({
        seq: sim.S,
        channel: p.channel,
        flags: Flag.ACK_REQ,
        opcode: p.opcode,
        payload: blob(8),
      });
      pkt[12]! ^= 0x01;
      return { raw: [pkt] };
    });
    const err = await client.request(Opcode.CHANNEL_READ, 3, u32s(0, 8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(client.stats.timeouts).toBe(0); // not the 5 s deadline
    expect(client.recovery.abandoned).toBe(1);
    expect(wire.packets.filter((p) => p.flags & Flag.NAK)).toHaveLength(0);
    expect(client.resyncReason).toMatch(/CRC/);
    client.close();
  });

  it('survives garbage on the line: the request fails cleanly, nothing crashes', async () => {
    vi.useFakeTimers();
    const { client, sim } = setup({ timeoutMs: 200 });
    const s = client.sync();
    await vi.advanceTimersByTimeAsync(1);
    await s;
    sim.hooks.set(Opcode.PROTO_VERSION, () => ({
      raw: [blob(5000), Uint8Array.of(0xaa, 0xd5, 0, 0, 0, 4, 0xff, 0xff, 1, 2)],
    }));
    const p = client.request(Opcode.PROTO_VERSION).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(250);
    // a bad header while a reply is due counts as the reply's: failed at once, the link resyncs
    expect(await p).toBeInstanceOf(ChecksumError);
    sim.hooks.delete(Opcode.PROTO_VERSION);
    const again = client.sync().then(() => client.request(Opcode.PROTO_VERSION));
    await vi.advanceTimersByTimeAsync(1);
    expect((await again).length).toBe(16);
    client.close();
  });

  it('rejects everything pending when the link closes, and refuses new requests', async () => {
    const { client, sim, device } = setup();
    await client.sync();
    sim.hooks.set(Opcode.PROTO_VERSION, () => ({ none: true }));
    const p = client.request(Opcode.PROTO_VERSION).catch((e: unknown) => e);
    const q = client.request(Opcode.PROTO_STATS).catch((e: unknown) => e);
    device.close();
    expect(await p).toBeInstanceOf(DisconnectedError);
    expect(await q).toBeInstanceOf(DisconnectedError);
    expect(await client.request(Opcode.PROTO_VERSION).catch((e: unknown) => e)).toBeInstanceOf(
      DisconnectedError,
    );
  });

  it('writes each ACK as its own datagram on packetized transports', async () => {
    const [host, device] = createLinkPair();
    const sim = new MiniDevice(device);
    const client = new ProtocolClient({ link: host, describe: 'udp-ish', kind: 'udp', packetized: true });
    const wire = spy(device);
    const caps = await client.sync();
    expect(caps.ack).toBe(false); // UDP: the firmware's network example runs without ACKs
    await client.request(Opcode.PROTO_VERSION);
    await client.request(Opcode.PROTO_STATS);
    expect(wire.writes).toBe(wire.packets.length);
    expect(client.stats.foldedAcks).toBe(0);
    void sim;
    client.close();
  });
});
