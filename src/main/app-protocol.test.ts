import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_URL, CSP, appMimeType, resolveAppRequest } from './app-protocol';

describe('app:// protocol', () => {
  const root = path.resolve('/opt/camdeck/out/renderer');
  it('maps our URLs into the renderer directory', () => {
    expect(resolveAppRequest(root, APP_URL)).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest(root, 'app://camdeck/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest(root, 'app://camdeck/assets/x.js?v=1')).toBe(path.join(root, 'assets', 'x.js'));
  });
  it.each(['app://camdeck/../../etc/passwd', 'app://camdeck/%2e%2e/%2e%2e/etc/passwd'])(
    'keeps %s inside the renderer directory (URL parsing folds the dots)',
    (url) => expect(resolveAppRequest(root, url)).toBe(path.join(root, 'etc', 'passwd')),
  );
  it.each([
    'app://camdeck/assets/..%2f..%2fmain%2findex.js',
    'app://camdeck/.hidden',
    'app://other/index.html',
    'file:///etc/passwd',
    'app://camdeck/%E0%A4%A',
  ])('refuses %s', (url) => expect(resolveAppRequest(root, url)).toBeNull());
  it('has a strict CSP and MIME types', () => {
    expect(CSP).toContain("default-src 'self'");
    expect(CSP).toContain("img-src 'self' blob:");
    expect(CSP).not.toContain('unsafe');
    expect(appMimeType('a.js')).toMatch(/javascript/);
  });
});
