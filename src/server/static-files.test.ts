import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { mimeType, resolveStaticPath } from './static-files';

describe('resolveStaticPath', () => {
  const root = path.resolve('/srv/app');
  it('maps / to index.html and plain paths under the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/a%20b.js')).toBe(path.join(root, 'assets', 'a b.js'));
  });
  it.each([
    '/../etc/passwd',
    '/a/../../x',
    '/%2e%2e/x',
    '/a%2f..%2f..%2fx',
    '/..\\x',
    '/.git/config',
    '/%E0%A4%A',
    '/a\0b',
  ])('rejects %s', (p) => expect(resolveStaticPath(root, p)).toBeNull());
  it('knows the renderer MIME types', () => {
    expect(mimeType('x.js')).toMatch(/javascript/);
    expect(mimeType('x.woff2')).toBe('font/woff2');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
  });
});
