// Runs in the page's own (main) world via contextBridge.executeInMainWorld, so it must be self-contained: it is
// serialized, so no imports, no closures, constants come in as arguments.
//
// Why: objects crossing the context bridge are copied and lose their class, so (1) a rejected request would reach
// the page as a bare Error without its `code`, and (2) every frame handed to a page listener would be copied once
// more. Here the page-side `window.camdeck` is built in the page's world: requests unwrap the `{ok, …}` envelope
// into an Error carrying `code` and `hint`, and frames come straight off a MessagePort owned by the page.
//
// Frame path: post FRAME_PORT_REQUEST to the window → the preload asks main for a port → main answers with
// FRAME_PORT_MESSAGE and the port in `event.ports[0]`; each port message is one frame-wire message.

export interface BridgeApi {
  invoke(name: string, args: unknown[]): Promise<unknown>;
  on(name: string, listener: (payload: unknown) => void): () => void;
  isRequest(name: string): boolean;
}

export function installMainWorldApi(
  bridgeKey: string,
  portRequest: string,
  portMessage: string,
  frameTag: number,
): void {
  type Envelope =
    { ok: true; result: unknown } | { ok: false; error: { message: string; code: string; hint?: string } };
  type Listener = (meta: unknown, image: Uint8Array) => void;
  type PortLike = { onmessage: ((ev: { data: unknown }) => void) | null; start(): void; close(): void };
  type Win = {
    addEventListener(
      t: 'message',
      l: (ev: { source: unknown; data: unknown; ports: readonly PortLike[] }) => void,
    ): void;
    postMessage(m: unknown, origin: string): void;
  } & Record<string, unknown>;
  const w = globalThis as unknown as Win;
  const bridge = w[bridgeKey] as BridgeApi;

  const frameListeners = new Set<Listener>();
  let port: PortLike | null = null;
  let asked = false;
  const decoder = new TextDecoder();

  const onPortMessage = (ev: { data: unknown }) => {
    const msg = ev.data;
    if (!(msg instanceof Uint8Array) || msg.length < 3 || msg[0] !== frameTag) return;
    const n = msg[1]! | (msg[2]! << 8);
    if (3 + n > msg.length) return;
    let meta: unknown;
    try {
      meta = JSON.parse(decoder.decode(msg.subarray(3, 3 + n)));
    } catch {
      return;
    }
    const image = msg.subarray(3 + n);
    for (const l of frameListeners) l(meta, image);
  };

  // Only a port this code asked for: the page may request ports of its own with the same messages.
  let pending = 0;
  w.addEventListener('message', (ev) => {
    if (pending === 0 || ev.source !== w || ev.data !== portMessage || !ev.ports[0]) return;
    pending--;
    port?.close();
    port = ev.ports[0];
    port.onmessage = onPortMessage;
    port.start();
  });

  const api = Object.freeze({
    carrier: 'electron' as const,
    async request(name: string, ...args: unknown[]): Promise<unknown> {
      if (!bridge.isRequest(name)) throw new Error(`unknown request "${String(name)}"`);
      const env = (await bridge.invoke(name, args)) as Envelope;
      if (env.ok) return env.result;
      const err = new Error(env.error.message) as Error & { code: string; hint?: string };
      err.name = 'ApiError';
      err.code = env.error.code;
      if (env.error.hint) err.hint = env.error.hint;
      throw err;
    },
    on(name: string, listener: (payload: unknown) => void): () => void {
      return bridge.on(name, listener);
    },
    onFrame(listener: Listener): () => void {
      frameListeners.add(listener);
      if (!asked) {
        asked = true;
        pending++;
        w.postMessage(portRequest, '*');
      }
      return () => void frameListeners.delete(listener);
    },
  });
  Object.defineProperty(w, 'camdeck', { value: api, enumerable: true, configurable: false, writable: false });
}
