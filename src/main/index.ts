// Electron main: wires the service to windows. Policy lives in security.ts / app-protocol.ts, the carrier (one
// MessagePort per window running the RPC core) in contract-ports.ts; this file only connects them.
import { app, BrowserWindow, ipcMain, MessageChannelMain, net, protocol, session } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTRACT_PORT_CHANNEL, FRAMES_PORT_CHANNEL } from '../shared/contract';
import { classifyError, createCamdeckService, extraPortsFromEnv, remoteCameraOpener } from '../service';
import { APP_ORIGIN, APP_SCHEME, APP_URL, CSP, appMimeType, resolveAppRequest } from './app-protocol';
import { ContractPorts } from './contract-ports';
import { readMainSettings } from './app-settings';
import { parseLaunchArgs, startTargets } from './launch-args';
import { hardenContents, hardenSession, secureWebPreferences } from './security';
import { TrustedSenders } from './trusted-sender';
import { setupAutoUpdate } from './updater';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, '..', 'preload', 'index.cjs');
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const pageUrl = devUrl ?? APP_URL;
const pageOrigin = devUrl ? new URL(devUrl).origin : APP_ORIGIN;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

const options = parseLaunchArgs(process.argv.slice(1));
const trusted = new TrustedSenders([pageOrigin]);
let contractPorts: ContractPorts | null = null;
const windows = new Set<BrowserWindow>();

function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(rendererDir, request.url);
    if (!file) return new Response('bad path', { status: 400 });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!res.ok) return new Response('not found', { status: 404 });
    return new Response(res.body, {
      status: 200,
      headers: {
        'Content-Type': appMimeType(file),
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'camdeck',
    backgroundColor: '#111318',
    webPreferences: secureWebPreferences(preloadPath),
  });
  const contents = win.webContents;
  const id = contents.id;
  trusted.add(contents);
  windows.add(win);
  hardenContents(contents, (url) => url === pageUrl || url.startsWith(`${pageOrigin}/`));
  // a reload or crash invalidates the page's port; it asks for a new one when it starts again
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) contractPorts?.dropOwner(id);
  });
  contents.on('render-process-gone', () => contractPorts?.dropOwner(id));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    contractPorts?.dropOwner(id);
    windows.delete(win);
  });
  void win.loadURL(pageUrl);
  return win;
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, { csp: !devUrl });
  serveAppProtocol();
  const snapshotsDir = process.env['CAMDECK_SNAPSHOTS_DIR'] ?? path.join(app.getPath('pictures'), 'camdeck');
  const service = createCamdeckService({
    snapshotsDir,
    ...startTargets(options),
    extraPorts: extraPortsFromEnv(),
    // the local user's own window (no listening socket): network cameras are theirs to name
    allowNetwork: true,
    // other camdecks' cameras (camdeck://host:port/<id>): a fleet watched from this window
    openRemote: remoteCameraOpener({ snapshotsDir }),
  });

  const ports = (contractPorts = new ContractPorts(service, { describeError: classifyError }));
  // the only IPC there is: a trusted page asks for its contract port, and one for its paint worker
  for (const [channel, role] of [
    [CONTRACT_PORT_CHANNEL, 'page'],
    [FRAMES_PORT_CHANNEL, 'frames'],
  ] as const)
    ipcMain.on(channel, (event) => {
      if (!trusted.isTrusted(event)) return;
      const { port1, port2 } = new MessageChannelMain();
      ports.open(port1, event.sender.id, role);
      event.sender.postMessage(channel, null, [port2]);
    });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    ports.closeAll();
    void service.close().finally(() => app.quit());
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  createWindow();
  // after the window: an update check never delays the first frame, and a failed one is only logged
  const updates = await setupAutoUpdate({
    isPackaged: app.isPackaged,
    enabled: !options.noUpdate && readMainSettings(app.getPath('userData')).autoUpdate,
  });
  app.once('will-quit', () => updates.dispose());
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => {
    const [win] = windows;
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void app.whenReady().then(start);
}
