import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { AttemptLimiter, loopbackHostHeader, originAllowed, tokenMatches } from './access';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('originAllowed', () => {
  it('takes our own origin, scheme included, and clients without one', () => {
    expect(originAllowed(req({ host: '127.0.0.1:7431', origin: 'http://127.0.0.1:7431' }))).toBe(true);
    expect(originAllowed(req({ host: 'LOCALHOST:7431', origin: 'http://localhost:7431' }))).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:7431' }))).toBe(true);
  });
  it.each([
    'https://127.0.0.1:7431',
    'ws://127.0.0.1:7431',
    'http://127.0.0.1:7432',
    'http://evil.example',
    'null',
    'file://',
  ])('refuses %s for an http server on 127.0.0.1:7431', (origin) => {
    expect(originAllowed(req({ host: '127.0.0.1:7431', origin }))).toBe(false);
  });
});

describe('loopbackHostHeader', () => {
  it('takes loopback names only', () => {
    expect(loopbackHostHeader(req({ host: '127.0.0.1:1' }))).toBe(true);
    expect(loopbackHostHeader(req({ host: '[::1]:1' }))).toBe(true);
    expect(loopbackHostHeader(req({ host: 'localhost' }))).toBe(true);
    expect(loopbackHostHeader(req({ host: 'evil.example:1' }))).toBe(false);
    expect(loopbackHostHeader(req({}))).toBe(false);
  });
});

describe('tokenMatches', () => {
  it('compares the whole token', () => {
    expect(tokenMatches('abcd', 'abcd')).toBe(true);
    expect(tokenMatches('abcd', 'abce')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', '')).toBe(false);
    expect(tokenMatches('abcd', null)).toBe(false);
  });
});

describe('AttemptLimiter', () => {
  it('allows a few wrong tokens per second per address, then none until it refills', () => {
    let now = 0;
    const limiter = new AttemptLimiter(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.allowed('a')).toBe(true);
      limiter.failed('a');
    }
    expect(limiter.allowed('a')).toBe(false);
    expect(limiter.allowed('b')).toBe(true); // per address
    now += 340;
    expect(limiter.allowed('a')).toBe(true); // one more after a third of a second
    limiter.failed('a');
    expect(limiter.allowed('a')).toBe(false);
    now += 10_000;
    expect(limiter.allowed('a')).toBe(true);
  });

  it('stays bounded when many addresses guess', () => {
    const limiter = new AttemptLimiter(3, () => 0);
    for (let i = 0; i < 10_000; i++) limiter.failed(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.allowed('10.0.39.15')).toBe(true);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(4096);
  });
});
