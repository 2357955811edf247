// `camdeck simcam --count N --pty-dir DIR`: many cameras from one process — the plan per camera, one ready
// line each, dev_id spelling each serial, `@K` commands, `move`, `@K quit`, and a clean exit.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode, decodeSysInfo } from '../../protocol';
import { demoCameraOptions, serialOfDevId } from '../../simcam';
import { streamLink } from '../../simcam/links';
import { RawHost } from '../../simcam/testkit';
import { parseSimcamArgs } from './simcam-args';
import { lines, openPty, until } from './simcam.test-util';

const haveSocat = spawnSync('socat', ['-V']).status === 0;
if (!haveSocat) console.log('simcam many-camera pty test skipped: socat is not installed');

const root = new URL('../../../', import.meta.url).pathname;

describe('camdeck simcam: the plan for many cameras', () => {
  it('--count N --pty-dir DIR: camera K is demo camera K at DIR/camK, with the shared knobs', () => {
    const p = parseSimcamArgs(['--count', '3', '--pty-dir', '/tmp/d', '--fps', '5', '--drop', '0.01']);
    expect(p.many).toBe(true);
    expect(p.ptyDir).toBe('/tmp/d');
    expect(p.cameras.map((c) => c.transport)).toEqual(
      [1, 2, 3].map((k) => ({ kind: 'pty', path: `/tmp/d/cam${k}` })),
    );
    p.cameras.forEach((c, i) => {
      expect(c.options).toEqual({ ...demoCameraOptions(i + 1), fps: 5, faults: { dropRate: 0.01 } });
    });
    // camera 1 is what a one-camera caller reads
    expect(p.transport).toEqual(p.cameras[0]!.transport);
  });

  it('--pty paths come first, --pty-dir holds the rest; two --pty alone are two cameras', () => {
    const p = parseSimcamArgs(['--pty', '/tmp/a', '--count', '3', '--pty-dir', '/tmp/d']);
    expect(p.cameras.map((c) => (c.transport as { path: string }).path)).toEqual([
      '/tmp/a',
      '/tmp/d/cam2',
      '/tmp/d/cam3',
    ]);
    const two = parseSimcamArgs(['--pty', '/tmp/a', '--pty', '/tmp/b']);
    expect(two.cameras.map((c) => c.options.board)).toEqual([
      demoCameraOptions(1).board,
      demoCameraOptions(2).board,
    ]);
  });

  it('--board makes every camera that board (default USB id, own serials); --serial once per camera', () => {
    const p = parseSimcamArgs([
      '--count',
      '2',
      '--pty-dir',
      '/d',
      '--board',
      'My Cam',
      '--serial',
      'a1',
      '--serial',
      'B2',
    ]);
    expect(p.cameras.map((c) => [c.options.board, c.options.usbPid, c.options.serial])).toEqual([
      ['My Cam', undefined, '0000000000000000000000a1'],
      ['My Cam', undefined, '0000000000000000000000b2'],
    ]);
    const q = parseSimcamArgs(['--count', '2', '--pty-dir', '/d', '--board', 'My Cam', '--usb', '1234:5678']);
    expect(q.cameras[1]!.options).toMatchObject({
      usbVid: 0x1234,
      usbPid: 0x5678,
      serial: demoCameraOptions(2).serial,
    });
  });

  it('one camera stays as it was: no demo options merged, a --serial of its own', () => {
    const p = parseSimcamArgs(['--pty', '/tmp/x', '--serial', 'C0FFEE']);
    expect(p.many).toBe(false);
    expect(p.options).toEqual({ serial: '000000000000000000c0ffee' });
  });

  it.each([
    [['--count', '3'], /--count 3 needs --pty-dir DIR/],
    [['--count', '0', '--pty-dir', '/d'], /--count takes a whole number of cameras from 1 to 32, not "0"/],
    [['--count', '2.5', '--pty-dir', '/d'], /whole number/],
    [['--count', '99', '--pty-dir', '/d'], /from 1 to 32/],
    [['--count', '1', '--pty', '/a', '--pty', '/b'], /fewer cameras than the 2 --pty paths/],
    [['--count', '2', '--pty-dir', '/d', '--tcp', '127.0.0.1:0'], /ptys only, so --tcp cannot go with/],
    [
      ['--count', '2', '--pty-dir', '/d', '--serial', '1'],
      /one --serial per camera \(2 cameras, 1 serials\)/,
    ],
    [['--pty', '/a', '--pty', '/a'], /cannot share the pty \/a/],
    [['--pty', '/a', '--serial', 'xyz'], /--serial must be 1 to 24 hex digits/],
    [['--pty', '/a', '--serial', '1', '--serial', '2'], /more need --count N/],
  ])('refuses %j', (argv, why) => {
    expect(() => parseSimcamArgs(argv)).toThrow(why);
  });
});

