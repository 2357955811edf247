import { describe, expect, it } from 'vitest';
import type { ConfigFieldSchema } from './config';
import { WELL_KNOWN, mergeField, mergeSchema, ownValue } from './config-schema';

describe('mergeSchema', () => {
  it('gives well-known keys their ranges and every key a type', () => {
    const s = mergeSchema({ quality: 90, brightness: 0, threshold: 0.5, label: 'x', on: true }, undefined);
    expect(s.properties['quality']).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(s.properties['brightness']).toMatchObject({ minimum: -3, maximum: 3 });
    expect(s.properties['threshold']).toEqual({ type: 'number' });
    expect(s.properties['label']).toEqual({ type: 'string' });
    expect(s.properties['on']).toEqual({ type: 'boolean' });
  });

  it("lets the camera's published schema win", () => {
    const s = mergeSchema(
      { quality: 50, mode: 'a' },
      { properties: { quality: { maximum: 95, title: 'Q' }, mode: { enum: ['a', 'b'] } } },
    );
    expect(s.properties['quality']).toMatchObject({ minimum: 1, maximum: 95, title: 'Q' });
    expect(s.properties['mode']).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('ignores a built-in whose kind does not fit the value', () => {
    expect(mergeSchema({ quality: true }, undefined).properties['quality']).toEqual({ type: 'boolean' });
  });
});

describe('the well-known table', () => {
  it('says what a camera accepts: integer fps, exposure in µs up to 1 s, no made-up steps', () => {
    const s = mergeSchema({ fps: 30, exposure_us: 20_000, gain_db: 1.5 }, undefined).properties;
    expect(s['fps']).toMatchObject({ type: 'integer', minimum: 1, maximum: 120 });
    expect(s['exposure_us']).toEqual({
      type: 'integer',
      title: 'Exposure (µs)',
      minimum: 10,
      maximum: 1_000_000,
    });
    expect(s['gain_db']?.multipleOf).toBeUndefined();
  });

  it('applies to a value of its kind only, and to keys the camera describes without a value', () => {
    expect(mergeField('quality', 'high', undefined)).toEqual({ type: 'string' });
    expect(mergeField('gain_db', 3, undefined)).toMatchObject({ type: 'number', maximum: 32 });
    expect(mergeSchema({}, { properties: { vflip: {} } }).properties['vflip']).toEqual(WELL_KNOWN['vflip']);
  });
});

describe('keys named like JavaScript built-ins (a camera names its keys)', () => {
  const HOSTILE = ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__', '__proto__'];
  const values = JSON.parse(`{${HOSTILE.map((k, i) => `"${k}":${i}`).join(',')}}`) as Record<string, number>;

  it('merges each into an own property with only its value type: no built-in, no function', () => {
    const s = mergeSchema(values, undefined);
    expect(Object.keys(s.properties)).toEqual(HOSTILE);
    expect(Object.getPrototypeOf(s.properties)).toBe(Object.prototype);
    for (const k of HOSTILE) expect(s.properties[k]).toEqual({ type: 'integer' });
  });

  it('takes the published field of such a key, and none the key does not publish', () => {
    const published = JSON.parse('{"properties":{"__proto__":{"title":"P"},"toString":{"maximum":5}}}') as {
      properties: Record<string, ConfigFieldSchema>;
    };
    const s = mergeSchema(values, published);
    expect(s.properties['__proto__']).toEqual({ type: 'integer', title: 'P' });
    expect(s.properties['toString']).toEqual({ type: 'integer', maximum: 5 });
    expect(s.properties['constructor']).toEqual({ type: 'integer' });
    expect(mergeField('constructor', 1, undefined)).toEqual({ type: 'integer' });
  });

  it('ownValue reads own keys only', () => {
    expect(ownValue({}, 'constructor')).toBeUndefined();
    expect(ownValue({}, 'toString')).toBeUndefined();
    expect(ownValue(values, '__proto__')).toBe(4);
    expect(ownValue(WELL_KNOWN, 'hasOwnProperty')).toBeUndefined();
  });
});
