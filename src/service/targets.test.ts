import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Camera } from '../host';
import type { PortInfo } from '../model';
import { createSimCam } from '../simcam';
import {
  DEMO_PORT,
  attachedCamera,
  extraPortsFromEnv,
  inProcessCamera,
  isKnownTarget,
  expandExtraPorts,
  namedBy,
  portList,
  serialPorts,
  targetKind,
  shownTarget,
  targetOpener,
  vetTarget,
} from './targets';
import type { TargetRules } from './targets';

const cam = (path: string, serialNumber?: string): PortInfo => ({
  target: path,
  path,
  isCamera: true,
  board: 'OpenMV Cam H7',
  ...(serialNumber ? { serialNumber } : {}),
});
const tty = (path: string): PortInfo => ({ target: path, path, isCamera: false });

describe('camera targets', () => {
  it('a missing target is the one attached camera; none or several name the cameras there are', () => {
    expect(attachedCamera([tty('/dev/ttyS0'), cam('/dev/ttyACM0')])).toEqual({ target: '/dev/ttyACM0' });
    expect(attachedCamera([tty('/dev/ttyS0')])).toEqual({ target: null, cameras: [] });
    const two = [cam('/dev/ttyACM0', 'A'), tty('/dev/ttyS0'), cam('/dev/ttyACM1', 'B')];
    expect(attachedCamera(two)).toEqual({ target: null, cameras: [two[0], two[2]] });
  });

  it.each([
    ['demo', true],
    ['/dev/ttyACM0', true],
    ['COM3', true],
    ['udp://10.0.0.2:5000', true],
    ['tcp://cam.local', true],
    ['foo://x', false],
    ['tcp://host:99999', false],
    ['', false],
  ])('%j is a known target: %s', (target, known) => {
    expect(isKnownTarget(target)).toBe(known);
  });

  it('CAMDECK_EXTRA_PORTS: comma-separated, trimmed, empty entries dropped', () => {
    expect(extraPortsFromEnv({ CAMDECK_EXTRA_PORTS: ' /tmp/a, ,/tmp/b,' })).toEqual(['/tmp/a', '/tmp/b']);
    expect(extraPortsFromEnv({})).toEqual([]);
  });

  it('the port list: the demo camera once and first, cameras, extra ports (not twice), other ports', () => {
    const serial = [tty('/dev/ttyS0'), cam('/dev/ttyACM0')];
    expect(portList(serial, ['/tmp/pty', '/dev/ttyACM0', 'demo', '/tmp/pty']).map((p) => p.target)).toEqual([
      'demo',
      '/dev/ttyACM0',
      '/tmp/pty',
      '/dev/ttyS0',
    ]);
    expect(portList([])).toEqual([DEMO_PORT]);
  });

  it('the demo cameras are listed first, each once: demo, demo:2, …', () => {
    expect(portList([cam('/dev/ttyACM0')], [], 3).map((p) => p.target)).toEqual([
      'demo',
      'demo:2',
      'demo:3',
      '/dev/ttyACM0',
    ]);
    expect(['demo:2', 'demo:10', 'camdeck://h:7410/3f2a', 'demo:0'].map(targetKind)).toEqual([
      'demo',
      'demo',
      'remote',
      'serial',
    ]);
  });

  it('an extra port ending in * is every file of its folder with that prefix, looked up at each listing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camdeck-glob-'));
    const entry = path.join(dir, 'cam-*');
    expect(await expandExtraPorts([entry, '/tmp/pty'])).toEqual(['/tmp/pty']);
    for (const n of ['cam-2', 'cam-1', 'other']) writeFileSync(path.join(dir, n), '');
    expect(await expandExtraPorts([entry, '/tmp/pty'])).toEqual([
      path.join(dir, 'cam-1'),
      path.join(dir, 'cam-2'),
      '/tmp/pty',
    ]);
    expect(namedBy(entry, path.join(dir, 'cam-7'))).toBe(true);
    for (const t of [
      path.join(dir, 'cam-'),
      path.join(dir, 'cam-x/../../etc/passwd'),
      path.join(dir, 'other'),
    ])
      expect(namedBy(entry, t), t).toBe(false);
  });

  it('serial ports: none (not a failure) where listing them fails', async () => {
    expect(await serialPorts(() => Promise.reject(new Error('no bindings')))).toEqual([]);
    expect(await serialPorts(async () => [cam('/dev/ttyACM0')])).toHaveLength(1);
  });

  it('the demo target: one simulated camera, made on first open, a fresh link each open, closed once', async () => {
    let made = 0;
    let closed = 0;
    const opener = targetOpener(() => {
      made++;
      const demo = inProcessCamera(createSimCam({ streamEnabled: false }));
      return { open: demo.open, close: () => (closed++, demo.close()) };
    });
    opener.close(); // nothing made yet: nothing to close
    expect([made, closed]).toEqual([0, 0]);
    for (let i = 0; i < 2; i++) {
      const transport = await opener.open('demo');
      expect(transport.describe).toBe('demo');
      const camera = new Camera(transport);
      await camera.connect();
      expect(camera.hasChannel('config')).toBe(true);
      camera.disconnect();
    }
    expect(made).toBe(1);
    opener.close();
    expect(closed).toBe(1);
  });

  it('other targets open as transports: a port that is not there fails as port-not-found', async () => {
    const opener = targetOpener(() => {
      throw new Error('no demo wanted');
    });
    await expect(opener.open('/dev/camdeck-no-such-port')).rejects.toMatchObject({ code: 'port-not-found' });
  });
});

