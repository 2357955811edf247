// ConfigChannel: a JSON config channel. read() → values; write(patch) resolves with the camera's readback
// once it shows the write. A write whose answer the link lost is decided by a read-back after the resync
// (re-sent once, only when it did not land), so it is never lost and never applied twice (config-write.ts).
import { CONFIG_LIMITS } from '../model';
import type { ConfigFieldSchema, ConfigSchema, ConfigValues } from '../model';
import { ChannelId, Status } from '../protocol';
import type { Camera, ChannelRef } from './camera';
import { isLinkFailure, writeDecided } from './config-write';
import {
  ConfigFormatError,
  ConfigRejectedError,
  HostError,
  ProtocolError,
  WriteRefusedError,
  needsResync,
} from './errors';

export { ConfigUnconfirmedError, isLinkFailure, shows as configShows } from './config-write';

/** Sibling schema channel name: `<name>.schema`, truncated to the firmware's 13 characters. */
export const schemaChannelName = (name: string): string => `${name}.schema`.slice(0, 13);

export class ConfigChannel {
  constructor(
    private readonly camera: Camera,
    readonly name = 'config',
  ) {}

  /** Current values, as the camera reports them. */
  async read(): Promise<ConfigValues> {
    return parseConfig(await readBounded(this.camera, this.name), this.name);
  }

  /**
   * Send a partial update; resolve with the camera's readback once it shows the write. The camera's
   * refusal (NAK FAILED / INVALID + its stdout reason, or BUSY) → ConfigRejectedError, nothing applied. A
   * link failure is decided by a read-back, the patch re-sent once only when it did not land; an outcome
   * that cannot be decided → ConfigUnconfirmedError (see config-write.ts).
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
    return writeDecided({ send: () => this.send(patch, data), readBack: () => this.readBack() }, patch);
  }

  /** One WRITE of the patch; the camera's refusal becomes a ConfigRejectedError, link errors pass. */
  private async send(patch: ConfigValues, data: Uint8Array): Promise<void> {
    try {
      await this.camera.channelWrite(this.name, data);
    } catch (err) {
      if (!(err instanceof ProtocolError) || isLinkFailure(err)) throw err;
      if (err.busy) {
        throw new ConfigRejectedError(
          `The camera was busy and did not apply the config write ${JSON.stringify(patch)}.`,
          err.statusName,
        );
      }
      const reason = err.status === Status.FAILED ? await refusalReason(this.camera) : undefined;
      throw new ConfigRejectedError(
        refusedMessage(`the config write ${JSON.stringify(patch)}`, err.statusName, reason),
        err.statusName,
        reason,
      );
    }
  }

