import { describe, expect, it } from 'vitest';
import { BadRequestError, dispatchRequest, isRequestName, validateRequest } from './validate';
import type { CamdeckRequests } from '../shared/contract';

describe('validateRequest', () => {
  it('knows the contract names only', () => {
    expect(isRequestName('connect')).toBe(true);
    expect(isRequestName('constructor')).toBe(false);
    expect(isRequestName('toString')).toBe(false);
    expect(() => validateRequest('close', [])).toThrow(BadRequestError);
    expect(() => validateRequest('on', [])).toThrow(/unknown request/);
  });

  it.each([
    ['connect', []],
    ['connect', ['']],
    ['connect', [1]],
    ['listPorts', [1]],
    ['writeConfig', [[1]]],
    ['writeConfig', [{}]],
    ['writeConfig', [{ a: null }]],
    ['writeConfig', [{ a: Infinity }]],
    ['writeChannel', ['x', [1, 2]]],
    ['setStreaming', ['yes']],
    ['saveSnapshot', ['bmp']],
    ['saveSnapshot', ['jpeg', 1.5]],
  ])('rejects %s%j', (name, args) => expect(() => validateRequest(name, args)).toThrow(BadRequestError));

  it.each([
    ['connect', ['demo']],
    ['writeConfig', [{ quality: 10, on: true, mode: 'a' }]],
    ['writeChannel', ['x', new Uint8Array(1)]],
    ['setStreaming', [false]],
    ['saveSnapshot', ['png']],
    ['saveSnapshot', ['jpeg', 12]],
    ['saveSnapshot', ['jpeg', null]],
    ['getStats', []],
  ])('accepts %s%j', (name, args) => expect(() => validateRequest(name, args)).not.toThrow());

  it('dispatches to the service method with `this` bound', async () => {
    const svc = {
      target: 'x',
      async connect(this: { target: string }, t: string) {
        return `${this.target}:${t}`;
      },
    } as unknown as CamdeckRequests;
    await expect(dispatchRequest(svc, 'connect', ['demo'])).resolves.toBe('x:demo');
    await expect(dispatchRequest(svc, 'connect', [])).rejects.toThrow(BadRequestError);
  });
});