/** A raw protocol host on a pty path: SYNC, then SYS_INFO's dev_id. */
async function devIdAt(path: string): Promise<[number, number, number]> {
  const { input, output } = openPty(path);
  const host = new RawHost(streamLink(input, output, () => input.destroy()));
  try {
    await host.sync();
    return decodeSysInfo((await host.request(Opcode.SYS_INFO)).body).devId;
  } finally {
    host.dispose();
    input.destroy();
    output.destroy();
  }
}

describe('camdeck simcam: many cameras from one process', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!haveSocat)(
    'one ready line each; dev_id spells each serial; @K commands, move and @K quit; quit ends it',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'camdeck-many-'));
      const ptys = join(dir, 'ptys'); // made by simcam
      const child = spawn(
        process.execPath,
        [
          join(root, 'bin/camdeck.js'),
          'simcam',
          '--count',
          '3',
          '--pty-dir',
          ptys,
          '--size',
          '64x48',
          '--fps',
          '5',
        ],
        { cwd: root },
      );
      const next = lines(child, 20_000);
      try {
        const ready = [await next(), await next(), await next()];
        ready.forEach((l, i) => {
          const o = demoCameraOptions(i + 1);
          expect(l).toBe(
            `simcam: ready pty ${join(ptys, `cam${i + 1}`)} serial=${o.serial} board="${o.board}"`,
          );
        });
        // what a host reads from camera 2 is camera 2's identity
        expect(serialOfDevId(await devIdAt(join(ptys, 'cam2')))).toBe(demoCameraOptions(2).serial);

        child.stdin.write('@2 reject-writes on\n');
        expect(await next()).toBe('ok @2 reject-writes on');
        child.stdin.write('@2 stall abc\n');
        expect(await next()).toMatch(/^error @2 stall needs milliseconds/);
        child.stdin.write('@7 stats\n');
        expect(await next()).toBe('error there is no camera "@7"; the cameras are @1…@3');
        child.stdin.write('@2\n');
        expect(await next()).toBe('error @2 needs a command after it, e.g. @2 stats');

        // move: the pty goes away and comes back under the new path, announced by a fresh ready line
        const moved = join(dir, 'moved');
        child.stdin.write(`@3 move ${moved}\n`);
        expect(await next()).toBe(`ok @3 move ${moved}`);
        const o3 = demoCameraOptions(3);
        expect(await next()).toBe(`simcam: ready pty ${moved} serial=${o3.serial} board="${o3.board}"`);
        expect(existsSync(join(ptys, 'cam3'))).toBe(false);
        expect(serialOfDevId(await devIdAt(moved))).toBe(o3.serial);
        child.stdin.write(`@3 move ${join(ptys, 'cam1')}\n`);
        expect(await next()).toMatch(/^error @3 .*cam1 already exists; move needs a free path$/);

        // @2 quit stops camera 2 only; camera 1 (no prefix) still answers
        child.stdin.write('@2 quit\n');
        expect(await next()).toBe('ok @2 quit');
        expect(existsSync(join(ptys, 'cam2'))).toBe(false);
        child.stdin.write('@2 stats\n');
        expect(await next()).toBe('error @2 camera 2 has quit; the others still take commands');
        child.stdin.write('stats\n');
        expect(await next()).toMatch(/^ok stats \{/);

        child.stdin.write('quit\n');
        expect(await next()).toBe('ok quit');
        expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
        expect(existsSync(join(ptys, 'cam1'))).toBe(false);
        expect(await until(() => !existsSync(moved), 2000)).toBe(true);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    90_000,
  );

  it.skipIf(!haveSocat)(
    'the single camera answers move with its old-style ready line, and exits when its last camera quits',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'camdeck-one-'));
      const first = join(dir, 'a');
      const child = spawn(
        process.execPath,
        [join(root, 'bin/camdeck.js'), 'simcam', '--pty', first, '--size', '64x48'],
        {
          cwd: root,
        },
      );
      const next = lines(child, 20_000);
      try {
        expect(await next()).toBe(`simcam: ready pty ${first}`);
        const second = join(dir, 'b');
        child.stdin.write(`move ${second}\n`);
        expect(await next()).toBe(`ok move ${second}`);
        expect(await next()).toBe(`simcam: ready pty ${second}`);
        expect(existsSync(first)).toBe(false);
        expect(existsSync(second)).toBe(true);
        child.stdin.write('@1 quit\n');
        expect(await next()).toBe('ok @1 quit');
        expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    60_000,
  );
});
