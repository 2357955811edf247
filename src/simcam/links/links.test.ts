// Node transports: TCP (stream), UDP (one packet per datagram, network-transport defaults), socat pty.
import dgram from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { constants, existsSync, openSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tty from 'node:tty';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Flag,
  Opcode,
  PacketParser,
  decodeCaps,
  decodeChannelList,
  encodePacket,
  packetSize,
  type Packet,
} from '../../protocol';
import { createSimCam, type SimCam } from '..';
import { serveTcp, servePty, serveUdp } from '.';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
if (!haveSocat) console.log('pty link test skipped: socat is not installed');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function camera(): SimCam {
  const cam = createSimCam({ demo: false });
  cleanups.push(() => cam.close());
  return cam;
}

const pkt = (opcode: number, seq = 0, channel = 0, flags = 0): Uint8Array =>
  encodePacket({ seq, channel, flags, opcode });

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('TCP', () => {
  it('serves a stream client; a new connection replaces the old one', async () => {
    const cam = camera();
    const server = await serveTcp(cam, '127.0.0.1', 0);
    cleanups.push(() => server.close());
    const talk = async () => {
      const sock = net.connect(server.port, '127.0.0.1');
      cleanups.push(() => sock.destroy());
      const parser = new PacketParser({ maxPayload: 4082, crc: true });
      const got: Packet[] = [];
      sock.on('data', (b) => got.push(...parser.push(new Uint8Array(b))));
      sock.on('error', () => {});
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write(pkt(Opcode.PROTO_SYNC));
      await until(() => got.length === 1);
      sock.write(pkt(Opcode.CHANNEL_LIST));
      await until(() => got.length === 2);
      return { sock, got };
    };
    const a = await talk();
    expect(decodeChannelList(a.got[1]!.payload)[0]).toEqual({ id: 0, flags: 0x40, name: 'usb' });
    const b = await talk();
    expect(b.got[0]!.flags).toBe(Flag.ACK);
    await until(() => a.sock.destroyed || a.sock.readableEnded);
  });
});

describe('UDP', () => {
  it('one packet per datagram, peer learnt from the first datagram, ACKs off, max_payload 1400', async () => {
    const cam = camera();
    cam.register({
      name: 'blob',
      backend: { readp: (o: number, n: number) => new Uint8Array(n).fill(o & 0xff) },
    });
    const server = await serveUdp(cam, '127.0.0.1', 0);
    cleanups.push(() => server.close());
    const client = dgram.createSocket('udp4');
    cleanups.push(() => client.close());
    const datagrams: Uint8Array[] = [];
    client.on('message', (m) => datagrams.push(new Uint8Array(m)));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const send = (b: Uint8Array) => client.send(b, server.port, '127.0.0.1');
    send(pkt(Opcode.PROTO_SYNC));
    await until(() => datagrams.length === 1);
    send(pkt(Opcode.PROTO_GET_CAPS));
    await until(() => datagrams.length === 2);
    const parser = new PacketParser({ maxPayload: 4082, crc: true });
    const caps = parser.push(datagrams[1]!)[0]!;
    expect(caps.flags & Flag.ACK_REQ).toBe(0);
    expect(decodeCaps(caps.payload)).toMatchObject({ ack: false, maxPayload: 1400 });
    // A 3000-byte read comes back as 3 datagrams, each exactly one packet.
    const req = new Uint8Array(8);
    new DataView(req.buffer).setUint32(4, 3000, true);
    send(encodePacket({ seq: 1, channel: 4, flags: 0, opcode: Opcode.CHANNEL_READ, payload: req }));
    await until(() => datagrams.length === 5).catch((e) => {
      throw new Error(`${e} after ${datagrams.length}`);
    });
    const frags = datagrams.slice(2);
    expect(frags.map((d) => d.length)).toEqual([packetSize(1400), packetSize(1400), packetSize(200)]);
    expect(frags.map((d) => parser.push(d).length)).toEqual([1, 1, 1]);
  });
});

describe.skipIf(!haveSocat)('pty (socat pair)', () => {
  it('serves on the host path; unplug removes it and replug brings it back', async () => {
    const cam = camera();
    const hostPath = join(tmpdir(), `camdeck-pty-test-${process.pid}`);
    const server = await servePty(cam, hostPath);
    cleanups.push(() => server.close());
    const open = () => {
      const fd = openSync(hostPath, constants.O_RDWR | constants.O_NOCTTY);
      const input = new tty.ReadStream(fd);
      input.setRawMode(true);
      input.on('error', () => {});
      const output = new tty.WriteStream(fd);
      output.on('error', () => {});
      const parser = new PacketParser({ maxPayload: 4082, crc: true });
      const got: Packet[] = [];
      input.on('data', (b: Buffer) => got.push(...parser.push(new Uint8Array(b))));
      cleanups.push(() => {
        input.destroy();
        output.destroy();
      });
      return { output, got };
    };
    const a = open();
    a.output.write(pkt(Opcode.PROTO_SYNC));
    await until(() => a.got.length > 0);
    expect(a.got[0]!.opcode).toBe(Opcode.PROTO_SYNC);
    await server.unplug(Infinity);
    expect(existsSync(hostPath)).toBe(false);
    expect(server.plugged).toBe(false);
    await server.replug();
    expect(existsSync(hostPath)).toBe(true);
    const b = open();
    b.output.write(pkt(Opcode.PROTO_SYNC));
    await until(() => b.got.length > 0);
    expect(b.got[0]!.flags).toBe(Flag.ACK);
    await server.close();
    expect(existsSync(hostPath)).toBe(false);
  });
});

describe('unplug on network links', () => {
  it('UDP: no answers while unplugged, served again after replug', async () => {
    const cam = camera();
    const server = await serveUdp(cam, '127.0.0.1', 0);
    cleanups.push(() => server.close());
    const client = dgram.createSocket('udp4');
    cleanups.push(() => client.close());
    const datagrams: Uint8Array[] = [];
    client.on('message', (m) => datagrams.push(new Uint8Array(m)));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const send = (b: Uint8Array) => client.send(b, server.port, '127.0.0.1');
    server.unplug(Infinity);
    send(pkt(Opcode.PROTO_SYNC));
    await new Promise((r) => setTimeout(r, 100));
    expect(datagrams).toHaveLength(0);
    server.replug();
    send(pkt(Opcode.PROTO_SYNC));
    await until(() => datagrams.length === 1);
  });

  it('TCP: disconnect() drops the client; the next connection is served', async () => {
    const cam = camera();
    const server = await serveTcp(cam, '127.0.0.1', 0);
    cleanups.push(() => server.close());
    const sock = net.connect(server.port, '127.0.0.1');
    sock.on('error', () => {});
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    await new Promise((r) => setTimeout(r, 20));
    server.disconnect();
    await closed;
  });
});