describe('which targets the service opens', () => {
  const rules = (over: Partial<TargetRules> = {}): TargetRules => ({
    named: ['/tmp/camdeck-pty'],
    allowNetwork: false,
    listSerial: async () => [cam('/dev/ttyACM0'), tty('/dev/ttyUSB3')],
    ...over,
  });
  const refusal = async (target: string, r = rules()) => {
    const err = (await vetTarget(target, r).then(
      () => null,
      (e: unknown) => e,
    )) as { code: string; message: string; hint: string } | null;
    return err && { code: err.code, message: err.message.replace(target, 'T'), hint: err.hint };
  };

  it('opens the listed serial ports (cameras or not), the named ones and demo', async () => {
    for (const t of ['/dev/ttyACM0', '/dev/ttyUSB3', '/tmp/camdeck-pty', 'demo'])
      await expect(vetTarget(t, rules())).resolves.toBeUndefined();
  });

  it('any other path is refused in one sentence, the same whether it exists or not', async () => {
    const missing = await refusal('/dev/camdeck-no-such-port');
    expect(missing).toEqual({
      code: 'port-not-found',
      message: 'No listed serial port is called T.',
      hint: expect.stringMatching(/^Pick a port from the list.*CAMDECK_EXTRA_PORTS\.$/),
    });
    for (const t of ['/etc/passwd', '/dev/ttyS0', '/dev/null', '/tmp', '../../etc/shadow'])
      expect(await refusal(t)).toEqual(missing);
    // where the ports cannot be listed, only the named ones open
    expect(
      await refusal('/dev/ttyACM0', rules({ listSerial: () => Promise.reject(new Error('x')) })),
    ).toEqual(missing);
  });

  it('network targets only when allowed, or named by the operator at start', async () => {
    expect(await refusal('tcp://127.0.0.1:22')).toEqual({
      code: 'network-off',
      message: 'This camdeck server does not connect to network cameras (T).',
      hint: 'Start it with `camdeck serve --allow-network` to use tcp:// and udp:// cameras.',
    });
    expect((await refusal('udp://10.0.0.2:5555'))?.code).toBe('network-off');
    await expect(vetTarget('tcp://127.0.0.1:22', rules({ allowNetwork: true }))).resolves.toBeUndefined();
    await expect(
      vetTarget('tcp://cam.local:5555', rules({ named: ['tcp://cam.local:5555'] })),
    ).resolves.toBeUndefined();
  });

  it('a malformed target is left to openTransport, which says what is wrong with it', async () => {
    await expect(vetTarget('foo://x', rules())).resolves.toBeUndefined();
  });

  it('a target inside a sentence: no control characters, long ones cut', () => {
    expect(shownTarget('/dev/x\x1b[2J\n')).toBe('/dev/x?[2J?');
    expect(shownTarget('a'.repeat(500))).toHaveLength(120);
  });
});
