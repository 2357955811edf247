import { describe, expect, it } from 'vitest';
import { coerce, resolveField, resolveFields, snapToStep, titleFromKey } from './config-fields';
import { formatBytes, formatFps, formatKbps, formatMs, formatUsbId } from './format';
import { RateMeter } from './rate-meter';
import { shortcutFor } from './shortcuts';
import { appendStdout, emptyRing, MAX_LINE, visibleLines } from './stdout-ring';
import { canvasToImage, oneToOne, pan, place, wheelFactor, zoomAt, zoomCommand, zoomLabel } from './viewport';

describe('format', () => {
  it('formats bytes, rates and ids', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(31_000)).toBe('30 KB');
    expect(formatBytes(5_000)).toBe('4.9 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatBytes(-1)).toBe('–');
    expect(formatKbps(7440.4)).toBe('7440 kbit/s');
    expect(formatKbps(24_000)).toBe('24.0 Mbit/s');
    expect(formatFps(29.97)).toBe('30');
    expect(formatFps(7.25)).toBe('7.3');
    expect(formatFps(Number.NaN)).toBe('–');
    expect(formatMs(0.084)).toBe('0.08 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatUsbId(0x37c5, 0x124a)).toBe('37C5:124A');
    expect(formatUsbId(undefined, 1)).toBe('');
  });
});

describe('RateMeter', () => {
  it('measures events per second and kbit/s over its window', () => {
    const m = new RateMeter(1000);
    for (let i = 0; i <= 30; i++) m.add(i * (1000 / 30), 10_000);
    expect(m.rate(1000)).toBeCloseTo(30, 0);
    // 30 frames of 10 kB inside the last second (the t=0 one has left the window)
    expect(m.kbps(1000)).toBeCloseTo(2400, -1);
    expect(m.rate(5000)).toBe(0);
    expect(m.kbps(5000)).toBe(0);
  });

  it('measures sparse events over the last few: 1 per second reads 1, not 0', () => {
    const m = new RateMeter(1000);
    for (let i = 0; i <= 5; i++) m.add(i * 1000);
    expect(m.rate(5200)).toBeCloseTo(1, 5);
    expect(m.rate(6500)).toBeCloseTo(1, 5); // 1.5 intervals of silence: still a 1 fps stream
    expect(m.rate(7100)).toBe(0); // more than two intervals: it stopped
  });

  it('reads 0 soon after the events stop, not the figure of the last second', () => {
    const m = new RateMeter(1000);
    for (let i = 0; i <= 60; i++) m.add(i * 50); // 20 per second until t = 3000
    expect(m.rate(3040)).toBeCloseTo(20, 5);
    expect(m.rate(3400)).toBeCloseTo(20, 5); // under STALL_MIN_MS: a hiccup, not a stop
    expect(m.rate(3600)).toBe(0);
  });

  it('stays bounded over a long run', () => {
    const m = new RateMeter(1000);
    for (let i = 0; i < 100_000; i++) m.add(i * 10, 1);
    expect(m.rate(100_000 * 10)).toBeCloseTo(100, 0);
    expect((m as unknown as { times: number[] }).times.length).toBeLessThan(1000);
  });
});

describe('stdout ring', () => {
  it('joins chunks into lines and keeps the open tail', () => {
    let r = appendStdout(emptyRing, 'hel', 10);
    r = appendStdout(r, 'lo\r\nwor', 10);
    expect(r.lines).toEqual(['hello']);
    expect(visibleLines(r)).toEqual(['hello', 'wor']);
    r = appendStdout(r, 'ld\n', 10);
    expect(visibleLines(r)).toEqual(['hello', 'world']);
  });

  it('drops the oldest lines beyond the bound and counts them', () => {
    let r = emptyRing;
    for (let i = 0; i < 25; i++) r = appendStdout(r, `line ${i}\n`, 10);
    expect(r.lines).toHaveLength(10);
    expect(r.lines[0]).toBe('line 15');
    expect(r.evicted).toBe(15);
    r = appendStdout(r, Array.from({ length: 50 }, (_, i) => `x${i}`).join('\n') + '\n', 10);
    expect(r.lines).toEqual(Array.from({ length: 10 }, (_, i) => `x${40 + i}`));
    expect(r.evicted).toBe(15 + 10 + 40);
  });

  it('splits a line that never ends', () => {
    const r = appendStdout(emptyRing, 'a'.repeat(MAX_LINE * 2 + 5), 10);
    expect(r.lines).toHaveLength(2);
    expect(r.partial).toHaveLength(5);
  });
});