  /** read(), tried again after link faults (a read has no side effects on a config channel). */
  private async readBack(): Promise<ConfigValues> {
    let last: unknown;
    for (let i = 0; i < 3; i++) {
      try {
        return await this.read();
      } catch (err) {
        if (!needsResync(err)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /** The published schema, or undefined when the camera has no `<name>.schema` channel. */
  async schema(): Promise<ConfigSchema | undefined> {
    const sname = schemaChannelName(this.name);
    if (!this.camera.hasChannel(sname)) return undefined;
    const body = await readBounded(this.camera, sname);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      throw new ConfigFormatError(`schema channel "${sname}" is not JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) throw new ConfigFormatError(`schema channel "${sname}" is not a JSON object`);
    const props = isObject(parsed.properties) ? parsed.properties : {};
    const fields = Object.entries(props).filter(([, v]) => isObject(v));
    if (fields.length > CONFIG_LIMITS.maxKeys) throw tooManyKeys(sname, fields.length);
    // fromEntries, not assignment: a key named "__proto__" stays a key
    return { properties: Object.fromEntries(fields) as Record<string, ConfigFieldSchema> };
  }
}

/** How long a refused write waits for the camera's reason on stdout (by convention it is printed at once). */
export const REFUSAL_REASON_MS = 250;

/**
 * What the camera printed on stdout right after refusing a write. The convention: a camera script that
 * refuses a write prints the reason on stdout at once (e.g. `config: refused: unknown key "qualty"`).
 * Reads stdout now, then on each stdout event or every 50 ms until something arrives or `windowMs` ends.
 * Returns the last line printed, or undefined. Never throws: the refusal itself is what gets reported.
 */
export async function refusalReason(
  camera: Camera,
  windowMs = REFUSAL_REASON_MS,
): Promise<string | undefined> {
  if (!camera.channelById(ChannelId.STDOUT)) return undefined;
  const deadline = performance.now() + windowMs;
  let text = '';
  const drain = async (): Promise<void> => {
    try {
      text += await camera.readStdout();
    } catch {
      // a link problem: no reason then
    }
  };
  await drain();
  while (!/\S/.test(text) && camera.connected && performance.now() < deadline) {
    await untilChannelEvent(
      camera,
      ChannelId.STDOUT,
      Math.min(50, Math.max(0, deadline - performance.now())),
    );
    await drain();
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines[lines.length - 1];
  return last ? (last.length > 300 ? `${last.slice(0, 300)}…` : last) : undefined;
}

/** Resolve on the next event of channel `id` or after `ms`, whichever comes first (no listener left behind). */
export function untilChannelEvent(camera: Camera, id: number, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = camera.events.onChannel(id, done);
  });
}

/** "The camera refused <what> (FAILED): <reason>." */
function refusedMessage(what: string, statusName: string, reason: string | undefined): string {
  return reason
    ? `The camera refused ${what} (${statusName}): ${reason.replace(/[.!]$/, '')}.`
    : `The camera refused ${what} (${statusName}) and printed no reason.`;
}

/**
 * `camera.channelWrite` that explains a refusal: a NAK FAILED / INVALID becomes a WriteRefusedError with the
 * status and, for FAILED, the reason the camera printed on stdout right after (see refusalReason).
 */
export async function writeChannel(
  camera: Camera,
  ref: ChannelRef,
  data: Uint8Array,
  offset = 0,
): Promise<void> {
  try {
    await camera.channelWrite(ref, data, offset);
  } catch (err) {
    // BUSY and the link's failures (a CHECKSUM NAK is a damaged packet) are not the camera's refusal
    if (!(err instanceof ProtocolError) || err.busy || isLinkFailure(err)) throw err;
    const reason = err.status === Status.FAILED ? await refusalReason(camera) : undefined;
    const name = typeof ref === 'number' ? (camera.channelById(ref)?.name ?? `channel ${ref}`) : ref;
    throw new WriteRefusedError(
      refusedMessage(`the write to "${name}"`, err.statusName, reason),
      err.statusName,
      reason,
    );
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
  const entries = Object.entries(parsed);
  if (entries.length > CONFIG_LIMITS.maxKeys) throw tooManyKeys(name, entries.length);
  // fromEntries, not assignment: a key named "__proto__" stays a key (JSON.parse made it an own property)
  return Object.fromEntries(
    entries.filter(([, v]) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string'),
  ) as ConfigValues;
}

const LIMITS_HINT = `Publish at most ${CONFIG_LIMITS.maxKeys} keys (${CONFIG_LIMITS.maxBytes / 1024} KiB) in the camera script's config channel; camdeck reads no more.`;

/** A config (or schema) channel's bytes, refused by SIZE before any is read when above CONFIG_LIMITS. */
async function readBounded(camera: Camera, name: string): Promise<Uint8Array> {
  const size = await camera.channelSize(name);
  if (size > CONFIG_LIMITS.maxBytes)
    throw new HostError(
      `The config channel "${name}" holds ${size} bytes, more than the ${CONFIG_LIMITS.maxBytes} camdeck reads.`,
      'config-too-large',
      LIMITS_HINT,
    );
  return camera.channelRead(name, { length: size });
}

function tooManyKeys(name: string, count: number): HostError {
  return new HostError(
    `The config channel "${name}" has ${count} keys, more than the ${CONFIG_LIMITS.maxKeys} camdeck reads.`,
    'config-too-large',
    LIMITS_HINT,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
