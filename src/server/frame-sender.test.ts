import { describe, expect, it } from 'vitest';
import { FrameSender } from './frame-sender';

function fakeSocket() {
  const sent: Uint8Array[] = [];
  const callbacks: Array<(err?: Error) => void> = [];
  return {
    bufferedAmount: 0,
    sent,
    callbacks,
    send(data: Uint8Array, cb: (err?: Error) => void) {
      sent.push(data);
      callbacks.push(cb);
    },
  };
}
const msg = (n: number) => new Uint8Array([n]);

describe('FrameSender', () => {
  it('sends immediately while the socket keeps up', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 2);
    f.push(msg(1));
    s.callbacks.shift()!();
    f.push(msg(2));
    expect(s.sent.map((m) => m[0])).toEqual([1, 2]);
    expect(f.stats).toEqual({ sent: 2, superseded: 0 });
  });

  it('keeps only the newest frame while the client is behind, then sends it', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 1);
    f.push(msg(1)); // in flight
    f.push(msg(2));
    f.push(msg(3));
    f.push(msg(4));
    expect(s.sent.map((m) => m[0])).toEqual([1]);
    s.callbacks.shift()!(); // 1 flushed → newest (4) goes
    expect(s.sent.map((m) => m[0])).toEqual([1, 4]);
    expect(f.stats).toEqual({ sent: 2, superseded: 2 });
  });

  it('waits while bufferedAmount is above the high-water mark', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 4);
    s.bufferedAmount = 5000;
    f.push(msg(1));
    f.push(msg(2));
    expect(s.sent).toHaveLength(0);
    expect(f.stats.superseded).toBe(1);
  });

  it('stops after a send error or close', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 1);
    f.push(msg(1));
    f.push(msg(2));
    s.callbacks.shift()!(new Error('gone'));
    f.push(msg(3));
    expect(s.sent).toHaveLength(1);
  });
});

describe('FrameSender with several cameras', () => {
  it('keeps one slot per camera: a fast camera does not replace a slow one', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 1);
    f.push(msg(1), 'a'); // in flight
    f.push(msg(10), 'b');
    for (let n = 2; n <= 50; n++) f.push(msg(n), 'a');
    expect(f.waiting()).toBe(2);
    s.callbacks.shift()!();
    s.callbacks.shift()!();
    // b waited longest, so it goes first; then a's newest
    expect(s.sent.map((m) => m[0])).toEqual([1, 10, 50]);
    expect(f.stats).toEqual({ sent: 3, superseded: 48 });
  });

  it('serves the slots oldest-waiting first, so no camera starves however fast the others are', () => {
    const s = fakeSocket();
    const f = new FrameSender(s, 1000, 1);
    const sentBy = { a: 0, b: 0, c: 0 };
    const owner = new Map<Uint8Array, keyof typeof sentBy>();
    const push = (cam: keyof typeof sentBy) => {
      const m = msg(0);
      owner.set(m, cam);
      f.push(m, cam);
    };
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < 5; i++) push('a'); // a is five times as fast as b, c rarely has a frame
      push('b');
      if (round % 10 === 0) push('c');
      s.callbacks.shift()?.();
    }
    for (const m of s.sent) sentBy[owner.get(m)!]++;
    expect(sentBy.b).toBeGreaterThanOrEqual(sentBy.a - 1);
    expect(sentBy.c).toBe(30);
    expect(f.waiting()).toBeLessThanOrEqual(3);
  });
});