describe('viewport', () => {
  const canvas = { width: 800, height: 600 };
  const image = { width: 640, height: 480 };
  it('fits and centres', () => {
    const p = place({ mode: 'fit' }, canvas, image);
    expect(p.scale).toBe(1.25);
    expect(p).toMatchObject({ x: 0, y: 0 });
    const wide = place({ mode: 'fit' }, { width: 1000, height: 480 }, image);
    expect(wide).toEqual({ scale: 1, x: 180, y: 0 });
  });

  it('maps canvas points to image pixels and rejects points outside', () => {
    const p = place(oneToOne({ mode: 'fit' }, image), canvas, image);
    expect(p).toEqual({ scale: 1, x: 80, y: 60 });
    expect(canvasToImage(p, image, 80, 60)).toEqual({ x: 0, y: 0 });
    expect(canvasToImage(p, image, 719.5, 539.5)).toEqual({ x: 639, y: 479 });
    expect(canvasToImage(p, image, 79, 60)).toBeNull();
  });

  it('wheel zoom keeps the point under the cursor fixed', () => {
    const v = zoomAt({ mode: 'fit' }, canvas, image, 2, 200, 150);
    const p0 = place({ mode: 'fit' }, canvas, image);
    const p1 = place(v, canvas, image);
    const before = [(200 - p0.x) / p0.scale, (150 - p0.y) / p0.scale];
    const after = [(200 - p1.x) / p1.scale, (150 - p1.y) / p1.scale];
    expect(after[0]).toBeCloseTo(before[0]!, 6);
    expect(after[1]).toBeCloseTo(before[1]!, 6);
    expect(p1.scale).toBe(2.5);
  });

  it('pans by screen pixels', () => {
    const v = pan(oneToOne({ mode: 'fit' }, image), canvas, image, 10, -20);
    expect(place(v, canvas, image)).toEqual({ scale: 1, x: 90, y: 40 });
  });

  it('zoom commands: fit, 1:1 and a step about the centre of the view', () => {
    expect(zoomCommand('fit', { mode: 'zoom', scale: 3, cx: 1, cy: 2 }, canvas, image)).toEqual({
      mode: 'fit',
    });
    expect(zoomCommand('one-to-one', { mode: 'fit' }, canvas, image)).toEqual(
      oneToOne({ mode: 'fit' }, image),
    );
    const inward = zoomCommand('zoom-in', { mode: 'fit' }, canvas, image);
    expect(inward).toEqual(zoomAt({ mode: 'fit' }, canvas, image, 1.25, 400, 300));
    const back = zoomCommand('zoom-out', inward, canvas, image);
    expect(place(back, canvas, image).scale).toBeCloseTo(1.25, 9);
    expect(zoomLabel({ mode: 'fit' })).toBe('Fit');
    expect(zoomLabel(oneToOne({ mode: 'fit' }, image))).toBe('100 %');
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(-100)).toBeGreaterThan(1);
  });
});

