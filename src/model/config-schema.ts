// The one table of well-known config keys and the merge that gives every key of a readback its schema:
// the camera's published schema wins; for what it does not say, well-known names get built-in ranges;
// every key gets a type from its value. The service merges; the UI only maps the result to controls.
import type { ConfigFieldSchema, ConfigSchema, ConfigValue, ConfigValues } from './config';

/**
 * What camdeck reads of a camera's config (and of its published schema): past either bound the read fails
 * with `config-too-large` instead of freezing the page (a hostile camera once sent 300,000 keys, 12 MB).
 * Real scripts publish tens of keys.
 */
export const CONFIG_LIMITS = { maxKeys: 1000, maxBytes: 256 * 1024 } as const;

/**
 * `o[key]` only when `o` has it as its own property. A camera names the keys: `constructor`, `toString` or
 * `__proto__` must read as absent, never as Object.prototype's members.
 */
export function ownValue<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/**
 * Keys most OpenMV scripts use, with what the sensor driver accepts (exposure in microseconds, the OpenMV
 * convention; up to 1 s at low frame rates). Only real limits: no multipleOf where the camera takes any value
 * of the type (a UI step is the renderer's business).
 */
export const WELL_KNOWN: Readonly<Record<string, Readonly<ConfigFieldSchema>>> = {
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

/** The schema type a value has: integers and other numbers apart. */
export function typeOfValue(v: ConfigValue): NonNullable<ConfigFieldSchema['type']> {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return Number.isInteger(v) ? 'integer' : 'number';
}

/** A built-in applies only to a value of its kind (e.g. not to "quality": "high" or "quality": true). */
function fits(field: ConfigFieldSchema, v: ConfigValue | undefined): boolean {
  if (v === undefined || field.type === undefined) return true;
  const numeric = (t: ConfigFieldSchema['type']): boolean => t === 'number' || t === 'integer';
  const own = typeOfValue(v);
  return numeric(field.type) ? numeric(own) : field.type === own;
}

/** One key: value-derived type ← built-in range ← the camera's own description (last wins). */
export function mergeField(
  key: string,
  value: ConfigValue | undefined,
  published: ConfigFieldSchema | undefined,
): ConfigFieldSchema {
  const builtIn = ownValue(WELL_KNOWN, key);
  return {
    ...(value !== undefined ? { type: typeOfValue(value) } : {}),
    ...(builtIn && fits(builtIn, value) ? builtIn : {}),
    ...published,
  };
}

/**
 * Every key of `values` and of the published schema, merged (mergeField). Built with fromEntries: a key named
 * `__proto__` stays an own property (an assignment would set the prototype instead).
 */
export function mergeSchema(values: ConfigValues, published: ConfigSchema | undefined): ConfigSchema {
  const props = published?.properties ?? {};
  const keys = new Set([...Object.keys(values), ...Object.keys(props)]);
  const properties = Object.fromEntries(
    [...keys].map((key) => [key, mergeField(key, ownValue(values, key), ownValue(props, key))]),
  );
  return { properties };
}
