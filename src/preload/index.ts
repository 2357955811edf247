// Preload: hands the page its contract port and nothing else. The page calls
// `window.camdeckElectron.openContractPort()`; main answers a trusted window with a MessagePort on which the whole
// contract runs (src/rpc), and the port goes straight on to the page's own world. Never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { CONTRACT_PORT_CHANNEL, CONTRACT_PORT_MESSAGE, ELECTRON_BRIDGE_KEY } from '../shared/contract';
import type { ElectronBridge } from '../shared/contract';

// The preload compiles with the Node program (no DOM lib), so the DOM shape it touches is declared here.
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void };

ipcRenderer.on(CONTRACT_PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  // same window, so the target origin does not widen anything; the page checks `source === window`
  if (port) window.postMessage(CONTRACT_PORT_MESSAGE, '*', [port]);
});

const bridge: ElectronBridge = {
  openContractPort: () => ipcRenderer.send(CONTRACT_PORT_CHANNEL),
};
contextBridge.exposeInMainWorld(ELECTRON_BRIDGE_KEY, bridge);
