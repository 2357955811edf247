// The RPC core end to end over a real MessagePort (as Electron carries it), plus the WebSocket encoding.
import { afterEach, describe, expect, it } from 'vitest';
import type {
  CamdeckEvents,
  CameraId,
  ContractProvider,
  EventListener,
  EventName,
  FrameMeta,
  RequestContext,
  StatsSnapshot,
} from '../shared/contract';
import { contractClient } from './client';
import { deferredPagePort } from './message-port';
import type { MessagePortLike } from './message-port';
import type { ServicePort } from './messages';
import { serveContract } from './serve';
import { decodeWsMessage, encodeFrameMessage, encodeText } from './ws-wire';

type Listener = EventListener<never>;

const device = {
  board: 'Fake',
  protocolVersion: '2',
  firmwareVersion: '5',
  usbId: '',
  maxPayload: 4096,
  channels: [],
};

function frameMeta(camera: CameraId, seq: number): FrameMeta {
  return { camera, seq, channel: 'frame', width: 1, height: 1, bytes: 2, format: 'jpeg', receivedAt: 0 };
}

/** A provider with just enough behaviour to see each path of the core. */
function provider() {
  const listeners = new Map<string, Set<Listener>>();
  const frames = new Set<(m: FrameMeta, i: Uint8Array) => void>();
  const fail = (code: string, message: string, hint?: string) =>
    Object.assign(new Error(message), { code, ...(hint ? { hint } : {}) });
  const closed: Array<{ id: CameraId; peer: string | undefined }> = [];
  const p = {
    closed,
    listPorts: async () => [{ target: 'demo', path: 'demo', isCamera: true }],
    listCameras: async () => [],
    openCamera: async (t: string) => {
      if (t === 'fail')
        throw fail('port-permission', 'Permission denied on /dev/ttyACM0.', 'Add yourself to dialout.');
      const state = { kind: 'connected' as const, target: t, device };
      return { id: 'cam', target: t, label: 'Fake', state, device };
    },
    closeCamera: async (id: CameraId, ctx?: RequestContext) => void closed.push({ id, peer: ctx?.peer }),
    getState: async () => ({ kind: 'disconnected' as const }),
    readConfig: async () => ({ channel: 'config', values: {}, schema: { properties: {} } }),
    writeConfig: async () => ({ channel: 'config', values: {}, schema: { properties: {} } }),
    readChannel: async () => new Uint8Array([1, 2, 255]),
    writeChannel: async () => undefined,
    setStreaming: async () => undefined,
    saveSnapshot: async () => ({ path: '/x', name: 'x', seq: 1, bytes: 1, format: 'jpeg' as const }),
    getStats: async () => ({}) as StatsSnapshot,
    on<K extends EventName>(name: K, l: EventListener<K>) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(l as Listener);
      return () => void set.delete(l as Listener);
    },
    onFrame(l: (m: FrameMeta, i: Uint8Array) => void) {
      frames.add(l);
      return () => void frames.delete(l);
    },
    emit<K extends EventName>(name: K, payload: CamdeckEvents[K], camera: CameraId | null = null) {
      for (const l of listeners.get(name) ?? []) (l as EventListener<K>)(payload, camera);
    },
    emitFrame: (m: FrameMeta, i: Uint8Array) => frames.forEach((l) => l(m, i)),
    listening: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) + frames.size,
  } satisfies ContractProvider & Record<string, unknown>;
  return p;
}

function servicePortOver(port: MessagePortLike): ServicePort {
  return {
    send: (m) => port.postMessage(m),
    onMessage(l) {
      port.addEventListener('message', (ev) => l(ev.data));
      return () => undefined;
    },
    onClose(l) {
      port.addEventListener('close', () => l('closed'));
      return () => undefined;
    },
  };
}

const channels: Array<InstanceType<typeof MessageChannel>> = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function pair() {
  const ch = new MessageChannel();
  channels.push(ch);
  const svc = provider();
  const served = serveContract(svc, servicePortOver(ch.port1 as unknown as MessagePortLike), {
    peer: 'window 1',
  });
  ch.port1.start();
  const page = deferredPagePort();
  const client = contractClient(page, { carrier: 'electron', peer: 'the test service' });
  return { ch, svc, served, page, client };
}

const until = async (pred: () => boolean) => {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(pred()).toBe(true);
};

