import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot, ConfigValues } from '../../../shared/contract';
import * as cw from './config-writer';
import { createConfigController } from './config-controller';

const snap = (values: ConfigValues): ConfigSnapshot => ({
  channel: 'config',
  values,
  schema: { properties: {} },
});
const start = (values: ConfigValues) => cw.applySnapshot(cw.emptyConfig, snap(values));

describe('config-writer transitions', () => {
  it('holds the edited value until the readback confirms it', () => {
    let s = cw.edit(start({ quality: 90 }), 'quality', 10);
    const { state, patch } = cw.takeNext(s);
    expect(patch).toEqual({ quality: 10 });
    s = state;
    expect(s.shown.quality).toBe(10);
    expect(cw.isPending(s, 'quality')).toBe(true);
    // a pushed config event with the old value must not snap the control back
    s = cw.applySnapshot(s, snap({ quality: 90 }));
    expect(s.shown.quality).toBe(10);
    s = cw.writeSucceeded(s, snap({ quality: 10 }));
    expect(s.shown.quality).toBe(10);
    expect(s.confirmed.quality).toBe(10);
    expect(cw.isPending(s, 'quality')).toBe(false);
  });

  it('shows the camera readback when it clamps the value', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90 }), 'quality', 150)).state;
    s = cw.writeSucceeded(s, snap({ quality: 100 }));
    expect(s.shown.quality).toBe(100);
  });

  it('coalesces edits while a write is in flight: the latest value wins', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90 }), 'quality', 80)).state;
    for (const v of [70, 60, 50, 40]) s = cw.edit(s, 'quality', v);
    expect(cw.takeNext(s).patch).toBeNull(); // one in flight already
    expect(s.queued).toEqual({ quality: 40 });
    s = cw.writeSucceeded(s, snap({ quality: 80 }));
    expect(s.shown.quality).toBe(40); // the newer edit stays visible
    const next = cw.takeNext(s);
    expect(next.patch).toEqual({ quality: 40 });
  });

  it('restores the confirmed value after a failed write', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90, vflip: false }), 'quality', 10)).state;
    s = cw.writeFailed(s);
    expect(s.shown.quality).toBe(90);
    expect(cw.isPending(s, 'quality')).toBe(false);
  });

  it('a write the link failed under, with nothing read since, keeps the value written, not the stale one', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 85 }), 'quality', 100)).state;
    s = cw.writeFailed(s, false);
    expect(s.shown.quality).toBe(100);
    expect(cw.isPending(s, 'quality')).toBe(false);
    // the next snapshot says what the camera has, and the control shows it
    s = cw.applySnapshot(s, snap({ quality: 85 }));
    expect(s.shown.quality).toBe(85);
  });

  it('a failed write does not undo a newer queued edit', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90 }), 'quality', 10)).state;
    s = cw.edit(s, 'quality', 20);
    s = cw.writeFailed(s);
    expect(s.shown.quality).toBe(20);
    expect(cw.takeNext(s).patch).toEqual({ quality: 20 });
  });

  it('never overwrites a dragged control with a pushed event, and shows the camera value on release', () => {
    let s = cw.setDragging(start({ brightness: 0 }), 'brightness', true);
    s = { ...s, shown: { ...s.shown, brightness: 2 } }; // thumb moved, nothing written yet
    s = cw.applySnapshot(s, snap({ brightness: 1 }));
    expect(s.shown.brightness).toBe(2);
    s = cw.setDragging(s, 'brightness', false);
    expect(s.shown.brightness).toBe(1);
  });

  it('pushed events update controls nobody touches', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90, fps: 30 }), 'quality', 50)).state;
    s = cw.applySnapshot(s, snap({ quality: 90, fps: 15 }));
    expect(s.shown).toEqual({ quality: 50, fps: 15 });
  });

  it('drops an edit back to the confirmed value when nothing is in flight', () => {
    const s = cw.edit(start({ quality: 90 }), 'quality', 90);
    const { state, patch } = cw.takeNext(s);
    expect(patch).toBeNull();
    expect(cw.isPending(state, 'quality')).toBe(false);
  });

  it('resetPending drops queued edits and shows the confirmed values', () => {
    let s = cw.takeNext(cw.edit(start({ quality: 90 }), 'quality', 10)).state;
    s = cw.resetPending(cw.edit(s, 'quality', 5));
    expect(s.shown.quality).toBe(90);
    expect(cw.isPending(s, 'quality')).toBe(false);
  });
});

