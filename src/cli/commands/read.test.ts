// `camdeck read`: waits for a channel that has nothing yet (a frame before the first capture), never writes
// an empty file with exit 0, and decodes with --as.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSimCam } from '../../simcam';
import type { SimCam } from '../../simcam';
import { serveTcp } from '../../simcam/links';
import type { TcpServer } from '../../simcam/links';
import { CliError } from '../args';
import { EXIT } from '../exit';
import { decode, run, shortestF32 } from './read';
import { captureConsole } from '../test-console.test-util';

const { err } = captureConsole();

const f32 = (...v: number[]): Uint8Array => {
  const b = new Uint8Array(4 * v.length);
  v.forEach((x, i) => new DataView(b.buffer).setFloat32(4 * i, x, true));
  return b;
};

describe('--as decoders', () => {
  it("f32 prints what the script packed (struct.pack('<f', 36.62) → 36.62)", () => {
    expect(decode(f32(36.62), 'f32')).toBe('36.62');
    expect(decode(f32(1, -0.5, 0.1), 'f32')).toBe('1 -0.5 0.1');
    expect(shortestF32(Math.fround(123456.79))).toBe(123456.79);
    expect(shortestF32(Math.fround(0.3))).toBe(0.3);
  });

  it('integers, hex, text and JSON', () => {
    const b = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(decode(b, 'u32')).toBe('4294967295');
    expect(decode(b, 'i32')).toBe('-1');
    expect(decode(b, 'u16')).toBe('65535 65535');
    expect(decode(new Uint8Array([1, 0xab]), 'hex')).toBe('01 ab');
    expect(decode(new TextEncoder().encode('héllo\n'), 'text')).toBe('héllo');
    expect(decode(new TextEncoder().encode('{"a":1}'), 'json')).toBe('{\n  "a": 1\n}');
  });

  it.each([
    [new Uint8Array(5), 'f32' as const, /holds 5 bytes, not a whole number of 4-byte f32 values/],
    [new Uint8Array([0xff, 0xfe]), 'text' as const, /not UTF-8 text/],
    [new TextEncoder().encode('{nope'), 'json' as const, /does not hold JSON/],
  ])('refuses bytes of the wrong shape with a sentence and a hint (%#)', (data, as, re) => {
    const e = (() => {
      try {
        decode(data, as, 'temp');
      } catch (x) {
        return x as CliError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(CliError);
    expect(e.exitCode).toBe(EXIT.FAILURE);
    expect(e.message).toMatch(re);
    expect(e.hint).toBeTruthy();
  });
});

describe('camdeck read', () => {
  let dir: string;
  let cam: SimCam;
  let tcp: TcpServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'camdeck-read-'));
    cam = createSimCam({ demo: false });
    // a frame channel that is empty until the first capture, 300 ms in; and one that stays empty
    let frame = new Uint8Array(0);
    setTimeout(() => (frame = new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9])), 300);
    cam.register({
      name: 'frame',
      backend: { size: () => frame.length, read: (o: number, n: number) => frame.subarray(o, o + n) },
    });
    cam.register({ name: 'empty', backend: { size: () => 0, read: () => new Uint8Array(0) } });
    tcp = await serveTcp(cam, '127.0.0.1', 0);
  });
  afterEach(async () => {
    await tcp.close();
    cam.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a frame before the first capture is waited for, then written', async () => {
    const file = join(dir, 'f.jpg');
    expect(await run(['frame', '--camera', `tcp://127.0.0.1:${tcp.port}`, '--out', file])).toBe(EXIT.OK);
    expect([...readFileSync(file)]).toEqual([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);
  }, 20_000);

  it('a channel that stays empty says so, exit 1, and writes no file', async () => {
    const file = join(dir, 'e.bin');
    expect(
      await run(['empty', '--camera', `tcp://127.0.0.1:${tcp.port}`, '--out', file, '--timeout', '300']),
    ).toBe(EXIT.FAILURE);
    expect(existsSync(file)).toBe(false);
    expect(err.join('\n')).toMatch(
      /camdeck read: channel "empty" is empty \(still nothing after 300 ms\)\.\n {2}hint: /,
    );
  }, 20_000);

  it('the demo camera: temp --as f32 is a temperature; bad arguments exit 2 naming them', async () => {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((b: string | Uint8Array, cb?: () => void) => {
      chunks.push(typeof b === 'string' ? b : new TextDecoder().decode(b));
      cb?.();
      return true;
    }) as typeof process.stdout.write);
    expect(await run(['temp', '--camera', 'demo', '--as', 'f32'])).toBe(EXIT.OK);
    expect(chunks.join('')).toMatch(/^\d{2}(\.\d+)?\n$/);
    expect(await run(['temp', '--camera', 'demo', '--as', 'f16'])).toBe(EXIT.USAGE);
    expect(await run(['temp', '--camera', 'demo', '--offset', '-1'])).toBe(EXIT.USAGE);
    expect(await run(['temp', '--camera', 'foo://x'])).toBe(EXIT.USAGE);
    expect(err.join('\n')).toMatch(/--as takes f32, .* or json, not "f16"\./);
    expect(err.join('\n')).toMatch(/--offset takes a whole number of 0 or more, not "-1"\./);
    expect(err.join('\n')).toMatch(/--camera takes a serial path .*not "foo:\/\/x"\./);
  }, 20_000);
});
