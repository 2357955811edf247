// Preload: hands the page its contract port and nothing else. The page calls
// `window.camdeckElectron.openContractPort()`; main answers a trusted window with a MessagePort on which the whole
// contract runs (src/rpc), and the port goes straight on to the page's own world. Never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import {
  CONTRACT_PORT_CHANNEL,
  CONTRACT_PORT_MESSAGE,
  ELECTRON_BRIDGE_KEY,
  FRAMES_PORT_CHANNEL,
  FRAMES_PORT_MESSAGE,
} from '../shared/contract';
import type { ElectronBridge } from '../shared/contract';

// The preload compiles with the Node program (no DOM lib), so the DOM shape it touches is declared here.
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void };

for (const [channel, message] of [
  [CONTRACT_PORT_CHANNEL, CONTRACT_PORT_MESSAGE],
  [FRAMES_PORT_CHANNEL, FRAMES_PORT_MESSAGE],
] as const)
  ipcRenderer.on(channel, (event) => {
    const port = event.ports[0];
    // same window, so the target origin does not widen anything; the page checks `source === window`
    if (port) window.postMessage(message, '*', [port]);
  });

const bridge: ElectronBridge = {
  openContractPort: () => ipcRenderer.send(CONTRACT_PORT_CHANNEL),
  // the paint worker's own port: the grid tiles' frames never cross the page's main thread
  openFramesPort: () => ipcRenderer.send(FRAMES_PORT_CHANNEL),
};
contextBridge.exposeInMainWorld(ELECTRON_BRIDGE_KEY, bridge);
