import { describe, expect, it } from 'vitest';
import type { FrameMessage } from './messages';
import { FramePacing } from './pacing';

const frame = (camera: string, seq: number): FrameMessage => ({
  type: 'frame',
  meta: { camera, seq, channel: 'frame', width: 1, height: 1, bytes: 1, format: 'jpeg', receivedAt: 0 },
  image: new Uint8Array([seq]),
});

describe('FramePacing', () => {
  it('paced: one frame per camera out at a time, the newest waiting goes on credit', () => {
    const sent: string[] = [];
    const p = new FramePacing((m) => sent.push(`${m.meta.camera}:${m.meta.seq}`));
    p.reset(true, new Set(['a', 'b']));
    p.offer(frame('a', 1));
    p.offer(frame('a', 2));
    p.offer(frame('a', 3)); // replaces 2
    p.offer(frame('b', 1)); // another camera is not held back by a
    expect(sent).toEqual(['a:1', 'b:1']);
    expect(p.held).toBe(1);
    p.credit('a');
    expect(sent).toEqual(['a:1', 'b:1', 'a:3']);
    p.credit('a'); // nothing waiting: the next one goes at once
    p.offer(frame('a', 4));
    expect(sent.at(-1)).toBe('a:4');
    expect(p.held).toBe(0);
  });

  it('unpaced: every frame goes; a new watch forgets what it held for cameras no longer watched', () => {
    const sent: number[] = [];
    const p = new FramePacing((m) => sent.push(m.meta.seq));
    p.offer(frame('a', 0)); // nothing watched yet
    p.reset(false, new Set(['a']));
    p.offer(frame('a', 1));
    p.offer(frame('a', 2));
    expect(sent).toEqual([1, 2]);
    p.reset(true, new Set(['a']));
    p.offer(frame('a', 3));
    p.offer(frame('a', 4));
    p.reset(true, new Set(['b']));
    expect(p.held).toBe(0);
    p.reset(true, new Set(['a'])); // watched again: nothing is owed, the next frame goes
    p.offer(frame('a', 5));
    expect(sent).toEqual([1, 2, 3, 5]);
  });

  it('as a demand: room for a frame until one is out and one waits; a credit that frees the slot tells', () => {
    const p = new FramePacing(() => undefined);
    const told: Array<string | null> = [];
    const off = p.onChange((c) => told.push(c));
    expect([p.watches('a'), p.wants('a')]).toEqual([false, false]);
    p.reset(true, new Set(['a']));
    expect(told).toEqual([null]); // a new watch may want cameras it did not
    expect([p.watches('a'), p.wants('a')]).toEqual([true, true]);
    p.offer(frame('a', 1)); // out
    expect(p.wants('a')).toBe(true); // room for the next one to wait
    p.offer(frame('a', 2)); // waiting
    expect(p.wants('a')).toBe(false);
    p.credit('a'); // 2 goes, the slot is free
    expect(p.wants('a')).toBe(true);
    expect(told).toEqual([null, 'a']);
    p.reset(false, new Set(['a', 'b'])); // unpaced: always room for what it watches
    p.offer(frame('b', 1));
    p.offer(frame('b', 2));
    expect([p.wants('b'), p.wants('c')]).toEqual([true, false]);
    off();
    p.reset(true, new Set());
    expect(told).toHaveLength(3);
  });
});
