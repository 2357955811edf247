// In-memory link pair: asynchronous in-order delivery, unsubscribe, and close propagation.
import { describe, expect, it } from 'vitest';
import { createLinkPair } from './link';

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('createLinkPair', () => {
  it('delivers bytes to the other end asynchronously and in order', async () => {
    const [a, b] = createLinkPair();
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    a.write(Uint8Array.of(1, 2));
    a.write(Uint8Array.of(3));
    expect(got).toEqual([]); // not re-entrant: nothing arrives inside write()
    await flush();
    expect(got).toEqual([1, 2, 3]);
  });

  it('works in both directions and stops delivering after unsubscribe', async () => {
    const [a, b] = createLinkPair();
    const atA: number[] = [];
    const off = a.onData((c) => atA.push(...c));
    b.write(Uint8Array.of(9));
    await flush();
    off();
    b.write(Uint8Array.of(10));
    await flush();
    expect(atA).toEqual([9]);
  });

  it('closing one end closes both, fires each onClose once, and refuses writes', async () => {
    const [a, b] = createLinkPair();
    const reasons: (Error | undefined)[] = [];
    a.onClose((r) => reasons.push(r));
    b.onClose((r) => reasons.push(r));
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    a.write(Uint8Array.of(1)); // in flight while b closes: dropped, the peer is gone
    b.close();
    b.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(reasons).toEqual([undefined, undefined]);
    expect(() => a.write(Uint8Array.of(2))).toThrow(/closed/);
    await flush();
    expect(got).toEqual([]);
  });
});
