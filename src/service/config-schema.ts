// UI hints for config keys: the camera's published schema (a JSON Schema subset on `<config>.schema`) wins;
// for keys it does not describe, well-known names get built-in ranges; every key gets a type from its value.
import type { ConfigFieldSchema, ConfigSchema, ConfigValues } from '../shared/contract';

/** Ranges of keys most OpenMV scripts use, from the sensor driver's own limits. */
export const WELL_KNOWN: Readonly<Record<string, ConfigFieldSchema>> = {
  quality: { type: 'integer', title: 'JPEG quality', minimum: 1, maximum: 100, multipleOf: 1 },
  brightness: { type: 'integer', title: 'Brightness', minimum: -3, maximum: 3, multipleOf: 1 },
  contrast: { type: 'integer', title: 'Contrast', minimum: -3, maximum: 3, multipleOf: 1 },
  saturation: { type: 'integer', title: 'Saturation', minimum: -3, maximum: 3, multipleOf: 1 },
  gain_db: { type: 'number', title: 'Gain (dB)', minimum: 0, maximum: 32 },
  exposure_us: { type: 'integer', title: 'Exposure (µs)', minimum: 10, maximum: 1_000_000 },
  fps: { type: 'integer', title: 'Frame rate', minimum: 1, maximum: 120, multipleOf: 1 },
  auto_gain: { type: 'boolean', title: 'Auto gain' },
  auto_exposure: { type: 'boolean', title: 'Auto exposure' },
  auto_whitebal: { type: 'boolean', title: 'Auto white balance' },
  hmirror: { type: 'boolean', title: 'Mirror' },
  vflip: { type: 'boolean', title: 'Flip' },
};

function typeOf(v: ConfigValues[string]): ConfigFieldSchema['type'] {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return Number.isInteger(v) ? 'integer' : 'number';
}

/** Merge: value-derived type ← built-in ranges ← the camera's schema (last wins), for every key in `values`. */
export function mergeSchema(values: ConfigValues, published: ConfigSchema | undefined): ConfigSchema {
  const properties: Record<string, ConfigFieldSchema> = {};
  const keys = new Set([...Object.keys(values), ...Object.keys(published?.properties ?? {})]);
  for (const key of keys) {
    const v = values[key];
    const builtIn = WELL_KNOWN[key];
    // a built-in for a key whose value has another type (e.g. "quality": "high") does not apply
    const fits = builtIn && (v === undefined || (builtIn.type === 'boolean') === (typeof v === 'boolean'));
    properties[key] = {
      ...(v !== undefined ? { type: typeOf(v) } : {}),
      ...(fits ? builtIn : {}),
      ...(published?.properties[key] ?? {}),
    };
  }
  return { properties };
}
