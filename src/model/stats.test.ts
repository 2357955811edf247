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
});

describe('empty stats', () => {
  it('are all zero, with no rate measured yet', () => {
    expect(Object.values(emptyHostStats()).every((v) => v === 0)).toBe(true);
    expect(emptyStats().frames).toEqual({ received: 0, dropped: 0, fps: null, kbps: null, clock: 'camera' });
  });
});
