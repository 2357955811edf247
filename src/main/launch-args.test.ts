import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './launch-args';

describe('parseLaunchArgs', () => {
  it('defaults: auto camera, update checks on', () => {
    expect(parseLaunchArgs([])).toEqual({ camera: 'auto', noUpdate: false });
  });
  it('reads --demo, --camera in both forms and --no-update, passing Chromium switches through', () => {
    expect(parseLaunchArgs(['--no-sandbox', '--demo'])).toEqual({ camera: 'demo', noUpdate: false });
    expect(parseLaunchArgs(['--camera', '/dev/ttyACM0', '--no-update'])).toEqual({
      camera: '/dev/ttyACM0',
      noUpdate: true,
    });
    expect(parseLaunchArgs(['--camera=udp://10.0.0.5:5000'])).toMatchObject({
      camera: 'udp://10.0.0.5:5000',
    });
    expect(parseLaunchArgs(['--camera', '--demo'])).toMatchObject({ camera: 'demo' });
    expect(parseLaunchArgs(['.', '--camera=tcp://h:1'])).toMatchObject({ camera: 'tcp://h:1' });
  });
});
