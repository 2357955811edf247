import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppError, FrameMeta } from '../../../shared/contract';
import { decodeWsMessage, encodeFrameMessage, encodeText as encodeWire } from '../../../rpc';
import type { RequestMessage as ClientMessage } from '../../../rpc';
import { ApiError, toAppError } from './errors';
import type { ServerState } from './types';
import { createWsApi, wsUrlFromLocation, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  sent: ClientMessage[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(decodeWsMessage(data, false) as ClientMessage);
  }
  close() {
    this.drop();
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(reason = '') {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason });
  }
  reply(id: number, result: unknown) {
    this.onmessage?.({ data: encodeWire({ type: 'reply', id, ok: true, result }) });
  }
}

function setup(opts: { requestTimeoutMs?: number } = {}) {
  vi.useFakeTimers();
  const sockets: FakeSocket[] = [];
  const api = createWsApi({
    url: 'ws://h/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    requestTimeoutMs: opts.requestTimeoutMs ?? 1000,
    backoffInitialMs: 100,
    backoffMaxMs: 400,
  });
  const links: ServerState[] = [];
  api.onServer!((l) => links.push(l));
  return { api, sockets, links, last: () => sockets[sockets.length - 1]! };
}

const meta: FrameMeta = {
  camera: 'cam-1',
  seq: 7,
  channel: 'frame',
  width: 4,
  height: 2,
  bytes: 3,
  format: 'jpeg',
  receivedAt: 1,
};

describe('ws client', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a request and resolves with the reply, bytes included', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.request('readChannel', 'cam-1', 'temp');
    const sent = last().sent[0]!;
    expect(sent).toMatchObject({ type: 'request', name: 'readChannel', args: ['cam-1', 'temp'] });
    last().reply(sent.id, new Uint8Array([1, 2, 3]));
    await expect(p).resolves.toEqual(new Uint8Array([1, 2, 3]));
    api.close();
  });

  it('rejects with the server error message and code', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.request('writeConfig', 'cam-1', { quality: 500 });
    const id = last().sent[0]!.id;
    last().onmessage?.({
      data: encodeWire({
        type: 'reply',
        id,
        ok: false,
        error: { message: 'quality out of range — Use 1…100.', code: 'config-rejected', hint: 'Use 1…100.' },
      }),
    });
    await expect(p).rejects.toMatchObject({
      message: 'quality out of range — Use 1…100.',
      code: 'config-rejected',
      hint: 'Use 1…100.',
    });
    // the toast shows cause and hint apart
    expect(toAppError(await p.catch((e: unknown) => e), 'ui-error', 1)).toEqual({
      code: 'config-rejected',
      message: 'quality out of range',
      hint: 'Use 1…100.',
      at: 1,
    });
    api.close();
  });

  it('times out a request that gets no reply, and ignores a late reply', async () => {
    const { api, last } = setup({ requestTimeoutMs: 500 });
    last().open();
    const p = api.request('getStats', 'cam-1');
    const check = expect(p).rejects.toMatchObject({ code: 'timeout' });
    vi.advanceTimersByTime(501);
    await check;
    expect(() => last().reply(last().sent[0]!.id, {})).not.toThrow();
    api.close();
  });

  it('rejects every pending request at once when the socket is lost, then reconnects with backoff', async () => {
    const { api, sockets, links, last } = setup();
    last().open();
    const a = api.request('listPorts');
    const b = api.request('getState', 'cam-1');
    const checks = Promise.all([
      expect(a).rejects.toThrow(/listPorts: connection to the camdeck server was lost/),
      expect(b).rejects.toBeInstanceOf(ApiError),
    ]);
    last().drop('server restart');
    await checks;
    expect(links.at(-1)).toMatchObject({ up: false, attempt: 1, nextInMs: 100 });
    // while down, requests fail fast instead of hanging
    await expect(api.request('getState', 'cam-1')).rejects.toMatchObject({ code: 'server-lost' });
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop(); // refused again: the delay doubles
    expect(links.at(-1)).toMatchObject({ up: false, attempt: 2, nextInMs: 200 });
    vi.advanceTimersByTime(200);
    last().open();
    expect(links.at(-1)).toEqual({ up: true, attempt: 0 });
    const c = api.request('getState', 'cam-1');
    last().reply(last().sent[0]!.id, { kind: 'disconnected' });
    await expect(c).resolves.toEqual({ kind: 'disconnected' });
    api.close();
  });

  it('caps the backoff', () => {
    const { api, links, last } = setup();
    for (let i = 0; i < 6; i++) {
      last().drop();
      vi.advanceTimersByTime(1000);
    }
    expect(Math.max(...links.map((l) => l.nextInMs ?? 0))).toBe(400);
    api.close();
  });

  it('dispatches pushed events and binary frames', () => {
    const { api, last } = setup();
    last().open();
    const states: unknown[] = [];
    const frames: Array<[FrameMeta, Uint8Array]> = [];
    api.on('state', (s) => states.push(s));
    api.onFrame((m, img) => frames.push([m, img]));
    last().onmessage?.({
      data: encodeWire({ type: 'event', name: 'state', payload: { kind: 'disconnected' } }),
    });
    const msg = encodeFrameMessage(meta, new Uint8Array([0xff, 0xd8, 0xff]));
    last().onmessage?.({ data: msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.byteLength) });
    expect(states).toEqual([{ kind: 'disconnected' }]);
    expect(frames).toHaveLength(1);
    expect(frames[0]![0]).toEqual(meta);
    expect([...frames[0]![1]]).toEqual([0xff, 0xd8, 0xff]);
    api.close();
  });

  it('reports malformed messages as wire errors instead of throwing', () => {
    const { api, last } = setup();
    last().open();
    const errors: AppError[] = [];
    api.on('error', (e) => errors.push(e));
    last().onmessage?.({ data: '{not json' });
    last().onmessage?.({ data: new Uint8Array([9, 9, 9]).buffer });
    expect(errors.map((e) => e.code)).toEqual(['wire', 'wire']);
    api.close();
  });

  it('builds the socket URL from the page, passing the token on', () => {
    expect(
      wsUrlFromLocation({ protocol: 'http:', host: '10.0.0.2:7410', search: '?token=a b' }, '/ws', 'token'),
    ).toBe('ws://10.0.0.2:7410/ws?token=a%20b');
    expect(wsUrlFromLocation({ protocol: 'https:', host: 'x', search: '' }, '/ws', 'token')).toBe(
      'wss://x/ws',
    );
  });
});
