// The Electron carrier's page side in Node: a fake window and preload bridge, main's end of the port served by the
// real RPC core.
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACT_PORT_MESSAGE, FRAMES_PORT_MESSAGE } from '../../../shared/contract';
import type { ContractProvider } from '../../../shared/contract';
import { serveContract } from '../../../rpc';
import type { MessagePortLike } from '../../../rpc';
import { electronApi, type WindowLike } from './electron';

type Listener = Parameters<WindowLike['addEventListener']>[1];

const open: Array<{ close(): void }> = [];
afterEach(() => open.splice(0).forEach((p) => p.close()));

function setup() {
  const listeners = new Set<Listener>();
  const win: WindowLike & Record<string, unknown> = {
    addEventListener: (_t, l) => void listeners.add(l),
    removeEventListener: (_t, l) => void listeners.delete(l),
  };
  const provider = {
    listPorts: async () => [{ target: 'demo', path: 'demo', isCamera: true }],
    on: () => () => undefined,
    onFrame: () => () => undefined,
  } as unknown as ContractProvider;
  let asked = 0;
  let framesAsked = 0;
  const deliver = (source: unknown, data: unknown) => {
    const ch = new MessageChannel();
    open.push(ch.port1, ch.port2);
    const main = ch.port1 as unknown as MessagePortLike;
    serveContract(provider, {
      send: (m) => main.postMessage(m),
      onMessage: (l) => (main.addEventListener('message', (ev) => l(ev.data)), () => undefined),
      onClose: () => () => undefined,
    });
    main.start();
    for (const l of [...listeners]) l({ source, data, ports: [ch.port2 as unknown as MessagePortLike] });
  };
  const api = electronApi(win, {
    openContractPort: () => void asked++,
    openFramesPort: () => void framesAsked++,
  });
  return { win, api, deliver, asked: () => asked, framesAsked: () => framesAsked, listeners };
}

describe('electronApi', () => {
  it('asks for the port once, waits for it, and exposes exactly the contract on window.camdeck', async () => {
    const { win, api, deliver, asked, listeners } = setup();
    expect(asked()).toBe(1);
    const ports = api.request('listPorts'); // before the port arrives: waits
    deliver({}, CONTRACT_PORT_MESSAGE); // from another window: ignored
    deliver(win, 'something else'); // not our message: ignored
    expect(listeners.size).toBe(1);
    deliver(win, CONTRACT_PORT_MESSAGE);
    expect(listeners.size).toBe(0);
    await expect(ports).resolves.toEqual([{ target: 'demo', path: 'demo', isCamera: true }]);
    const exposed = win['camdeck'] as object;
    expect(Object.keys(exposed).sort()).toEqual(['carrier', 'credit', 'on', 'onFrame', 'request']);
    expect(Object.isFrozen(exposed)).toBe(true);
    expect(api.carrier).toBe('electron');
  });

  it('the paint worker gets a port of its own, and only from this window', async () => {
    const { win, api, deliver, framesAsked } = setup();
    deliver(win, CONTRACT_PORT_MESSAGE);
    const carrier = api.framesCarrier!();
    expect(framesAsked()).toBe(1);
    deliver({}, FRAMES_PORT_MESSAGE); // another window's: ignored
    deliver(win, FRAMES_PORT_MESSAGE);
    const c = await carrier;
    expect(c.kind).toBe('port');
  });

  it('a main process that never answers with the frames port fails it with a sentence', async () => {
    const timers = { setTimeout: (fn: () => void) => (fn(), 0), clearTimeout: () => undefined };
    const listeners = new Set<Listener>();
    const win: WindowLike = {
      addEventListener: (_t, l) => void listeners.add(l),
      removeEventListener: (_t, l) => void listeners.delete(l),
    };
    const api = electronApi(
      win,
      { openContractPort: () => undefined, openFramesPort: () => undefined },
      timers,
    );
    await expect(api.framesCarrier!()).rejects.toThrow(/did not answer with a frames port/);
  });
});
