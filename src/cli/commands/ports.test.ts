// The host CLI commands against the in-process demo camera: output shape and exit codes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit';
import * as bench from './bench';
import * as frames from './frames';
import * as info from './info';
import * as read from './read';
import * as write from './write';
import * as ports from './ports';
import { formatPort, toCliError } from './ports';
import { PortOpenError } from '../../host';
import { captureConsole } from '../test-console.test-util';

const { out, err } = captureConsole();

describe('camdeck host commands (demo camera)', () => {
  it('info prints version, sysinfo, caps and channels as JSON', async () => {
    expect(await info.run(['--camera', 'demo'])).toBe(EXIT.OK);
    const j = JSON.parse(out.join('\n')) as {
      version: { protocol: string };
      caps: { maxPayload: number };
      channels: Array<{ name: string }>;
      usbId: string;
    };
    expect(j.version.protocol).toBe('1.0.2');
    expect(j.caps.maxPayload).toBe(4082);
    expect(j.usbId).toBe('37C5:124A');
    expect(j.channels.map((c) => c.name)).toEqual(expect.arrayContaining(['stream', 'config', 'frame']));
  });

  it('write then read a config value; a refused write exits 1; bad args exit 2; unknown channel exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camdeck-cli-'));
    try {
      expect(await write.run(['config', '{"quality": 33}', '--camera', 'demo'])).toBe(EXIT.OK);
      const file = join(dir, 'cfg.json');
      expect(await read.run(['config', '--camera', 'demo', '--out', file])).toBe(EXIT.OK);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('quality');
      writeFileSync(join(dir, 'bad.json'), 'not json');
      expect(await write.run(['config', `@${join(dir, 'bad.json')}`, '--camera', 'demo'])).toBe(EXIT.FAILURE);
      expect(err.join('\n')).toMatch(/The camera refused the write to "config" \(FAILED\)/);
      expect(await read.run(['--camera', 'demo'])).toBe(EXIT.USAGE);
      expect(await read.run(['nope', '--camera', 'demo'])).toBe(EXIT.NOT_FOUND);
      expect(await read.run(['config', '--bogus'])).toBe(EXIT.USAGE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frames saves N frames with JSON meta lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camdeck-frames-'));
    try {
      expect(await frames.run(['--camera', 'demo', '--count', '3', '--out', dir, '--channel', 'frame'])).toBe(
        EXIT.OK,
      );
      const metas = out.map((l) => JSON.parse(l) as { channel: string; width: number; format: string });
      expect(metas).toHaveLength(3);
      expect(metas[0]).toMatchObject({ channel: 'frame', width: 640, format: 'jpeg' });
      expect(readdirSync(dir).sort()).toEqual(['frame-0001.jpg', 'frame-0002.jpg', 'frame-0003.jpg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('--ack and --max-payload set the negotiated caps; malformed values exit 2', async () => {
    expect(await info.run(['--camera', 'demo', '--ack', 'off', '--max-payload', '498'])).toBe(EXIT.OK);
    const j = JSON.parse(out.join('\n')) as { caps: { ack: boolean; maxPayload: number } };
    expect(j.caps).toMatchObject({ ack: false, maxPayload: 498 });
    out.length = 0;
    // more than the camera offers is capped by the camera (min of both)
    expect(await info.run(['--camera', 'demo', '--max-payload', '60000'])).toBe(EXIT.OK);
    expect((JSON.parse(out.join('\n')) as typeof j).caps).toMatchObject({ ack: true, maxPayload: 4082 });
    expect(await info.run(['--camera', 'demo', '--ack', 'maybe'])).toBe(EXIT.USAGE);
    expect(await info.run(['--camera', 'demo', '--max-payload', '49'])).toBe(EXIT.USAGE);
    expect(await read.run(['config', '--camera', 'demo', '--max-payload', 'lots'])).toBe(EXIT.USAGE);
    expect(err.join('\n')).toMatch(
      /--ack takes "on" or "off".*--max-payload takes a whole number.*not "lots"/s,
    );
  });

  it('frames with ACKs off and 498-byte packets: whole frames, reassembled from back-to-back fragments', async () => {
    expect(
      await frames.run(['--camera', 'demo', '--count', '2', '--ack', 'off', '--max-payload', '498']),
    ).toBe(EXIT.OK);
    const metas = out.map((l) => JSON.parse(l) as { width: number; bytes: number; format: string });
    expect(metas).toHaveLength(2);
    for (const m of metas) expect(m).toMatchObject({ width: 640, format: 'jpeg' });
    expect(metas[0]!.bytes).toBeGreaterThan(498 * 4); // many fragments per frame
  }, 20_000);

  it('bench --max-payload measures with smaller packets (the bulk read reports the negotiated size)', async () => {
    expect(await bench.run(['--camera', 'demo', '--seconds', '0.3', '--max-payload', '498', '--json'])).toBe(
      EXIT.OK,
    );
    const r = JSON.parse(out.join('\n')) as { bulk: { maxPayload: number; bytes: number } };
    expect(r.bulk.maxPayload).toBe(498);
    expect(r.bulk.bytes).toBeGreaterThan(30_000);
    expect(await bench.run(['--camera', 'demo', '--max-payload', '10'])).toBe(EXIT.USAGE);
  }, 30_000);

  it('a missing serial port exits 3 with a hint', async () => {
    expect(await info.run(['--camera', '/dev/camdeck-no-such-port'])).toBe(EXIT.NOT_FOUND);
    expect(err.join('\n')).toMatch(/There is no port .*hint: Check the cable/s);
  });

  it('formats a port line with the camera marker, USB id, board and serial', () => {
    expect(
      formatPort({
        target: '/dev/ttyACM0',
        path: '/dev/ttyACM0',
        vid: 0x37c5,
        pid: 0x124a,
        board: 'OpenMV Cam H7 Plus',
        serialNumber: 'X1',
        isCamera: true,
      }),
    ).toBe('* /dev/ttyACM0           37C5:124A  OpenMV Cam H7 Plus serial X1');
  });
});

describe('--camera names the camera target; --port is its old spelling', () => {
  const channels = (): string[] =>
    (JSON.parse(out.join('\n')) as { channels: Array<{ name: string }> }).channels.map((c) => c.name);

  it.each([
    ['--camera', 'demo'],
    ['-c', 'demo'],
    ['--port', 'demo'],
    ['-p', 'demo'],
  ])('info %s %s opens the demo camera', async (flag, target) => {
    expect(await info.run([flag, target])).toBe(EXIT.OK);
    expect(channels()).toContain('config');
  });

  it('read takes either spelling, and both when they agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camdeck-camera-'));
    try {
      for (const args of [
        ['--camera', 'demo'],
        ['--port', 'demo'],
        ['-c', 'demo', '-p', 'demo'],
      ]) {
        const file = join(dir, 'cfg.json');
        expect(await read.run(['config', ...args, '--out', file])).toBe(EXIT.OK);
        expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('quality');
        rmSync(file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['info', () => info.run(['--camera', 'demo', '--port', '/dev/ttyACM0'])],
    ['read', () => read.run(['config', '-c', 'demo', '-p', '/dev/ttyACM0'])],
    ['write', () => write.run(['config', 'x', '--camera', 'demo', '--port', '/dev/ttyACM0'])],
    ['frames', () => frames.run(['--camera', 'demo', '--port', '/dev/ttyACM0'])],
    ['frames --reconnect', () => frames.run(['--reconnect', '--camera', 'demo', '--port', '/dev/ttyACM0'])],
    ['bench', () => bench.run(['--camera', 'demo', '--port', '/dev/ttyACM0'])],
  ])('%s with --camera and --port naming different cameras → 2, naming both', async (_what, cmd) => {
    expect(await cmd()).toBe(EXIT.USAGE);
    const text = err.join('\n');
    expect(text).toMatch(/--camera "demo" and --port "\/dev\/ttyACM0" name different cameras/);
    expect(text).toMatch(/hint: Run `camdeck \w+ --help` for the options\./);
  });

  it('the usage texts show --camera, never --port', () => {
    for (const m of [info, read, write, frames, bench]) {
      expect(m.usage).toMatch(/\[--camera T\]/);
      expect(m.usage).toMatch(/--camera T +serial path/);
      expect(m.usage).not.toMatch(/--port/);
    }
  });
});

describe('exit codes as the README table', () => {
  it.each([
    [
      'frames --count -1',
      () => frames.run(['--camera', 'demo', '--count', '-1']),
      /--count takes a whole number of 1 or more, not "-1"/,
    ],
    [
      'frames --count abc',
      () => frames.run(['--camera', 'demo', '--count', 'abc']),
      /--count takes a whole number of 1 or more, not "abc"/,
    ],
    [
      'frames --channel x',
      () => frames.run(['--camera', 'demo', '--channel', 'x']),
      /--channel takes stream or frame, not "x"/,
    ],
    [
      'frames --timeout 0',
      () => frames.run(['--camera', 'demo', '--timeout', '0']),
      /--timeout takes a positive number/,
    ],
    ['info --bogus', () => info.run(['--bogus']), /Unknown option --bogus\./],
    ['read --bogus', () => read.run(['config', '--bogus']), /Unknown option --bogus\./],
    ['write --bogus', () => write.run(['config', 'x', '--bogus']), /Unknown option --bogus\./],
    ['bench --bogus', () => bench.run(['--bogus']), /Unknown option --bogus\./],
    ['ports --bogus', () => ports.run(['--bogus']), /Unknown option --bogus\./],
    [
      'info foo://x',
      () => info.run(['--camera', 'foo://x']),
      /--camera takes a serial path.*not "foo:\/\/x"/,
    ],
    [
      'frames foo://x',
      () => frames.run(['--camera', 'foo://x']),
      /--camera takes a serial path.*not "foo:\/\/x"/,
    ],
    [
      'bench foo://x',
      () => bench.run(['--camera', 'foo://x']),
      /--camera takes a serial path.*not "foo:\/\/x"/,
    ],
    ['write without DATA', () => write.run(['config', '--camera', 'demo']), /write takes a CHANNEL and DATA/],
    [
      'write --offset -2',
      () => write.run(['config', 'x', '--offset', '-2']),
      /--offset takes a whole number of 0 or more/,
    ],
  ])('%s → 2, naming the argument, with a --help hint', async (_what, cmd, message) => {
    expect(await cmd()).toBe(EXIT.USAGE);
    const text = err.join('\n');
    expect(text).toMatch(message);
    expect(text).toMatch(/hint: Run `camdeck \w+ --help` for the options\./);
  });

  it('a TCP peer that is not a camera (accepts, then closes): a sentence, exit 1, not "link closed"', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((sock) => sock.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await info.run(['--camera', `tcp://127.0.0.1:${port}`])).toBe(EXIT.FAILURE);
      expect(err.join('\n')).toMatch(
        new RegExp(`tcp://127\\.0\\.0\\.1:${port} closed the link before a camera answered\\.\\n {2}hint: `),
      );
    } finally {
      server.close();
    }
  });

  it('ports exits 0 after listing, camera or not', async () => {
    expect(await ports.run([])).toBe(EXIT.OK);
    expect(await ports.run(['--json'])).toBe(EXIT.OK);
    expect(() => JSON.parse(out.slice(-1).join('')) as unknown).not.toThrow();
  });

  it('not found → 3, nothing listening → 3, a refused write → 1 with the reason, permission → 4', async () => {
    expect(await read.run(['nope', '--camera', 'demo'])).toBe(EXIT.NOT_FOUND);
    expect(await info.run(['--camera', 'tcp://127.0.0.1:1'])).toBe(EXIT.NOT_FOUND);
    expect(err.join('\n')).toMatch(
      /Nothing is listening at 127\.0\.0\.1:1\.\n {2}hint: Check the camera's address/,
    );
    expect(await write.run(['config', '{"qualty": 40}', '--camera', 'demo'])).toBe(EXIT.FAILURE);
    expect(err.join('\n')).toMatch(
      /camdeck write: The camera refused the write to "config" \(FAILED\): config: refused: unknown key "qualty"\./,
    );
    const denied = new PortOpenError('Permission denied opening /dev/ttyACM0.', 'port-permission', 'x');
    expect(toCliError(denied).exitCode).toBe(EXIT.PERMISSION);
    expect(
      toCliError(
        Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:5'), {
          code: 'ECONNREFUSED',
          address: '1.2.3.4',
          port: 5,
        }),
      ),
    ).toMatchObject({ exitCode: EXIT.NOT_FOUND, message: 'Nothing is listening at 1.2.3.4:5.' });
  });
});