describe('RPC core over a MessagePort', () => {
  it('requests made before the port arrives go out when it does; bytes travel as they are', async () => {
    const { ch, page, client } = pair();
    const ports = client.request('listPorts');
    const bytes = client.request('readChannel', 'cam', 'temp');
    page.attach(ch.port2 as unknown as MessagePortLike);
    await expect(ports).resolves.toEqual([{ target: 'demo', path: 'demo', isCamera: true }]);
    await expect(bytes).resolves.toEqual(new Uint8Array([1, 2, 255]));
  });

  it('an error reply keeps code, message and hint apart; a bad request never reaches the provider', async () => {
    const { ch, page, client } = pair();
    page.attach(ch.port2 as unknown as MessagePortLike);
    await expect(client.request('openCamera', 'fail')).rejects.toMatchObject({
      name: 'ApiError',
      code: 'port-permission',
      message: 'Permission denied on /dev/ttyACM0.',
      hint: 'Add yourself to dialout.',
    });
    await expect((client.request as (n: string) => Promise<unknown>)('formatDisk')).rejects.toMatchObject({
      code: 'bad-request',
      message: 'unknown request "formatDisk"',
    });
    await expect(client.request('saveSnapshot', 'cam', 'gif' as 'png')).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('forwards events with their camera, frames of watched cameras only; closing unsubscribes', async () => {
    const { ch, svc, served, page, client } = pair();
    page.attach(ch.port2 as unknown as MessagePortLike);
    const out: Array<[string, string | null]> = [];
    const seqs: string[] = [];
    client.on('stdout', (t, camera) => out.push([t, camera]));
    client.onFrame((m, i) => seqs.push(`${m.camera}:${m.seq + i.length}`));
    svc.emit('stdout', 'hello', 'cam-a');
    svc.emit('stdout', 'service', null);
    // nothing watched yet: no frames reach the page
    svc.emitFrame(frameMeta('cam-a', 1), new Uint8Array([0xff, 0xd8]));
    await client.request('watch', ['cam-a']);
    svc.emitFrame(frameMeta('cam-b', 2), new Uint8Array([0xff, 0xd8]));
    svc.emitFrame(frameMeta('cam-a', 4), new Uint8Array([0xff, 0xd8]));
    await until(() => out.length === 2 && seqs.length === 1);
    expect(out).toEqual([
      ['hello', 'cam-a'],
      ['service', null],
    ]);
    expect(seqs).toEqual(['cam-a:6']);
    await client.request('watch', []);
    svc.emitFrame(frameMeta('cam-a', 5), new Uint8Array([0xff, 0xd8]));
    svc.emit('stdout', 'after', 'cam-a');
    await until(() => out.length === 3);
    expect(seqs).toEqual(['cam-a:6']);
    expect(svc.listening()).toBeGreaterThan(0);
    served.close();
    expect(svc.listening()).toBe(0);
  });

  it('a paced watch sends one frame per camera until the page credits it', async () => {
    const { ch, svc, page, client } = pair();
    page.attach(ch.port2 as unknown as MessagePortLike);
    const seqs: number[] = [];
    client.onFrame((m) => seqs.push(m.seq));
    await client.request('watch', ['cam-a'], { paced: true });
    for (const seq of [1, 2, 3]) svc.emitFrame(frameMeta('cam-a', seq), new Uint8Array([0xff, 0xd8]));
    await until(() => seqs.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(seqs).toEqual([1]);
    client.credit('cam-a');
    await until(() => seqs.length === 2);
    expect(seqs).toEqual([1, 3]); // the newest waited
  });

  it('tells the provider who asked (a camera closed by one page is explained on the others)', async () => {
    const { ch, svc, page, client } = pair();
    page.attach(ch.port2 as unknown as MessagePortLike);
    await client.request('closeCamera', 'cam-a');
    expect(svc.closed).toEqual([{ id: 'cam-a', peer: 'window 1' }]);
  });

  it('input of the wrong shape is an error event on either side, never a throw', async () => {
    const { ch, page, client } = pair();
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    // the page side speaks garbage to the service: answered with bad-message events
    const got: unknown[] = [];
    ch.port2.addEventListener('message', (ev) => got.push((ev as unknown as { data: unknown }).data));
    ch.port2.start();
    ch.port2.postMessage({ type: 'request', name: 'listPorts', args: [] }); // no id
    ch.port2.postMessage('nonsense');
    await until(() => got.length === 2);
    expect(got).toMatchObject([
      { type: 'event', name: 'error', payload: { code: 'bad-message' } },
      { type: 'event', name: 'error', payload: { code: 'bad-message' } },
    ]);
    // and the service side speaks garbage to the page: reported as wire errors
    const ch2 = new MessageChannel();
    channels.push(ch2);
    page.attach(ch2.port2 as unknown as MessagePortLike);
    ch2.port1.postMessage(42);
    ch2.port1.postMessage({ type: 'undecodable', why: 'bad JSON' });
    await until(() => errors.length === 2);
    expect(errors).toEqual(['wire', 'wire']);
  });

  it('a request waiting when the port goes away rejects at once; dispose rejects and stops', async () => {
    const page = deferredPagePort();
    const client = contractClient(page, { carrier: 'electron', peer: 'the test service' });
    const ch = new MessageChannel();
    channels.push(ch);
    page.attach(ch.port2 as unknown as MessagePortLike);
    const p = client.request('getState', 'cam');
    ch.port1.close();
    await expect(p).rejects.toMatchObject({ code: 'server-lost' });
    await expect(client.request('getState', 'cam')).rejects.toMatchObject({ code: 'server-lost' });
    client.dispose('gone');
    await expect(client.request('getState', 'cam')).rejects.toThrow(/getState: gone/);
  });
});

describe('WebSocket encoding', () => {
  it('round-trips control messages with bytes, and frames as binary', () => {
    const text = encodeText({ type: 'reply', id: 3, ok: true, result: { b: new Uint8Array([0, 255]) } });
    expect(text).toBe('{"type":"reply","id":3,"ok":true,"result":{"b":{"$bytes":"AP8="}}}');
    expect(decodeWsMessage(text, true)).toEqual({
      type: 'reply',
      id: 3,
      ok: true,
      result: { b: new Uint8Array([0, 255]) },
    });
    const meta = frameMeta('cam', 1);
    const bin = encodeFrameMessage(meta, new Uint8Array([9]));
    expect(decodeWsMessage(bin, true)).toEqual({ type: 'frame', meta, image: new Uint8Array([9]) });
  });

  it('says why it could not decode', () => {
    expect(decodeWsMessage('{oops', false)).toMatchObject({ type: 'undecodable', why: /malformed JSON/ });
    expect(decodeWsMessage(new Uint8Array([1, 2]), false)).toEqual({
      type: 'undecodable',
      why: 'binary messages are not accepted from the client',
    });
    expect(decodeWsMessage(new Uint8Array([7, 0, 0]), true)).toEqual({
      type: 'undecodable',
      why: 'a malformed frame message',
    });
  });
});
