import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { hardenContents, hardenSession, secureWebPreferences } from './security';

describe('window security', () => {
  it('isolates the renderer', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('denies permissions and sets the CSP on responses', () => {
    let request: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let headers:
      ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
    } as unknown as Session;
    hardenSession(session);
    let granted: boolean | undefined;
    request!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(check!()).toBe(false);
    let out: unknown;
    headers!({ responseHeaders: { a: ['1'] } }, (r) => (out = r));
    expect(out).toMatchObject({
      responseHeaders: {
        a: ['1'],
        'Content-Security-Policy': [expect.stringContaining("default-src 'self'")],
      },
    });
  });

  it('blocks navigation away, new windows and webviews', () => {
    const contents = Object.assign(new EventEmitter(), {
      openHandler: undefined as undefined | (() => { action: string }),
      setWindowOpenHandler(h: () => { action: string }) {
        this.openHandler = h;
      },
    });
    hardenContents(contents as unknown as WebContents, (url) => url.startsWith('app://camdeck/'));
    const nav = (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('app://camdeck/index.html')).toBe(false);
    expect(contents.openHandler!()).toEqual({ action: 'deny' });
    let webview = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
  });
});
