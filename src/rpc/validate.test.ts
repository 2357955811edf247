import { describe, expect, it } from 'vitest';
import { BadRequestError, dispatchRequest, isRequestName, validateRequest } from './validate';
import type { ProviderRequests } from '../shared/contract';

describe('validateRequest', () => {
  it('knows the contract names only', () => {
    expect(isRequestName('openCamera')).toBe(true);
    expect(isRequestName('connect')).toBe(false);
    expect(isRequestName('constructor')).toBe(false);
    expect(isRequestName('toString')).toBe(false);
    expect(() => validateRequest('close', [])).toThrow(BadRequestError);
    expect(() => validateRequest('on', [])).toThrow(/unknown request/);
  });

  it.each([
    ['openCamera', []],
    ['openCamera', ['']],
    ['openCamera', [1]],
    ['openCamera', ['demo', { token: 1 }]],
    ['openCamera', ['demo', { token: 'x', admin: true }]],
    ['listPorts', [1]],
    ['closeCamera', []],
    ['closeCamera', ['../etc']],
    ['closeCamera', ['A']],
    ['watch', ['cam']],
    ['watch', [['a'], { paced: 'yes' }]],
    ['watch', [['a'], { fast: true }]],
    ['watch', [['ok', 'Not Ok']]],
    ['watch', [Array.from({ length: 257 }, (_, i) => `c${i}`)]],
    ['readConfig', []],
    ['writeConfig', ['cam', [1]]],
    ['writeConfig', ['cam', {}]],
    ['writeConfig', ['cam', { a: null }]],
    ['writeConfig', ['cam', { a: Infinity }]],
    ['writeConfig', [{ quality: 1 }]],
    ['writeChannel', ['cam', 'x', [1, 2]]],
    ['setStreaming', ['cam', 'yes']],
    ['setStreaming', [true]],
    ['saveSnapshot', ['cam', 'bmp']],
    ['saveSnapshot', ['cam', 'jpeg', 1.5]],
    ['getStats', []],
  ])('rejects %s%j', (name, args) => expect(() => validateRequest(name, args)).toThrow(BadRequestError));

  it.each([
    ['openCamera', ['demo']],
    ['openCamera', ['camdeck://host:7410/cam-1', { token: 'abc' }]],
    ['openCamera', ['demo', null]],
    ['listCameras', []],
    ['closeCamera', ['3f2a-9c']],
    ['watch', [[]]],
    ['watch', [['a', 'b-2']]],
    ['watch', [['a'], { paced: true }]],
    ['writeConfig', ['cam', { quality: 10, on: true, mode: 'a' }]],
    ['writeChannel', ['cam', 'x', new Uint8Array(1)]],
    ['setStreaming', ['cam', false]],
    ['saveSnapshot', ['cam', 'png']],
    ['saveSnapshot', ['cam', 'jpeg', 12]],
    ['saveSnapshot', ['cam', 'jpeg', null]],
    ['getStats', ['cam']],
  ])('accepts %s%j', (name, args) => expect(() => validateRequest(name, args)).not.toThrow());

  it('dispatches to the service method with `this` bound, the context after every optional argument', async () => {
    const svc = {
      prefix: 'x',
      async openCamera(this: { prefix: string }, t: string, o: unknown, ctx: { peer: string }) {
        return `${this.prefix}:${t}:${String(o)}:${ctx.peer}`;
      },
    } as unknown as ProviderRequests;
    const page = { watch: async () => undefined };
    const ctx = { peer: 'page 1' };
    await expect(dispatchRequest(svc, page, 'openCamera', ['demo'], ctx)).resolves.toBe(
      'x:demo:undefined:page 1',
    );
    await expect(dispatchRequest(svc, page, 'openCamera', [], ctx)).rejects.toThrow(BadRequestError);
  });

  it('answers page requests on the page, never the provider', async () => {
    const seen: unknown[] = [];
    const svc = {} as ProviderRequests;
    const page = { watch: async (ids: string[]) => void seen.push(ids) };
    await dispatchRequest(svc, page, 'watch', [['a']], { peer: 'p' });
    expect(seen).toEqual([['a']]);
  });
});
