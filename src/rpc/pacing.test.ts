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
});
