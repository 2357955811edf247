// The host CLI commands against the in-process demo camera: output shape and exit codes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../exit';
import * as bench from './bench';
import * as frames from './frames';
import * as info from './info';
import * as read from './read';
import * as write from './write';
import * as ports from './ports';
import { formatPort, toCliError } from './ports';
import { PortOpenError } from '../../host';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

describe('camdeck host commands (demo camera)', () => {
  it('info prints version, sysinfo, caps and channels as JSON', async () => {
    expect(await info.run(['--port', 'demo'])).toBe(EXIT.OK);
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
      expect(await write.run(['config', '{"quality": 33}', '--port', 'demo'])).toBe(EXIT.OK);
      const file = join(dir, 'cfg.json');
      expect(await read.run(['config', '--port', 'demo', '--out', file])).toBe(EXIT.OK);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('quality');
      writeFileSync(join(dir, 'bad.json'), 'not json');
      expect(await write.run(['config', `@${join(dir, 'bad.json')}`, '--port', 'demo'])).toBe(EXIT.FAILURE);
      expect(err.join('\n')).toMatch(/The camera refused the write to "config" \(FAILED\)/);
      expect(await read.run(['--port', 'demo'])).toBe(EXIT.USAGE);
      expect(await read.run(['nope', '--port', 'demo'])).toBe(EXIT.NOT_FOUND);
      expect(await read.run(['config', '--bogus'])).toBe(EXIT.USAGE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frames saves N frames with JSON meta lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camdeck-frames-'));
    try {
      expect(await frames.run(['--port', 'demo', '--count', '3', '--out', dir, '--channel', 'frame'])).toBe(
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
    expect(await info.run(['--port', 'demo', '--ack', 'off', '--max-payload', '498'])).toBe(EXIT.OK);
    const j = JSON.parse(out.join('\n')) as { caps: { ack: boolean; maxPayload: number } };
    expect(j.caps).toMatchObject({ ack: false, maxPayload: 498 });
    out.length = 0;
    // more than the camera offers is capped by the camera (min of both)
    expect(await info.run(['--port', 'demo', '--max-payload', '60000'])).toBe(EXIT.OK);
    expect((JSON.parse(out.join('\n')) as typeof j).caps).toMatchObject({ ack: true, maxPayload: 4082 });
    expect(await info.run(['--port', 'demo', '--ack', 'maybe'])).toBe(EXIT.USAGE);
    expect(await info.run(['--port', 'demo', '--max-payload', '49'])).toBe(EXIT.USAGE);
    expect(await read.run(['config', '--port', 'demo', '--max-payload', 'lots'])).toBe(EXIT.USAGE);
    expect(err.join('\n')).toMatch(
      /--ack takes "on" or "off".*--max-payload takes a whole number.*not "lots"/s,
    );
  });

  it('frames with ACKs off and 498-byte packets: whole frames, reassembled from back-to-back fragments', async () => {
    expect(await frames.run(['--port', 'demo', '--count', '2', '--ack', 'off', '--max-payload', '498'])).toBe(
      EXIT.OK,
    );
    const metas = out.map((l) => JSON.parse(l) as { width: number; bytes: number; format: string });
    expect(metas).toHaveLength(2);
    for (const m of metas) expect(m).toMatchObject({ width: 640, format: 'jpeg' });
    expect(metas[0]!.bytes).toBeGreaterThan(498 * 4); // many fragments per frame
  }, 20_000);

  it('bench --max-payload measures with smaller packets (the bulk read reports the negotiated size)', async () => {
    expect(await bench.run(['--port', 'demo', '--seconds', '0.3', '--max-payload', '498', '--json'])).toBe(
      EXIT.OK,
    );
    const r = JSON.parse(out.join('\n')) as { bulk: { maxPayload: number; bytes: number } };
    expect(r.bulk.maxPayload).toBe(498);
    expect(r.bulk.bytes).toBeGreaterThan(30_000);
    expect(await bench.run(['--port', 'demo', '--max-payload', '10'])).toBe(EXIT.USAGE);
  }, 30_000);

  it('a missing serial port exits 3 with a hint', async () => {
    expect(await info.run(['--port', '/dev/camdeck-no-such-port'])).toBe(EXIT.NOT_FOUND);
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

describe('exit codes as the README table', () => {
  it.each([
    [
      'frames --count -1',
      () => frames.run(['--port', 'demo', '--count', '-1']),
      /--count takes a whole number of 1 or more, not "-1"/,
    ],
    [
      'frames --count abc',
      () => frames.run(['--port', 'demo', '--count', 'abc']),
      /--count takes a whole number of 1 or more, not "abc"/,
    ],
    [
      'frames --channel x',
      () => frames.run(['--port', 'demo', '--channel', 'x']),
      /--channel takes stream or frame, not "x"/,
    ],
    [
      'frames --timeout 0',
      () => frames.run(['--port', 'demo', '--timeout', '0']),
      /--timeout takes a positive number/,
    ],
    ['info --bogus', () => info.run(['--bogus']), /Unknown option --bogus\./],
    ['read --bogus', () => read.run(['config', '--bogus']), /Unknown option --bogus\./],
    ['write --bogus', () => write.run(['config', 'x', '--bogus']), /Unknown option --bogus\./],
    ['bench --bogus', () => bench.run(['--bogus']), /Unknown option --bogus\./],
    ['ports --bogus', () => ports.run(['--bogus']), /Unknown option --bogus\./],
    ['info foo://x', () => info.run(['--port', 'foo://x']), /--port takes a serial path.*not "foo:\/\/x"/],
    [
      'frames foo://x',
      () => frames.run(['--port', 'foo://x']),
      /--port takes a serial path.*not "foo:\/\/x"/,
    ],
    ['bench foo://x', () => bench.run(['--port', 'foo://x']), /--port takes a serial path.*not "foo:\/\/x"/],
    ['write without DATA', () => write.run(['config', '--port', 'demo']), /write takes a CHANNEL and DATA/],
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
      expect(await info.run(['--port', `tcp://127.0.0.1:${port}`])).toBe(EXIT.FAILURE);
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
    expect(await read.run(['nope', '--port', 'demo'])).toBe(EXIT.NOT_FOUND);
    expect(await info.run(['--port', 'tcp://127.0.0.1:1'])).toBe(EXIT.NOT_FOUND);
    expect(err.join('\n')).toMatch(
      /Nothing is listening at 127\.0\.0\.1:1\.\n {2}hint: Check the camera's address/,
    );
    expect(await write.run(['config', '{"qualty": 40}', '--port', 'demo'])).toBe(EXIT.FAILURE);
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
