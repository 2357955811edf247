import { describe, expect, it } from 'vitest';
import { CSP } from './csp';

describe('CSP', () => {
  it('lets the page start only its own scripts as workers (the frame decoder), never blob: or data:', () => {
    const worker = CSP.split('; ').find((d) => d.startsWith('worker-src '));
    expect(worker).toBe("worker-src 'self'");
    expect(CSP).toContain("default-src 'self'");
  });
});
