import { describe, expect, it } from 'vitest';
import { Camera } from '../host';
import type { PortInfo } from '../model';
import { createSimCam } from '../simcam';
import {
  DEMO_PORT,
  attachedCamera,
  extraPortsFromEnv,
  inProcessCamera,
  isKnownTarget,
  portList,
  serialPorts,
  targetOpener,
} from './targets';

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
