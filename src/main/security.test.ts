import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { denyDevices, hardenContents, hardenSession, secureWebPreferences } from './security';

type Handler = (...args: never[]) => unknown;

/** A Session stand-in: an EventEmitter that keeps each handler it is given under the setter's name. */
function fakeSession() {
  const handlers: Record<string, Handler> = {};
  const setter = (name: string) => (h: Handler) => (handlers[name] = h);
  const session = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: setter('request'),
    setPermissionCheckHandler: setter('check'),
    setDevicePermissionHandler: setter('device'),
    setBluetoothPairingHandler: setter('pairing'),
    webRequest: { onHeadersReceived: setter('headers') },
  });
  return { session, handlers, asSession: session as unknown as Session };
}

/** Emits a chooser event the way Electron does; returns whether it was prevented and what the callback got. */
function choose(target: EventEmitter, name: string, ...args: unknown[]) {
  let prevented = false;
  const picked: unknown[][] = [];
  const callback = (...got: unknown[]) => picked.push(got);
  const handled = target.emit(name, { preventDefault: () => (prevented = true) }, ...args, callback);
  return { handled, prevented, picked };
}

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
    const { handlers, asSession } = fakeSession();
    hardenSession(asSession);
    const request = handlers.request as (wc: unknown, perm: string, cb: (ok: boolean) => void) => void;
    const check = handlers.check as () => boolean;
    const headers = handlers.headers as (
      d: { responseHeaders?: Record<string, string[]> },
      cb: (r: unknown) => void,
    ) => void;
    let granted: boolean | undefined;
    request(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(check()).toBe(false);
    let out: unknown;
    headers({ responseHeaders: { a: ['1'] } }, (r) => (out = r));
    expect(out).toMatchObject({
      responseHeaders: {
        a: ['1'],
        'Content-Security-Policy': [expect.stringContaining("default-src 'self'")],
      },
    });
  });

  it('denies the serial, HID, USB and Bluetooth permissions, asked or checked', () => {
    const { handlers, asSession } = fakeSession();
    hardenSession(asSession, { csp: false });
    const request = handlers.request as (wc: unknown, perm: string, cb: (ok: boolean) => void) => void;
    const check = handlers.check as (wc: unknown, perm: string, origin: string) => boolean;
    for (const permission of ['serial', 'hid', 'usb', 'bluetooth']) {
      const granted: boolean[] = [];
      request(null, permission, (ok) => granted.push(ok));
      expect(granted, permission).toEqual([false]);
      expect(check(null, permission, 'app://camdeck'), permission).toBe(false);
    }
  });

  it('grants no device, even one a chooser would have remembered', () => {
    const { handlers, asSession } = fakeSession();
    hardenSession(asSession);
    const device = handlers.device as (details: { deviceType: string; origin: string }) => boolean;
    expect(device).toBeTypeOf('function');
    for (const deviceType of ['serial', 'hid', 'usb']) {
      expect(device({ deviceType, origin: 'app://camdeck' }), deviceType).toBe(false);
    }
  });

  it('cancels the serial, HID and USB choosers instead of picking a device', () => {
    const { session, asSession } = fakeSession();
    denyDevices(asSession);
    const port = { portId: 'p1', portName: 'ttyACM0' };
    const serial = choose(session, 'select-serial-port', [port], {});
    expect(serial).toEqual({ handled: true, prevented: true, picked: [['']] });
    const device = { deviceId: 'd1', name: 'camera' };
    const hid = choose(session, 'select-hid-device', { deviceList: [device], frame: null });
    expect(hid).toEqual({ handled: true, prevented: true, picked: [[]] });
    const usb = choose(session, 'select-usb-device', { deviceList: [device], frame: null });
    expect(usb).toEqual({ handled: true, prevented: true, picked: [[]] });
  });

  it('refuses Bluetooth pairing where Electron asks (Windows, Linux)', () => {
    const { handlers, asSession } = fakeSession();
    denyDevices(asSession);
    const responses: unknown[] = [];
    const pairing = handlers.pairing as (details: unknown, cb: (r: unknown) => void) => void;
    pairing({ deviceId: 'b1', pairingKind: 'confirm', frame: null }, (r) => responses.push(r));
    expect(responses).toEqual([{ confirmed: false }]);
  });

  it('needs no pairing handler where Electron has none (macOS)', () => {
    const { session } = fakeSession();
    const mac = Object.assign(session, { setBluetoothPairingHandler: undefined });
    expect(() => denyDevices(mac as unknown as Session)).not.toThrow();
    expect(choose(mac, 'select-serial-port', [], {}).picked).toEqual([['']]);
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

  it('cancels the Bluetooth chooser of a window instead of picking the first device', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler() {} });
    hardenContents(contents as unknown as WebContents, () => false);
    const devices = [{ deviceId: 'b1', deviceName: 'camera' }];
    // Electron emits it again as the scan finds devices; every time the request is cancelled
    expect(choose(contents, 'select-bluetooth-device', devices)).toEqual({
      handled: true,
      prevented: true,
      picked: [['']],
    });
    expect(choose(contents, 'select-bluetooth-device', []).picked).toEqual([['']]);
  });
});
