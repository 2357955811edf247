// ConfigChannel: a JSON config channel. read() → values; write(patch) resolves with the camera's readback
// only once the WRITE was ACKed. A write is sent once and never retried, so it is never applied twice.
import type { Camera } from './camera';
import { ConfigFormatError, ConfigRejectedError, ProtocolError } from './errors';

export type ConfigValue = number | boolean | string;
export type ConfigValues = Record<string, ConfigValue>;

export interface ConfigFieldSchema {
  type?: 'number' | 'integer' | 'boolean' | 'string';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  enum?: Array<string | number>;
}

export interface ConfigSchema {
  properties: Record<string, ConfigFieldSchema>;
}

/** Sibling schema channel name: `<name>.schema`, truncated to the firmware's 13 characters. */
export const schemaChannelName = (name: string): string => `${name}.schema`.slice(0, 13);

export class ConfigChannel {
  constructor(
    private readonly camera: Camera,
    readonly name = 'config',
  ) {}

  /** Current values, as the camera reports them. */
  async read(): Promise<ConfigValues> {
    const body = await this.camera.channelRead(this.name);
    return parseConfig(body, this.name);
  }

  /**
   * Send a partial update; resolve with the readback once the camera ACKed it.
   * NAK → ConfigRejectedError (nothing applied). A timeout rejects with the link error: the write may or
   * may not have landed, the caller re-reads; it is never re-sent.
   */
  async write(patch: ConfigValues): Promise<ConfigValues> {
    const keys = Object.keys(patch);
    if (!keys.length) throw new RangeError('empty config patch');
    for (const k of keys) {
      const v = patch[k];
      if (
        !['number', 'boolean', 'string'].includes(typeof v) ||
        (typeof v === 'number' && !Number.isFinite(v))
      ) {
        throw new RangeError(`config value for "${k}" must be a finite number, a boolean or a string`);
      }
    }
    const data = new TextEncoder().encode(JSON.stringify(patch));
    try {
      await this.camera.channelWrite(this.name, data);
    } catch (err) {
      if (err instanceof ProtocolError && !err.busy) {
        throw new ConfigRejectedError(
          `camera rejected config ${JSON.stringify(patch)} on "${this.name}": ${err.statusName}`,
          err.statusName,
        );
      }
      if (err instanceof ProtocolError) {
        throw new ConfigRejectedError(
          `camera busy, config ${JSON.stringify(patch)} not applied`,
          err.statusName,
        );
      }
      throw err;
    }
    return this.read();
  }

  /** The published schema, or undefined when the camera has no `<name>.schema` channel. */
  async schema(): Promise<ConfigSchema | undefined> {
    const sname = schemaChannelName(this.name);
    if (!this.camera.hasChannel(sname)) return undefined;
    const body = await this.camera.channelRead(sname);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      throw new ConfigFormatError(`schema channel "${sname}" is not JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) throw new ConfigFormatError(`schema channel "${sname}" is not a JSON object`);
    const props = isObject(parsed.properties) ? parsed.properties : {};
    const out: ConfigSchema = { properties: {} };
    for (const [k, v] of Object.entries(props)) if (isObject(v)) out.properties[k] = v as ConfigFieldSchema;
    return out;
  }
}

export function parseConfig(body: Uint8Array, name = 'config'): ConfigValues {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ConfigFormatError(`config channel "${name}" returned bytes that are not UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigFormatError(`config channel "${name}" returned invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed))
    throw new ConfigFormatError(`config channel "${name}" returned JSON that is not an object`);
  const out: ConfigValues = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
