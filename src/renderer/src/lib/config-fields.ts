// Which control each config key gets: a slider, toggle, select, number or text field, from the readback value
// and the schema the service merged (the camera's own, over src/model's built-in ranges; docs/config-schema.md).
import { mergeSchema, ownValue } from '../../../model';
import type { ConfigSchema, ConfigValue } from '../../../model';

export type FieldControl =
  | { kind: 'slider'; min: number; max: number; step: number }
  | { kind: 'number'; step: number; min?: number; max?: number }
  | { kind: 'toggle' }
  | { kind: 'select'; options: Array<string | number> }
  | { kind: 'text' };

export interface ConfigField {
  key: string;
  title: string;
  description?: string;
  control: FieldControl;
}

/** "gain_db" → "Gain db" when nobody gave a title. */
export function titleFromKey(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

function decimals(step: number): number {
  const s = String(step);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** Snap to the step grid from `min`, keeping float noise out of the written value. */
export function snapToStep(value: number, step: number, min = 0): number {
  if (!(step > 0)) return value;
  const snapped = min + Math.round((value - min) / step) * step;
  return Number(snapped.toFixed(Math.max(decimals(step), decimals(min))));
}

/**
 * The control for one key of a merged schema (ConfigSnapshot.schema). Without a schema, the one the service
 * would have merged for this value alone (built-in ranges for well-known keys).
 */
export function resolveField(
  key: string,
  value: ConfigValue,
  schema: ConfigSchema = mergeSchema({ [key]: value }, undefined),
): ConfigField {
  const f = ownValue(schema.properties, key) ?? {};
  const title = f.title ?? titleFromKey(key);
  const base = { key, title, ...(f.description ? { description: f.description } : {}) };

  if (f.enum && f.enum.length > 0) return { ...base, control: { kind: 'select', options: [...f.enum] } };
  if (typeof value === 'boolean' || f.type === 'boolean') return { ...base, control: { kind: 'toggle' } };
  if (typeof value === 'number') {
    const integer =
      f.type === 'integer' || (f.type === undefined && Number.isInteger(value) && !f.multipleOf);
    const step = f.multipleOf && f.multipleOf > 0 ? f.multipleOf : integer ? 1 : 0.01;
    if (typeof f.minimum === 'number' && typeof f.maximum === 'number' && f.maximum > f.minimum) {
      return { ...base, control: { kind: 'slider', min: f.minimum, max: f.maximum, step } };
    }
    return {
      ...base,
      control: {
        kind: 'number',
        step,
        ...(typeof f.minimum === 'number' ? { min: f.minimum } : {}),
        ...(typeof f.maximum === 'number' ? { max: f.maximum } : {}),
      },
    };
  }
  return { ...base, control: { kind: 'text' } };
}

/**
 * Fields in a stable order: the schema's order first, then the readback's. Linear (a Set, own-key checks):
 * the camera decides how many keys there are.
 */
export function resolveFields(values: Record<string, ConfigValue>, schema?: ConfigSchema): ConfigField[] {
  const order = new Set(Object.keys(schema?.properties ?? {}).filter((k) => Object.hasOwn(values, k)));
  for (const k of Object.keys(values)) order.add(k);
  return [...order].map((k) => resolveField(k, values[k]!, schema));
}

/** Parse what a control produced back into the value's type (selects give strings). */
export function coerce(field: ConfigField, raw: string | boolean, current: ConfigValue): ConfigValue {
  if (typeof raw === 'boolean') return raw;
  if (field.control.kind === 'select') {
    const hit = field.control.options.find((o) => String(o) === raw);
    return hit ?? raw;
  }
  if (typeof current === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) return current;
    const c = field.control;
    if (c.kind === 'slider') return snapToStep(Math.min(c.max, Math.max(c.min, n)), c.step, c.min);
    if (c.kind === 'number') return snapToStep(n, c.step, c.min ?? 0);
    return n;
  }
  return raw;
}
