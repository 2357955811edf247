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
 * Deny every permission (camera, mic, notifications, serial, HID, USB, …) and every device, and add the CSP to
 * every response. `csp: false` only for the dev server (`electron-vite dev`), whose hot-reload preamble is an
 * inline script.
 */
export function hardenSession(session: Session, opts: { csp: boolean } = { csp: true }): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  denyDevices(session);
  if (!opts.csp) return;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

/**
 * Web Serial, WebHID, WebUSB and Web Bluetooth stay shut: camdeck opens serial ports in main, never from the
 * page. Electron's defaults already refuse most of this; saying so here keeps it true across upgrades. Each
 * chooser is cancelled (an empty or missing id), so a page's request rejects at once instead of hanging.
 */
export function denyDevices(session: Session): void {
  session.setDevicePermissionHandler(() => false);
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  // Windows and Linux only: a pairing that needs the user's confirmation or a PIN is refused
  if (typeof session.setBluetoothPairingHandler === 'function') {
    session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  }
}

/** No navigation away from the app, no new windows, no webviews, no Bluetooth device chooser. */
export function hardenContents(contents: WebContents, allowedUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!allowedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowedUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // without preventDefault Electron picks the first device found; the empty id cancels the request
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
}
