import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SendBudget } from './send-budget';
import type { QueueLimits } from './send-budget';

const LIMITS: QueueLimits = {
  connectionBytes: 100,
  overBudgetMs: 1000,
  connectionHardBytes: 1000,
  totalBytes: 1500,
};

function queue(name: string, dropped: string[]) {
  const q = {
    name,
    bytes: 0,
    queued: () => q.bytes,
    drop: (why: string) => void dropped.push(`${name}: ${why}`),
  };
  return q;
}

describe('SendBudget', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps a client over its budget while it drains, closes one that stays over it', () => {
    const dropped: string[] = [];
    const budget = new SendBudget(LIMITS);
    const slow = queue('slow', dropped);
    const stuck = queue('stuck', dropped);
    const s = budget.join(slow);
    const t = budget.join(stuck);
    slow.bytes = stuck.bytes = 500;
    s.queuedMore();
    t.queuedMore();
    vi.advanceTimersByTime(999);
    expect(dropped).toEqual([]);
    slow.bytes = 400; // reading, just slowly
    vi.advanceTimersByTime(1);
    expect(dropped).toEqual(['stuck: it kept more than 100 bytes unread for 1000 ms']);
    vi.advanceTimersByTime(1000); // slow made no progress in its second look
    expect(dropped).toHaveLength(2);
    expect(s.admit()).toBe(false);
  });

  it('forgets a client that got back under its budget', () => {
    const dropped: string[] = [];
    const budget = new SendBudget(LIMITS);
    const q = queue('q', dropped);
    const m = budget.join(q);
    q.bytes = 200;
    m.queuedMore();
    q.bytes = 50;
    vi.advanceTimersByTime(5000);
    expect(dropped).toEqual([]);
    expect(m.admit()).toBe(true);
  });

  it('closes a client at once past the hard limit, before anything more is queued', () => {
    const dropped: string[] = [];
    const budget = new SendBudget(LIMITS);
    const q = queue('q', dropped);
    const m = budget.join(q);
    q.bytes = 1000;
    expect(m.admit()).toBe(true); // one maximal reply fits
    q.bytes = 1001;
    expect(m.admit()).toBe(false);
    expect(dropped).toEqual(['q: it left more than 1000 bytes unread']);
  });

  it('past the total, closes the connections with the most queued until under it', () => {
    const dropped: string[] = [];
    const budget = new SendBudget(LIMITS);
    const qs = [600, 700, 300, 50].map((n, i) => {
      const q = queue(`c${i}`, dropped);
      q.bytes = n;
      return { q, m: budget.join(q) };
    });
    expect(budget.total()).toBe(1650);
    qs[3]!.m.queuedMore();
    expect(dropped).toEqual(['c1: all clients together left more than 1 KiB unread']);
    expect(budget.total()).toBe(950);
  });

  it('a client that left is never closed by it', () => {
    const dropped: string[] = [];
    const budget = new SendBudget(LIMITS);
    const q = queue('q', dropped);
    const m = budget.join(q);
    q.bytes = 500;
    m.queuedMore();
    m.leave();
    vi.advanceTimersByTime(5000);
    expect(dropped).toEqual([]);
    expect(budget.total()).toBe(0);
  });
});