describe('config controller', () => {
  function harness(initial: ConfigValues) {
    let state = start(initial);
    const calls: Array<{
      patch: ConfigValues;
      resolve: (s: ConfigSnapshot) => void;
      reject: (e: Error) => void;
    }> = [];
    const errors: string[] = [];
    const ctl = createConfigController({
      get: () => state,
      set: (s) => (state = s),
      write: (patch) => new Promise((resolve, reject) => calls.push({ patch, resolve, reject })),
      onError: (e) => errors.push(`${e.code}: ${e.title}: ${e.message}`),
    });
    /** A config snapshot pushed by the service. */
    const push = (values: ConfigValues) => (state = cw.applySnapshot(state, snap(values)));
    return { ctl, calls, errors, state: () => state, push };
  }
  const linkError = () =>
    Object.assign(new Error('The camera took quality=100, but reading it back failed.'), {
      code: 'timeout',
    });
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('keeps one write in flight and sends only the latest of a drag', async () => {
    const h = harness({ quality: 90 });
    h.ctl.setDragging('quality', true);
    for (let v = 89; v >= 10; v--) h.ctl.edit('quality', v);
    expect(h.calls.map((c) => c.patch)).toEqual([{ quality: 89 }]);
    h.calls[0]!.resolve(snap({ quality: 89 }));
    await flush();
    expect(h.calls.map((c) => c.patch)).toEqual([{ quality: 89 }, { quality: 10 }]);
    expect(h.state().shown.quality).toBe(10);
    h.calls[1]!.resolve(snap({ quality: 10 }));
    h.ctl.setDragging('quality', false);
    await h.ctl.idle();
    expect(h.calls).toHaveLength(2);
    expect(h.state().shown.quality).toBe(10);
    expect(h.state().confirmed.quality).toBe(10);
  });

  it('reports a refused write with its cause and reverts', async () => {
    const h = harness({ quality: 90 });
    h.ctl.edit('quality', 10);
    const err = Object.assign(new Error('camera refused the write (NAK FAILED)'), {
      code: 'config-rejected',
    });
    h.calls[0]!.reject(err);
    await h.ctl.idle().catch(() => undefined);
    await flush();
    expect(h.state().shown.quality).toBe(90);
    expect(h.errors).toEqual([
      'config-rejected: Writing quality=10 failed: camera refused the write (NAK FAILED)',
    ]);
  });

  it('an applied write whose readback failed shows what the camera has, not the stale value', async () => {
    const h = harness({ quality: 85 });
    h.ctl.edit('quality', 100);
    h.calls[0]!.reject(linkError());
    await h.ctl.idle().catch(() => undefined);
    await flush();
    expect(h.state().shown.quality).toBe(100); // not 85: the camera may well have 100
    expect(h.errors).toEqual([
      'timeout: Writing quality=100 was not confirmed: The camera took quality=100, but reading it back failed.',
    ]);
    h.push({ quality: 100 }); // the service's push once the link is back
    expect(h.state()).toMatchObject({ shown: { quality: 100 }, confirmed: { quality: 100 } });
  });

  it('a write that did not land: the values pushed while it was out are shown when it fails', async () => {
    const h = harness({ quality: 85 });
    h.ctl.edit('quality', 100);
    h.push({ quality: 85 }); // the service re-read the camera after the link failed
    expect(h.state().shown.quality).toBe(100); // still pending
    h.calls[0]!.reject(Object.assign(new Error('did not reach the camera'), { code: 'checksum' }));
    await h.ctl.idle().catch(() => undefined);
    await flush();
    expect(h.state().shown.quality).toBe(85);
  });

  it('merges edits of different keys made during a write into one patch', async () => {
    const h = harness({ quality: 90, vflip: false, brightness: 0 });
    h.ctl.edit('quality', 50);
    h.ctl.edit('vflip', true);
    h.ctl.edit('brightness', 2);
    h.calls[0]!.resolve(snap({ quality: 50, vflip: false, brightness: 0 }));
    await flush();
    expect(h.calls[1]!.patch).toEqual({ vflip: true, brightness: 2 });
  });
});

describe('keys named like JavaScript built-ins (the camera names them)', () => {
  const HOSTILE = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];
  const values = (base: number): ConfigValues =>
    JSON.parse(`{${HOSTILE.map((k, i) => `"${k}":${base + i}`).join(',')}}`) as ConfigValues;

  it('are never pending unless edited, and show their own values', () => {
    const s = start(values(1));
    for (const k of HOSTILE) expect(cw.isPending(s, k), k).toBe(false);
    expect(Object.keys(s.shown)).toEqual(HOSTILE);
    HOSTILE.forEach((k, i) => expect(Object.hasOwn(s.shown, k) && s.shown[k]).toBe(1 + i));
  });

  it('go through edit → write → readback like any key, __proto__ included', () => {
    let s = start(values(1));
    s = cw.edit(s, '__proto__', 50);
    s = cw.edit(s, 'constructor', 60);
    expect(cw.isPending(s, '__proto__')).toBe(true);
    const { state, patch } = cw.takeNext(s);
    expect(patch && Object.entries(patch)).toEqual([
      ['__proto__', 50],
      ['constructor', 60],
    ]);
    expect(JSON.stringify(patch)).toBe('{"__proto__":50,"constructor":60}');
    s = cw.writeSucceeded(state, snap({ ...values(1), ...patch }));
    expect(cw.isPending(s, '__proto__')).toBe(false);
    expect(Object.hasOwn(s.confirmed, '__proto__') && s.confirmed['__proto__']).toBe(50);
    expect(Object.getPrototypeOf(s.shown)).toBe(Object.prototype);
  });

  it('a failed write restores their confirmed values; dragging one holds it', () => {
    let s = cw.takeNext(cw.edit(start(values(1)), 'toString', 9)).state;
    s = cw.writeFailed(s);
    expect(s.shown['toString']).toBe(2);
    s = cw.setDragging(s, 'hasOwnProperty', true);
    s = cw.applySnapshot(s, snap({ ...values(1), hasOwnProperty: 33 }));
    expect(s.shown['hasOwnProperty']).toBe(3);
    s = cw.setDragging(s, 'hasOwnProperty', false);
    expect(s.shown['hasOwnProperty']).toBe(33);
    expect(Object.keys(s.dragging)).toEqual([]);
  });
});
