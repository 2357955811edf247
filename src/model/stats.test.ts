import { describe, expect, it } from 'vitest';
import { DropCounter, emptyHostStats, emptyStats } from './stats';

describe('DropCounter', () => {
  it('counts gaps in the camera frame numbers within one connection, reset on connect', () => {
    const d = new DropCounter();
    for (const f of [100, 101, 102, 105, 106, 110]) d.add(f);
    expect({ received: d.received, dropped: d.dropped }).toEqual({ received: 6, dropped: 5 });
    // reconnect: frames the camera made while we were away are not drops of this connection
    d.reset();
    for (const f of [5000, 5001, 5003]) d.add(f);
    expect({ received: d.received, dropped: d.dropped }).toEqual({ received: 3, dropped: 1 });
  });

  it('never counts more dropped than the camera numbered, and tolerates restarts and missing stamps', () => {
    const d = new DropCounter();
    for (const f of [10, 11, 3, 4, undefined, 6]) d.add(f);
    expect(d.dropped).toBe(1); // 3 after 11 is a restart, not a loss; 4 → 6 lost one
    expect(d.received).toBe(6);
  });

  it('counts frames left unread apart from drops, as soon as a newer one is signalled', () => {
    const d = new DropCounter();
    d.add(1);
    d.skipped();
    expect(d.unread).toBe(0); // the next read may still take this frame
    d.skipped();
    expect(d.unread).toBe(1); // 2 is gone for good: 3 replaced it
    d.add(4); // 3 was not read either: 4 was
    expect({ dropped: d.dropped, unread: d.unread }).toEqual({ dropped: 0, unread: 2 });
    d.skipped();
    d.add(8); // one of 5, 6, 7 left unread; the other two never signalled or lost on the way
    expect({ dropped: d.dropped, unread: d.unread }).toEqual({ dropped: 2, unread: 3 });
    d.skipped();
    d.add(9); // the frame read was the one signalled: nothing lost, nothing more unread
    expect({ dropped: d.dropped, unread: d.unread, received: d.received }).toEqual({
      dropped: 2,
      unread: 3,
      received: 4,
    });
  });

  it('counts unread frames without numbers from the events skipped, less the one read after them', () => {
    const d = new DropCounter();
    d.add(undefined);
    for (let i = 0; i < 3; i++) d.skipped();
    d.add(undefined);
    expect({ dropped: d.dropped, unread: d.unread }).toEqual({ dropped: 0, unread: 2 });
    d.skipped();
    d.reset();
    d.skipped();
    d.add(undefined); // a skip before a reset belongs to the old connection
    expect(d.unread).toBe(0);
  });
});

describe('empty stats', () => {
  it('are all zero, with no rate measured yet', () => {
    expect(Object.values(emptyHostStats()).every((v) => v === 0)).toBe(true);
    expect(emptyStats().frames).toEqual({
      received: 0,
      dropped: 0,
      unread: 0,
      fps: null,
      kbps: null,
      clock: 'camera',
    });
  });
});
