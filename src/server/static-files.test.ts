import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { containedRealPath, mimeType, resolveStaticPath } from './static-files';

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

describe('containedRealPath', () => {
  it('resolves links and keeps only what really lies inside the root', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'camdeck-static-'));
    const root = path.join(base, 'renderer');
    mkdirSync(root);
    writeFileSync(path.join(root, 'a.js'), '1');
    writeFileSync(path.join(root, '.env'), 'x');
    writeFileSync(path.join(base, 'outside.txt'), 'x');
    symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'out.txt'));
    symlinkSync(path.join(root, '.env'), path.join(root, 'env.txt'));
    symlinkSync(path.join(root, 'a.js'), path.join(root, 'b.js'));
    // the root itself reached through a link is fine
    symlinkSync(root, path.join(base, 'root-link'));
    const real = path.join(realpathSync(root), 'a.js');
    expect(await containedRealPath(root, path.join(root, 'b.js'))).toBe(real);
    expect(await containedRealPath(path.join(base, 'root-link'), path.join(root, 'a.js'))).toBe(real);
    expect(await containedRealPath(root, path.join(root, 'out.txt'))).toBeNull();
    expect(await containedRealPath(root, path.join(root, 'env.txt'))).toBeNull(); // a dotfile behind a link
    expect(await containedRealPath(root, root)).toBeNull();
    await expect(containedRealPath(root, path.join(root, 'nope.js'))).rejects.toThrow(/ENOENT/);
  });
});
