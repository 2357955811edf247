import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as fetch from './electron-fetch.mjs';

const HOUR = 3_600_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('electron fetch decision', () => {
  it('tries when nothing failed before', () => {
    expect(fetch.fetchDecision({ failure: null, version: '45.4.1', now: 0, force: false })).toEqual({
      attempt: true,
    });
  });

  it('does not retry within a day of a failure, and says how to force it', () => {
    const failure = { at: 0, version: '45.4.1', why: 'getaddrinfo ENOTFOUND github.com' };
    const d = fetch.fetchDecision({ failure, version: '45.4.1', now: 3 * HOUR, force: false });
    if (d.attempt) throw new Error('expected no attempt');
    expect(d.why).toContain('3 h ago');
    expect(d.why).toContain('ENOTFOUND');
    expect(d.why).toContain('--fetch-electron');
  });

  it('retries after a day, for another Electron version, or when forced', () => {
    const failure = { at: 0, version: '45.4.1', why: 'x' };
    expect(fetch.fetchDecision({ failure, version: '45.4.1', now: 25 * HOUR, force: false }).attempt).toBe(
      true,
    );
    expect(fetch.fetchDecision({ failure, version: '45.5.0', now: HOUR, force: false }).attempt).toBe(true);
    expect(fetch.fetchDecision({ failure, version: '45.4.1', now: HOUR, force: true }).attempt).toBe(true);
  });

  it('remembers a failure on disk and ignores a damaged record', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'camdeck-fetch-'));
    dirs.push(root);
    const file = fetch.recordPath(root);
    expect(fetch.readFailure(file)).toBeNull();
    fetch.writeFailure(file, { at: 5, version: '45.4.1', why: 'offline' });
    expect(fetch.readFailure(file)).toEqual({ at: 5, version: '45.4.1', why: 'offline' });
    fetch.writeFailure(file, { at: 'later' });
    expect(fetch.readFailure(file)).toBeNull();
  });

  it('takes the reason from the error line, not the stack', () => {
    const stderr = 'HTTPError: something\nError: getaddrinfo ENOTFOUND github.com\n    at foo (bar.js:1:1)\n';
    expect(fetch.failureReason(stderr)).toBe('something');
    expect(fetch.failureReason('')).toBe('download failed');
    expect(fetch.failureReason('TypeError: fetch failed')).toBe('fetch failed');
    expect(fetch.failureReason('RequestError: connect ECONNREFUSED\n')).toBe('connect ECONNREFUSED');
  });
});
