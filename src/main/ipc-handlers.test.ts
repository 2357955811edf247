import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '../shared/contract';
import { createFakeService } from '../service/fake-service.test-util';
import { forwardEvents, registerRequestHandlers, requestChannel } from './ipc-handlers';
import type { IpcEnvelope, IpcMainLike } from './ipc-handlers';
import type { SenderEvent } from './trusted-sender';

type Handler = (event: SenderEvent, ...args: unknown[]) => Promise<IpcEnvelope>;

function fakeIpc() {
  const handlers = new Map<string, Handler>();
  const ipc: IpcMainLike = {
    handle: (ch, h) => {
      if (handlers.has(ch)) throw new Error(`second handler for ${ch}`);
      handlers.set(ch, h);
    },
    removeHandler: (ch) => void handlers.delete(ch),
  };
  return { ipc, handlers };
}

const ours: SenderEvent = {
  sender: { id: 1, isDestroyed: () => false },
  senderFrame: { url: 'app://camdeck/', parent: null },
};
const theirs: SenderEvent = {
  sender: { id: 2, isDestroyed: () => false },
  senderFrame: { url: 'app://camdeck/', parent: null },
};

describe('registerRequestHandlers', () => {
  it('registers exactly one handler per contract request and removes them', () => {
    const { ipc, handlers } = fakeIpc();
    const off = registerRequestHandlers(ipc, createFakeService(), () => true);
    expect([...handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
    off();
    expect(handlers.size).toBe(0);
  });

  it('serves trusted senders and refuses others without touching the service', async () => {
    const { ipc, handlers } = fakeIpc();
    const svc = createFakeService();
    registerRequestHandlers(ipc, svc, (e) => e.sender.id === 1);
    const connect = handlers.get('camdeck:connect')!;
    expect(await connect(ours, 'demo')).toMatchObject({ ok: true, result: { board: 'Fake' } });
    expect(await connect(theirs, 'demo')).toEqual({
      ok: false,
      error: { message: 'untrusted sender', code: 'forbidden' },
    });
    expect(svc.calls.filter((c) => c.name === 'connect')).toHaveLength(1);
  });

  it('validates arguments and carries code + hint of service failures', async () => {
    const { ipc, handlers } = fakeIpc();
    registerRequestHandlers(ipc, createFakeService(), () => true);
    expect(await handlers.get('camdeck:saveSnapshot')!(ours, 'tiff')).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    const r = await handlers.get('camdeck:connect')!(ours, 'fail');
    expect(r).toMatchObject({ ok: false, error: { code: 'port-permission' } });
    expect(r.ok === false && r.error.hint).toContain('udevadm control --reload');
    expect(r.ok === false && r.error.message).toMatch(/Permission denied.*udevadm control --reload/);
  });
});

describe('forwardEvents', () => {
  it('forwards every event until unsubscribed', () => {
    const svc = createFakeService();
    const got: Array<[string, unknown]> = [];
    const off = forwardEvents(svc, (name, payload) => got.push([name, payload]));
    svc.emit('stdout', 'a');
    svc.emit('state', { kind: 'disconnected' });
    off();
    svc.emit('stdout', 'b');
    expect(got).toEqual([
      ['stdout', 'a'],
      ['state', { kind: 'disconnected' }],
    ]);
    expect(svc.listenerCount()).toBe(0);
  });
});
