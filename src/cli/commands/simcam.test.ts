// `camdeck simcam --pty`: ready line, a real round trip over the pty, control commands, clean exit.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flag, Opcode, PacketParser, encodePacket, type Packet } from '../../protocol';
import { createSimCam } from '../../simcam';
import { control, parseSimcamArgs } from './simcam';
import { lines, openPty, until } from './simcam.test-util';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
if (!haveSocat) console.log('simcam CLI pty test skipped: socat is not installed');

const root = new URL('../../../', import.meta.url).pathname;

describe('camdeck simcam CLI', () => {
  it('flip-next control command queues one flip and validates its arguments', async () => {
    const cam = createSimCam({ demo: false });
    const served = { address: '', unplug: async () => {}, replug: async () => {}, close: async () => {} };
    try {
      expect(await control(cam, served, 'flip-next header')).toBe('ok flip-next header');
      expect(await control(cam, served, 'flip-next payload 0x23 any')).toBe('ok flip-next payload 0x23 any');
      expect(await control(cam, served, 'flip-next payload any 7')).toBe('ok flip-next payload any 7');
      expect(cam.faults.pendingFlip()).toBe(true);
      await expect(control(cam, served, 'flip-next')).rejects.toThrow(/header\|payload/);
      await expect(control(cam, served, 'flip-next header 256')).rejects.toThrow(/opcode/);
      await expect(control(cam, served, 'flip-next header 1 2 3')).rejects.toThrow(/too many/);
      expect(JSON.parse((await control(cam, served, 'stats')).slice('ok stats '.length))).toMatchObject({
        flipsInjected: 0,
      });
    } finally {
      cam.close();
    }
  });

  it('parses transports and knobs, and rejects bad arguments', () => {
    const p = parseSimcamArgs([
      '--tcp',
      '127.0.0.1:0',
      '--fps',
      '15',
      '--size',
      '320x240',
      '--max-payload',
      '498',
      '--drop',
      '0.01',
      '-v',
    ]);
    expect(p.transport).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    expect(p.options).toMatchObject({
      fps: 15,
      width: 320,
      height: 240,
      maxBuffer: 512,
      faults: { dropRate: 0.01 },
    });
    expect(p.verbose).toBe(true);
    expect(p.awakeMs).toBe(0);
    expect(parseSimcamArgs(['--pty', '/tmp/x', '--awake', '2']).awakeMs).toBe(2);
    expect(() => parseSimcamArgs(['--tcp', '127.0.0.1:0', '--awake', '2'])).toThrow(
      /--awake needs --tty or --pty/,
    );
    expect(() => parseSimcamArgs([])).toThrow(/exactly one/);
    expect(() => parseSimcamArgs(['--pty', '/tmp/x', '--max-payload', '1000'])).toThrow(/498/);
    expect(() => parseSimcamArgs(['--pty', '/tmp/x', '--scenario', 'nope'])).toThrow(/unknown scenario/);
    expect(() => parseSimcamArgs(['--pty', '/tmp/x', '--bitflip', '2'])).toThrow(/bitflip/);
  });

  it.skipIf(!haveSocat)(
    'serves on a socat pty pair, answers control commands, unplugs/replugs, exits 0 on quit',
    async () => {
      const hostPath = join(tmpdir(), `camdeck-cli-test-${process.pid}`);
      const child = spawn(
        process.execPath,
        [join(root, 'bin/camdeck.js'), 'simcam', '--pty', hostPath, '--size', '64x48'],
        {
          cwd: root,
        },
      );
      const next = lines(child);
      try {
        expect(await next()).toBe(`simcam: ready pty ${hostPath}`);
        // A real SYNC round trip through the pty.
        const { input, output } = openPty(hostPath);
        const parser = new PacketParser({ maxPayload: 4082, crc: true });
        const got: Packet[] = [];
        input.on('data', (b: Buffer) => got.push(...parser.push(new Uint8Array(b))));
        input.on('error', () => {});
        output.write(encodePacket({ seq: 0, channel: 0, flags: 0, opcode: Opcode.PROTO_SYNC }));
        expect(
          await until(() => got.some((p) => p.opcode === Opcode.PROTO_SYNC && p.flags === Flag.ACK), 5000),
        ).toBe(true);
        child.stdin.write('reject-writes on\n');
        expect(await next()).toBe('ok reject-writes on');
        child.stdin.write('stall abc\n');
        expect(await next()).toMatch(/^error /);
        child.stdin.write('unplug 300\n');
        expect(await next()).toBe('ok unplug 300');
        expect(existsSync(hostPath)).toBe(false);
        input.destroy();
        output.destroy();
        expect(await until(() => existsSync(hostPath), 5000)).toBe(true);
        child.stdin.write('quit\n');
        expect(await next()).toBe('ok quit');
        const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
        expect(code).toBe(0);
        expect(existsSync(hostPath)).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    30_000,
  );

  it.skipIf(!haveSocat)(
    'keeps running when stdin closes and exits 0 on SIGTERM',
    async () => {
      const hostPath = join(tmpdir(), `camdeck-cli-test2-${process.pid}`);
      const child = spawn(
        process.execPath,
        [join(root, 'bin/camdeck.js'), 'simcam', '--pty', hostPath, '--size', '64x48'],
        {
          cwd: root,
        },
      );
      const next = lines(child);
      try {
        expect(await next()).toBe(`simcam: ready pty ${hostPath}`);
        child.stdin.end();
        await new Promise((r) => setTimeout(r, 300));
        expect(child.exitCode).toBeNull();
        child.kill('SIGTERM');
        const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
        expect(code).toBe(0);
        expect(existsSync(hostPath)).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    30_000,
  );

  it.skipIf(!haveSocat)(
    '--tty on a path that does not exist makes the pair itself',
    async () => {
      const hostPath = join(tmpdir(), `camdeck-cli-test3-${process.pid}`);
      const child = spawn(
        process.execPath,
        [join(root, 'bin/camdeck.js'), 'simcam', '--tty', hostPath, '--size', '64x48'],
        {
          cwd: root,
        },
      );
      const next = lines(child);
      try {
        expect(await next()).toBe(`simcam: ready tty ${hostPath}`);
        expect(existsSync(hostPath)).toBe(true);
        child.stdin.write('quit\n');
        expect(await next()).toBe('ok quit');
        expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    30_000,
  );

  it('--tcp prints the bound port and serves a client', async () => {
    const child = spawn(
      process.execPath,
      [join(root, 'bin/camdeck.js'), 'simcam', '--tcp', '127.0.0.1:0', '--size', '64x48'],
      {
        cwd: root,
      },
    );
    const next = lines(child);
    try {
      const ready = await next();
      const m = /^simcam: ready tcp 127\.0\.0\.1:(\d+)$/.exec(ready);
      expect(m).not.toBeNull();
      const net = await import('node:net');
      const sock = net.connect(Number(m![1]), '127.0.0.1');
      sock.on('error', () => {});
      const parser = new PacketParser({ maxPayload: 4082, crc: true });
      const got: Packet[] = [];
      sock.on('data', (b: Buffer) => got.push(...parser.push(new Uint8Array(b))));
      sock.write(encodePacket({ seq: 0, channel: 0, flags: 0, opcode: Opcode.PROTO_SYNC }));
      expect(await until(() => got.length > 0, 5000)).toBe(true);
      expect(got[0]!.flags).toBe(Flag.ACK);
      sock.destroy();
      child.kill('SIGINT');
      expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
