// The demo's JSON config store and its UI schema. A WRITE is a partial update: only the named keys
// change; invalid JSON, an unknown key, a wrong type or an out-of-range value refuses the whole write
// (backend returns 0 → NAK FAILED), leaves the config unchanged and prints the reason on stdout, as a
// camera script would. READ returns the current JSON.
import type { ConfigFieldSchema, ConfigSchema, ConfigValue, ConfigValues } from '../../model';

/** What the demo takes for one key: a schema field that always names its type (it validates writes by it). */
export type ConfigProperty = ConfigFieldSchema & { type: NonNullable<ConfigFieldSchema['type']> };
export type DemoConfigSchema = ConfigSchema<ConfigProperty>;

export const FRAME_SIZES: Record<string, [number, number]> = {
  QQVGA: [160, 120],
  QVGA: [320, 240],
  VGA: [640, 480],
  SVGA: [800, 600],
  XGA: [1024, 768],
  HD: [1280, 720],
};

/** Name of a frame size, or "<w>x<h>" for a size the table lacks. */
export function frameSizeName(width: number, height: number): string {
  for (const [name, [w, h]] of Object.entries(FRAME_SIZES)) if (w === width && h === height) return name;
  return `${width}x${height}`;
}

export function frameSizeDims(name: string): [number, number] | null {
  const known = FRAME_SIZES[name];
  if (known) return known;
  const m = /^(\d+)x(\d+)$/.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function demoSchema(initialSize: string): DemoConfigSchema {
  const sizes = Object.keys(FRAME_SIZES);
  if (!sizes.includes(initialSize)) sizes.unshift(initialSize);
  return {
    properties: {
      quality: { type: 'integer', title: 'JPEG quality', minimum: 1, maximum: 100 },
      brightness: { type: 'integer', title: 'Brightness', minimum: -3, maximum: 3 },
      contrast: { type: 'integer', title: 'Contrast', minimum: -3, maximum: 3 },
      hmirror: { type: 'boolean', title: 'Horizontal mirror' },
      vflip: { type: 'boolean', title: 'Vertical flip' },
      framesize: { type: 'string', title: 'Frame size', enum: sizes },
      fps: {
        type: 'integer',
        title: 'Frame rate',
        description: 'Capture rate of the simulated sensor',
        minimum: 1,
        maximum: 120,
      },
    },
  };
}

export class ConfigError extends Error {}

/** What a property accepts, for refusals: "an integer 1…100", "true or false", "one of QVGA, VGA". */
export function describeProperty(p: ConfigProperty): string {
  if (p.enum) return `one of ${p.enum.join(', ')}`;
  if (p.type === 'boolean') return 'true or false';
  if (p.type === 'string') return 'a string';
  let s = p.type === 'integer' ? 'an integer' : 'a number';
  if (p.minimum !== undefined && p.maximum !== undefined) s += ` ${p.minimum}…${p.maximum}`;
  else if (p.minimum !== undefined) s += ` ≥ ${p.minimum}`;
  else if (p.maximum !== undefined) s += ` ≤ ${p.maximum}`;
  if (p.multipleOf !== undefined) s += `, a multiple of ${p.multipleOf}`;
  return s;
}

function accepts(p: ConfigProperty, value: unknown): boolean {
  switch (p.type) {
    case 'boolean':
      if (typeof value !== 'boolean') return false;
      break;
    case 'string':
      if (typeof value !== 'string') return false;
      break;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (p.type === 'integer' && !Number.isInteger(value)) return false;
      if (p.minimum !== undefined && value < p.minimum) return false;
      if (p.maximum !== undefined && value > p.maximum) return false;
      const q = p.multipleOf === undefined ? 0 : value / p.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) return false;
      break;
    }
  }
  return !p.enum || p.enum.includes(value as string | number);
}

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;

/** Check `patch` against `schema`; throws ConfigError naming the first bad key, what it takes and what came. */
export function validatePatch(schema: DemoConfigSchema, patch: unknown): ConfigValues {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ConfigError(`not a JSON object (got ${kindOf(patch)})`);
  }
  const out: ConfigValues = {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const p = schema.properties[key];
    if (!p) throw new ConfigError(`unknown key ${JSON.stringify(key)}`);
    if (!accepts(p, value)) {
      throw new ConfigError(`"${key}" must be ${describeProperty(p)} (got ${JSON.stringify(value)})`);
    }
    out[key] = value as ConfigValue;
  }
  return out;
}

