// Window and session hardening, kept apart from index.ts so the policy is one readable list.
import type { Session, WebContents, WebPreferences } from 'electron';
import { CSP } from './app-protocol';

/** Renderer isolation: the page gets the preload's contract and nothing else. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Deny every permission (camera, mic, notifications, …) and add the CSP to every response. `csp: false` only for
 * the dev server (`electron-vite dev`), whose hot-reload preamble is an inline script.
 */
export function hardenSession(session: Session, opts: { csp: boolean } = { csp: true }): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  if (!opts.csp) return;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

/** No navigation away from the app, no new windows, no webviews. */
export function hardenContents(contents: WebContents, allowedUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!allowedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowedUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
