import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from '../lib/shortcuts';
import { moveInGrid, removeSaved, sanitizeWorkspace, tileKey, type Workspace } from './workspace';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  targetTag: 'BODY',
  view: 'grid',
  ...extra,
});

describe('keyboard focus between tiles', () => {
  it('moves by the arrows in a 2-column grid of 5 and stops at the edges', () => {
    // 0 1
    // 2 3
    // 4
    expect(moveInGrid(0, 5, 2, 'right')).toBe(1);
    expect(moveInGrid(1, 5, 2, 'right')).toBe(1);
    expect(moveInGrid(1, 5, 2, 'down')).toBe(3);
    expect(moveInGrid(3, 5, 2, 'down')).toBe(3); // no tile below
    expect(moveInGrid(2, 5, 2, 'down')).toBe(4);
    expect(moveInGrid(4, 5, 2, 'right')).toBe(4);
    expect(moveInGrid(4, 5, 2, 'up')).toBe(2);
    expect(moveInGrid(2, 5, 2, 'left')).toBe(2);
    expect(moveInGrid(-1, 5, 2, 'right')).toBe(1); // nothing selected yet: from the first
    expect(moveInGrid(0, 0, 2, 'right')).toBe(-1);
  });

  it('maps grid keys: arrows move, Enter and F open, 1–4 pick the layout, Escape goes back', () => {
    expect(shortcutFor(key('ArrowDown'))).toBe('tile-down');
    expect(shortcutFor(key('Enter'))).toBe('open-tile');
    expect(shortcutFor(key('Enter', { targetTag: 'BUTTON' }))).toBeNull(); // the button's own Enter
    expect(shortcutFor(key('f'))).toBe('open-tile');
    expect(shortcutFor(key('3'))).toBe('layout-2x2');
    expect(shortcutFor(key('4'))).toBe('layout-3x3');
    expect(shortcutFor(key('Escape', { view: 'focus' }))).toBe('close');
    // the focus view keeps its frame keys; typing never triggers one
    expect(shortcutFor(key('f', { view: 'focus' }))).toBe('fit');
    expect(shortcutFor(key('1', { view: 'focus' }))).toBe('one-to-one');
    expect(shortcutFor(key('ArrowLeft', { view: 'focus' }))).toBeNull();
    expect(shortcutFor(key('2', { targetTag: 'INPUT', targetType: 'text' }))).toBeNull();
    expect(shortcutFor(key('Escape', { targetTag: 'INPUT', targetType: 'text', view: 'focus' }))).toBeNull();
  });
});

describe('saved workspace', () => {
  it('keeps what is well formed from localStorage and defaults the rest', () => {
    const ws = sanitizeWorkspace({
      cameras: [
        { id: 'cam-a', target: 'demo' },
        { id: null, target: 'camdeck://h:7410/x', token: 't0k' },
        { target: '' },
        'junk',
        { id: 'cam-a', target: 'demo' },
      ],
      layout: '5x5',
      view: 'grid',
      selected: 'gone',
    });
    expect(ws.cameras.map(tileKey)).toEqual(['cam-a', 'new:camdeck://h:7410/x']);
    expect(ws.cameras[1]!.token).toBe('t0k');
    expect(ws).toMatchObject({ layout: '1', view: 'grid', selected: 'cam-a' });
    expect(sanitizeWorkspace(undefined)).toMatchObject({ cameras: [], view: 'focus' });
  });

  it('removing the selected tile selects its neighbour', () => {
    const ws: Workspace = {
      cameras: [
        { id: 'a', target: 'demo' },
        { id: 'b', target: 'demo:2' },
      ],
      layout: '2x1',
      view: 'grid',
      selected: 'b',
    };
    expect(removeSaved(ws, 'b').selected).toBe('a');
    expect(removeSaved(removeSaved(ws, 'b'), 'a').selected).toBeNull();
  });
});
