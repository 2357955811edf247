import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FAKE_CAMERA, createFakeService } from '../service/fake-service.test-util';
import { classifyError } from '../service';
import type { FrameMeta } from '../shared/contract';
import { ContractPorts } from './contract-ports';

/** MessagePortMain in miniature: what main posts is recorded; the page side is `fromPage`. */
class FakePort extends EventEmitter {
  got: Array<Record<string, unknown>> = [];
  closed = false;
  started = false;
  postMessage(m: unknown) {
    if (this.closed) throw new Error('posted to a closed port');
    this.got.push(m as Record<string, unknown>);
  }
  start() {
    this.started = true;
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  fromPage(data: unknown) {
    this.emit('message', { data });
  }
  async reply(id: number) {
    for (let i = 0; i < 50; i++) {
      const r = this.got.find((m) => m['type'] === 'reply' && m['id'] === id);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 1));
    }
    throw new Error(`no reply ${id}`);
  }
}

const meta: FrameMeta = {
  camera: FAKE_CAMERA,
  seq: 1,
  channel: 'frame',
  width: 2,
  height: 2,
  bytes: 2,
  format: 'jpeg',
  receivedAt: 0,
};

describe('ContractPorts', () => {
  it('serves requests, events and watched frames on the window port; errors keep code and hint apart', async () => {
    const svc = createFakeService();
    const ports = new ContractPorts(svc, { describeError: classifyError });
    const p = new FakePort();
    ports.open(p, 1);
    expect(p.started).toBe(true);
    p.fromPage({ type: 'request', id: 1, name: 'openCamera', args: ['demo'] });
    expect(await p.reply(1)).toMatchObject({
      ok: true,
      result: { id: FAKE_CAMERA, device: { board: 'Fake' } },
    });
    p.fromPage({ type: 'request', id: 2, name: 'openCamera', args: ['fail'] });
    const r = (await p.reply(2)) as { error: { code: string; message: string; hint: string } };
    expect(r.error.code).toBe('port-permission');
    expect(r.error.hint).toContain('udevadm control --reload');
    expect(r.error.message).toMatch(/Permission denied/);
    expect(r.error.message).not.toContain(r.error.hint);
    p.fromPage({ type: 'request', id: 3, name: 'saveSnapshot', args: [FAKE_CAMERA, 'tiff'] });
    expect(await p.reply(3)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    p.fromPage({ type: 'request', id: 4, name: 'watch', args: [[FAKE_CAMERA]] });
    await p.reply(4);
    svc.emit('stdout', 'a');
    svc.emitFrame(meta, new Uint8Array([0xff, 0xd8]));
    expect(p.got).toContainEqual({ type: 'event', name: 'stdout', camera: FAKE_CAMERA, payload: 'a' });
    expect(p.got).toContainEqual({ type: 'frame', meta, image: new Uint8Array([0xff, 0xd8]) });
    // closing the camera from this window names the window on every page
    p.fromPage({ type: 'request', id: 5, name: 'closeCamera', args: [FAKE_CAMERA] });
    await p.reply(5);
    expect(p.got).toContainEqual({
      type: 'event',
      name: 'closed',
      camera: FAKE_CAMERA,
      payload: { reason: 'closed by camdeck window 1' },
    });
  });

  it('one port per window: a new one replaces it; a reload or close unsubscribes from the service', () => {
    const svc = createFakeService();
    const base = svc.listenerCount();
    const ports = new ContractPorts(svc);
    const a = new FakePort();
    const b = new FakePort();
    const c = new FakePort();
    ports.open(a, 1);
    ports.open(b, 1);
    ports.open(c, 2);
    expect(a.closed).toBe(true);
    expect(ports.size).toBe(2);
    ports.dropOwner(1);
    expect(b.closed).toBe(true);
    c.close(); // the page side went away
    expect(ports.size).toBe(0);
    expect(svc.listenerCount()).toBe(base);
    svc.emit('stdout', 'after'); // nothing posted to closed ports (FakePort would throw)
  });

  it('a window’s frames port lives beside its page port; a new page port (a reload) ends both', () => {
    const svc = createFakeService();
    const base = svc.listenerCount();
    const ports = new ContractPorts(svc);
    const page = new FakePort();
    const frames = new FakePort();
    const frames2 = new FakePort();
    ports.open(page, 1);
    ports.open(frames, 1, 'frames');
    expect(page.closed).toBe(false);
    expect(ports.size).toBe(2);
    ports.open(frames2, 1, 'frames'); // a newer frames port replaces only the frames port
    expect(frames.closed).toBe(true);
    expect(page.closed).toBe(false);
    const reloaded = new FakePort();
    ports.open(reloaded, 1); // the page reloaded
    expect(page.closed).toBe(true);
    expect(frames2.closed).toBe(true);
    expect(ports.size).toBe(1);
    ports.closeAll();
    expect(ports.size).toBe(0);
    expect(svc.listenerCount()).toBe(base);
  });
});
