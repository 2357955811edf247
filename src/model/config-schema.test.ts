import { describe, expect, it } from 'vitest';
import { WELL_KNOWN, mergeField, mergeSchema } from './config-schema';

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
