// The JSON config channel: its values and the schema that describes them (docs/config-schema.md).

export type ConfigValue = number | boolean | string;
export type ConfigValues = Record<string, ConfigValue>;

/**
 * What one key takes: a small JSON Schema subset a camera may publish on a sibling channel (`config.schema`,
 * or the config channel name + ".schema" truncated to 13 chars).
 */
export interface ConfigFieldSchema {
  type?: 'number' | 'integer' | 'boolean' | 'string';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  enum?: Array<string | number>;
}

/** A schema; a camera that validates its writes uses fields that always name their type. */
export interface ConfigSchema<F extends ConfigFieldSchema = ConfigFieldSchema> {
  properties: Record<string, F>;
}

export interface ConfigSnapshot {
  /** Name of the config channel the values came from. */
  channel: string;
  /** The camera's confirmed values (its readback), never a guess. */
  values: ConfigValues;
  /** The schema the camera published, merged with built-in ranges for well-known keys (mergeSchema). */
  schema: ConfigSchema;
}
