import { describe, expect, it } from 'vitest';
import { decodeTemperature, formatTemperature, snapshotFileName } from '../../../model';
import { ApiError, toAppError } from '../api/errors';
import { presentError, sentence } from './messages';
import { portOptions } from './ports';

describe('error text', () => {
  it('is a sentence with a hint, never a bare code', () => {
    expect(sentence('no camera connected')).toBe('No camera connected.');
    expect(sentence('Nothing is listening at 127.0.0.1:1.')).toBe('Nothing is listening at 127.0.0.1:1.');
    expect(presentError({ code: 'port-busy', message: 'port-busy' })).toEqual({
      message: 'Something went wrong in camdeck.',
      hint: 'Try again; if it keeps happening, disconnect and connect the camera again.',
    });
    expect(presentError({ code: 'x', message: 'EACCES' }).message).toBe('Something went wrong in camdeck.');
    expect(
      presentError({ code: 'server-lost', message: 'connect: not connected to the camdeck server' }),
    ).toEqual({
      message: 'Connect: not connected to the camdeck server.',
      hint: 'The camdeck server stopped or restarted; this page reconnects by itself.',
    });
    expect(
      presentError({ code: 'port-not-found', message: 'There is no port /dev/x.', hint: 'Check the cable' }),
    ).toEqual({ message: 'There is no port /dev/x.', hint: 'Check the cable.' });
  });

  it('takes the hint apart from a carrier message that folded it in', () => {
    const hint = 'Check the cable and pick the port again (Refresh).';
    const e = toAppError(
      new ApiError(`There is no port /dev/x. — ${hint}`, 'port-not-found', hint),
      'ui-error',
      1,
    );
    expect(e).toEqual({ code: 'port-not-found', message: 'There is no port /dev/x.', hint, at: 1 });
    // Electron's main-world errors are plain Errors with code and hint fields
    const plain = Object.assign(new Error(`x — ${hint}`), { code: 'port-not-found', hint });
    expect(toAppError(plain, 'ui-error', 1)).toMatchObject({ message: 'x', hint });
    expect(toAppError('boom', 'ui-error', 1)).toEqual({ code: 'ui-error', message: 'boom', at: 1 });
  });
});

describe('port options', () => {
  it('list the demo camera once, whether or not the service listed it', () => {
    const cam = { target: '/dev/ttyACM0', path: '/dev/ttyACM0', isCamera: true };
    const demo = { target: 'demo', path: 'demo', board: 'Demo camera', isCamera: true };
    expect(portOptions([]).map((p) => p.target)).toEqual(['demo']);
    expect(portOptions([demo, cam]).map((p) => p.target)).toEqual(['demo', '/dev/ttyACM0']);
    expect(portOptions([cam]).map((p) => p.target)).toEqual(['demo', '/dev/ttyACM0']);
    expect(portOptions([demo, cam, demo]).map((p) => p.target)).toEqual(['demo', '/dev/ttyACM0']);
  });
});

describe('temp channel', () => {
  it('decodes the 4-byte little-endian float32, and still the old ASCII text', () => {
    const f32 = new Uint8Array(4);
    new DataView(f32.buffer).setFloat32(0, 36.6, true);
    expect(decodeTemperature(f32)).toBeCloseTo(36.6, 4);
    expect(formatTemperature(decodeTemperature(f32))).toBe('36.6 °C');
    // from a larger buffer (a subarray at an offset)
    const big = new Uint8Array(10);
    big.set(f32, 3);
    expect(decodeTemperature(big.subarray(3, 7))).toBeCloseTo(36.6, 4);
    const neg = new Uint8Array(4);
    new DataView(neg.buffer).setFloat32(0, -5.25, true);
    expect(decodeTemperature(neg)).toBe(-5.25);
    // ASCII, including 4-character readings that would be tiny floats
    const enc = new TextEncoder();
    expect(decodeTemperature(enc.encode('36.62'))).toBe(36.62);
    expect(decodeTemperature(enc.encode('36.6'))).toBe(36.6);
    expect(decodeTemperature(enc.encode('oops'))).toBeNull();
    expect(decodeTemperature(new Uint8Array(0))).toBeNull();
    expect(formatTemperature(null)).toBe('–');
  });
});

describe('snapshot name', () => {
  it('is one name for the saved file and the download', () => {
    const at = new Date(2026, 11, 1, 20, 30, 15, 42);
    expect(snapshotFileName({ seq: 1234 }, 'jpeg', at)).toBe('camdeck-20261201-203015-042-1234.jpg');
    expect(snapshotFileName({ seq: 7 }, 'png', at)).toBe('camdeck-20261201-203015-042-7.png');
  });
});