describe('config fields', () => {
  it('gives well-known keys built-in ranges', () => {
    expect(resolveField('quality', 90).control).toEqual({ kind: 'slider', min: 1, max: 100, step: 1 });
    expect(resolveField('hmirror', false).control).toEqual({ kind: 'toggle' });
  });

  it("lets the camera's schema win, key by key", () => {
    const schema = {
      properties: {
        quality: { minimum: 10, maximum: 95, multipleOf: 5, title: 'Q' },
        framesize: { enum: ['QVGA', 'VGA'], title: 'Frame size' },
        gain: { type: 'number' as const, minimum: 0, maximum: 1, multipleOf: 0.05 },
      },
    };
    const fields = resolveFields({ gain: 0.5, quality: 90, framesize: 'VGA', extra: 3 }, schema);
    expect(fields.map((f) => f.key)).toEqual(['quality', 'framesize', 'gain', 'extra']);
    expect(fields[0]).toMatchObject({ title: 'Q', control: { kind: 'slider', min: 10, max: 95, step: 5 } });
    expect(fields[1]!.control).toEqual({ kind: 'select', options: ['QVGA', 'VGA'] });
    expect(fields[2]!.control).toEqual({ kind: 'slider', min: 0, max: 1, step: 0.05 });
    expect(fields[3]).toMatchObject({ title: 'Extra', control: { kind: 'number', step: 1 } });
  });

  it('ignores a built-in whose type does not match the value', () => {
    expect(resolveField('quality', 'high').control).toEqual({ kind: 'text' });
  });

  it('coerces control output back to the value type, on the step grid', () => {
    const gain = resolveField('gain', 0.5, {
      properties: { gain: { minimum: 0, maximum: 1, multipleOf: 0.05 } },
    });
    expect(coerce(gain, '0.35000000000000003', 0.5)).toBe(0.35);
    expect(coerce(gain, '7', 0.5)).toBe(1);
    const fs = resolveField('fs', 1, { properties: { fs: { enum: [1, 2, 4] } } });
    expect(coerce(fs, '4', 1)).toBe(4);
    expect(snapToStep(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(titleFromKey('exposureUs')).toBe('Exposure Us');
  });
});

describe('shortcuts', () => {
  const k = (key: string, extra: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
    shortcutFor({
      key,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      targetTag: 'BODY',
      ...extra,
    });
  it('maps keys to actions', () => {
    expect(k('f')).toBe('fit');
    expect(k('1')).toBe('one-to-one');
    expect(k('s')).toBe('snapshot-jpeg');
    expect(k('S', { shiftKey: true })).toBe('snapshot-png');
    expect(k('d', { ctrlKey: true })).toBe('disconnect');
    expect(k('?', { shiftKey: true })).toBe('help');
    expect(k('p')).toBe('pause');
    expect(k('i')).toBe('stats');
    expect(k('x')).toBeNull();
  });
  it('leaves typing alone but works on sliders', () => {
    expect(k('f', { targetTag: 'INPUT', targetType: 'text' })).toBeNull();
    expect(k('s', { targetTag: 'SELECT' })).toBeNull();
    expect(k('f', { targetTag: 'INPUT', targetType: 'range' })).toBe('fit');
    expect(k('d', { ctrlKey: true, targetTag: 'INPUT', targetType: 'text' })).toBe('disconnect');
  });
});

describe('config fields from a hostile camera', () => {
  const HOSTILE = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];

  it('keys named like built-ins get their own value type, never a function', () => {
    const values = JSON.parse(`{${HOSTILE.map((k, i) => `"${k}":${i}`).join(',')}}`) as Record<
      string,
      number
    >;
    const fields = resolveFields(values, { properties: {} });
    expect(fields.map((f) => f.key)).toEqual(HOSTILE);
    for (const f of fields) expect(f.control.kind).toBe('number');
    expect(resolveField('constructor', 'x').control).toEqual({ kind: 'text' });
  });

  it('orders 100,000 keys in linear time (50,000 froze the page for ~40 s)', () => {
    // quadratic ordering took ~4 s for 50,000 keys alone, so ~15 s for these; linear takes well under 1 s
    const values = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const t0 = performance.now();
    const fields = resolveFields(values, { properties: { k99999: { title: 'last' } } });
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(fields[0]!.key).toBe('k99999');
    expect(fields).toHaveLength(100_000);
  });
});
