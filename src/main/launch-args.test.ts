import { describe, expect, it } from 'vitest';
import { parseLaunchArgs, startTargets } from './launch-args';

describe('parseLaunchArgs', () => {
  it('defaults: auto camera, update checks on', () => {
    expect(parseLaunchArgs([])).toEqual({ cameras: ['auto'], noUpdate: false });
  });
  it('reads --demo, --camera in both forms (repeatable) and --no-update, passing Chromium switches through', () => {
    expect(parseLaunchArgs(['--no-sandbox', '--demo'])).toEqual({ cameras: ['demo'], noUpdate: false });
    expect(parseLaunchArgs(['--camera', '/dev/ttyACM0', '--no-update'])).toEqual({
      cameras: ['/dev/ttyACM0'],
      noUpdate: true,
    });
    expect(parseLaunchArgs(['--camera=udp://10.0.0.5:5000'])).toMatchObject({
      cameras: ['udp://10.0.0.5:5000'],
    });
    expect(parseLaunchArgs(['--camera', '--demo'])).toMatchObject({ cameras: ['demo'] });
    expect(parseLaunchArgs(['.', '--camera=tcp://h:1'])).toMatchObject({ cameras: ['tcp://h:1'] });
    expect(parseLaunchArgs(['--camera', '/tmp/c1', '--camera=/tmp/c2', '--camera='])).toMatchObject({
      cameras: ['/tmp/c1', '/tmp/c2'],
    });
    expect(startTargets(parseLaunchArgs(['--camera', '/tmp/c1', '--camera', '/tmp/c2']))).toEqual({
      open: ['/tmp/c1', '/tmp/c2'],
    });
  });
  it('reads --demo N (npm start -- --demo N): that many demo cameras, all opened at start', () => {
    expect(parseLaunchArgs(['.', '--demo', '3'])).toEqual({ cameras: [], demo: 3, noUpdate: false });
    expect(parseLaunchArgs(['--demo=2', '--no-update'])).toEqual({ cameras: [], demo: 2, noUpdate: true });
    // not a count: bare --demo, and the next word is left alone
    expect(parseLaunchArgs(['--demo', '0'])).toEqual({ cameras: ['demo'], noUpdate: false });
    expect(parseLaunchArgs(['--demo', '--no-sandbox'])).toEqual({ cameras: ['demo'], noUpdate: false });
    expect(startTargets(parseLaunchArgs(['--demo', '3']))).toEqual({
      demoCameras: 3,
      open: ['demo', 'demo:2', 'demo:3'],
    });
    expect(startTargets(parseLaunchArgs(['--demo', '2', '--camera', '/tmp/c1']))).toEqual({
      demoCameras: 2,
      open: ['demo', 'demo:2', '/tmp/c1'],
    });
    expect(startTargets(parseLaunchArgs(['--demo']))).toEqual({ open: ['demo'] });
    expect(startTargets(parseLaunchArgs([]))).toEqual({ open: ['auto'] });
  });
});