/**
 * Where JSON.parse gave up on `text` (a character index). V8 names the position only for some errors,
 * so this finds the longest prefix that is still valid as far as it goes.
 */
export function jsonErrorPosition(text: string): number {
  const soFarValid = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (e) {
      const msg = e instanceof Error ? e.message : '';
      const at = /at position (\d+)/.exec(msg);
      return /Unexpected end/.test(msg) || (!!at && Number(at[1]) >= n);
    }
  };
  if (soFarValid(text.length)) return text.length; // cut short: it goes wrong at the end
  let lo = 0; // soFarValid(lo) holds (the empty prefix ends early)
  let hi = text.length; // the whole text fails before its end
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (soFarValid(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Bracket depth at the end of `text` (strings respected): > 0 means the document is cut short. */
function openDepth(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return inString ? depth + 1 : depth;
}

export type ConfigFault = 'none' | 'reject-writes' | 'invalid-json';

export interface ConfigStoreOptions {
  schema: DemoConfigSchema;
  initial: ConfigValues;
  /** The device's current max_payload, to tell a full first chunk of a split write from a short one. */
  maxPayload: () => number;
  fault: () => ConfigFault;
  onChange: (values: ConfigValues, changed: string[]) => void;
  /** A refused write: the script prints the reason on stdout at once (one line, no newline). */
  onRefuse?: (line: string) => void;
}

/** Channel backend (poll/size/read/write) over the store. Written like a script's backend class. */
export class ConfigBackend {
  values: ConfigValues;
  private snapshot = new Uint8Array(0);
  private changed = true;
  /** A split write in progress: the bytes of its earlier chunks. */
  private pending: Uint8Array | null = null;
  lastError = '';
  /** Writes applied (validated and merged, changed or not): tests count outcomes from the camera's side. */
  applied = 0;

  constructor(private readonly opts: ConfigStoreOptions) {
    this.values = { ...opts.initial };
  }

  json(): string {
    return JSON.stringify(this.values);
  }

  poll(): boolean {
    return this.changed;
  }

  size(): number {
    let text = this.json();
    // Fault: read back a cut-off document.
    if (this.opts.fault() === 'invalid-json') text = text.slice(0, Math.max(1, text.length - 3));
    this.snapshot = new TextEncoder().encode(text);
    this.changed = false;
    return this.snapshot.length;
  }

  read(offset: number, size: number): Uint8Array {
    if (!this.snapshot.length) this.size();
    return this.snapshot.subarray(offset, offset + size);
  }

  write(offset: number, data: Uint8Array): number {
    if (this.opts.fault() === 'reject-writes')
      return this.refuse('writes are rejected (reject-writes fault)');
    let bytes: Uint8Array;
    if (offset === 0) bytes = data.slice();
    else if (this.pending && offset === this.pending.length) {
      bytes = new Uint8Array(this.pending.length + data.length);
      bytes.set(this.pending);
      bytes.set(data, this.pending.length);
    } else {
      this.pending = null;
      return this.refuse(`unexpected chunk offset ${offset}`);
    }
    this.pending = null;
    const text = new TextDecoder().decode(bytes);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // A first chunk cut at max_payload − 8 may be continued by the next WRITE: keep it.
      if (openDepth(text) > 0 && data.length === this.opts.maxPayload() - 8) {
        this.pending = bytes;
        return data.length;
      }
      return this.refuse(`invalid JSON at position ${jsonErrorPosition(text)}`);
    }
    try {
      const patch = validatePatch(this.opts.schema, doc);
      const changed = Object.keys(patch).filter((k) => this.values[k] !== patch[k]);
      this.values = { ...this.values, ...patch };
      this.applied++;
      if (changed.length) {
        this.changed = true;
        this.opts.onChange(this.values, changed);
      }
      this.lastError = '';
      return data.length;
    } catch (e) {
      return this.refuse(e instanceof Error ? e.message : String(e));
    }
  }

  /** Refuse a write (0 → NAK FAILED) and say why, like a script's print(). */
  private refuse(reason: string): number {
    this.lastError = reason;
    this.opts.onRefuse?.(`config: refused: ${reason}`);
    return 0;
  }
}
