import { describe, expect, it } from 'vitest';
import { ServiceError, asServiceError, classifyError, toAppError } from './errors';
import { udevHint } from './udev-hint';

describe('classifyError', () => {
  it('maps a permission failure to port-permission with what to do (the udev command on Linux)', () => {
    const c = classifyError(
      Object.assign(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), { code: 'EACCES' }),
    );
    expect(c.code).toBe('port-permission');
    expect(c.hint).toBe(udevHint());
    if (process.platform === 'linux') expect(c.hint).toContain('/etc/udev/rules.d/');
  });
  it('maps config errors by class name', () => {
    class ConfigRejectedError extends Error {
      override name = 'ConfigRejectedError';
    }
    expect(classifyError(new ConfigRejectedError('no')).code).toBe('config-rejected');
    const fmt = new Error('bad');
    fmt.name = 'ConfigFormatError';
    expect(classifyError(fmt).code).toBe('config-invalid');
  });
  it('keeps ServiceError codes and falls back to internal', () => {
    expect(classifyError(new ServiceError('not-connected', 'x', 'h'))).toEqual({
      code: 'not-connected',
      message: 'x',
      hint: 'h',
    });
    expect(classifyError('weird').code).toBe('internal');
    expect(toAppError(new Error('request timed out'), () => 7)).toMatchObject({ code: 'timeout', at: 7 });
    expect(asServiceError(new Error('ENOENT: no such file')).code).toBe('port-not-found');
  });
});
