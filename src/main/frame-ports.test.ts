import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FramePorts } from './frame-ports';

class FakePort extends EventEmitter {
  got: unknown[] = [];
  closed = false;
  postMessage(m: unknown) {
    if (this.closed) throw new Error('posted to a closed port');
    this.got.push(m);
  }
  close() {
    this.closed = true;
    this.emit('close');
  }
}

describe('FramePorts', () => {
  it('posts each frame to every open sink', () => {
    const fp = new FramePorts();
    const a = new FakePort();
    const b = new FakePort();
    fp.add(a, 1);
    fp.add(b, 2);
    fp.post(new Uint8Array([1]));
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(1);
  });

  it('drops the sinks of a window that reloads or closes, and ports the page closed', () => {
    const fp = new FramePorts();
    const a = new FakePort();
    const b = new FakePort();
    const c = new FakePort();
    fp.add(a, 1);
    fp.add(b, 1);
    fp.add(c, 2);
    fp.dropOwner(1);
    expect(a.closed && b.closed).toBe(true);
    expect(fp.size).toBe(1);
    c.emit('close'); // the other side went away
    expect(fp.size).toBe(0);
    fp.post(new Uint8Array([1]));
  });
});
