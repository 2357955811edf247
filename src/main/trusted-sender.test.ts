import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TrustedSenders } from './trusted-sender';
import type { SenderEvent } from './trusted-sender';

class FakeContents extends EventEmitter {
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

const ev = (sender: FakeContents, url = 'app://camdeck/index.html', parent: unknown = null): SenderEvent => ({
  sender,
  senderFrame: { url, parent },
});

describe('TrustedSenders', () => {
  it('accepts the main frame of our window on our origin', () => {
    const t = new TrustedSenders(['app://camdeck']);
    const win = new FakeContents(1);
    t.add(win);
    expect(t.isTrusted(ev(win))).toBe(true);
    expect(t.isTrusted(ev(win, 'app://camdeck/deep/page?x=1'))).toBe(true);
  });

  it('rejects other webContents, even on our origin', () => {
    const t = new TrustedSenders(['app://camdeck']);
    t.add(new FakeContents(1));
    expect(t.isTrusted(ev(new FakeContents(2)))).toBe(false);
  });

  it('rejects a destroyed window and forgets it', () => {
    const t = new TrustedSenders(['app://camdeck']);
    const win = new FakeContents(3);
    t.add(win);
    win.destroyed = true; // destroyed but the event not yet delivered
    expect(t.isTrusted(ev(win))).toBe(false);
    win.destroy();
    expect(t.has(3)).toBe(false);
    // a new webContents that reuses the id is not trusted until added
    expect(t.isTrusted(ev(new FakeContents(3)))).toBe(false);
  });

  it('rejects subframes, foreign origins, file:// and missing frames', () => {
    const t = new TrustedSenders(['app://camdeck', 'http://localhost:5173']);
    const win = new FakeContents(4);
    t.add(win);
    expect(t.isTrusted(ev(win, 'app://camdeck/index.html', {}))).toBe(false);
    expect(t.isTrusted(ev(win, 'https://evil.example/'))).toBe(false);
    expect(t.isTrusted(ev(win, 'app://other/index.html'))).toBe(false);
    expect(t.isTrusted(ev(win, 'file:///etc/passwd'))).toBe(false);
    expect(t.isTrusted(ev(win, 'not a url'))).toBe(false);
    expect(t.isTrusted({ sender: win, senderFrame: null })).toBe(false);
    expect(t.isTrusted(ev(win, 'http://localhost:5173/'))).toBe(true);
  });
});
