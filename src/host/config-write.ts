// A config write that reports what really happened. The camera's WRITE answer is one of three things:
// - it refused: NAK FAILED or INVALID (+ the reason it printed on stdout) → ConfigRejectedError, nothing
//   applied; BUSY is a refusal too ("not now"), with its status;
// - the link failed: a NAK CHECKSUM / SEQUENCE / OVERFLOW / TIMEOUT (the camera saw a damaged or out-of-step
//   packet, not our patch), a lost or late reply, a resync, a reboot, the link closing. The write may or may
//   not have landed, so it is never reported as refused: a read-back after the resync decides.
// The retry choice: a config patch sets keys to values, so it is idempotent and sending it once more after
// a link failure is safe. It is sent once more only when the read-back shows it missing (so the camera
// still applies it once), and only once. When no read-back can be had, the outcome is unknown and says so
// (ConfigUnconfirmedError without values): the caller re-reads once the link is back.
import type { ConfigValues, ErrorCode } from '../model';
import { Status } from '../protocol';
import {
  ChecksumError,
  ConfigRejectedError,
  DeviceResponseError,
  DisconnectedError,
  HostError,
  NoAnswerError,
  ProtocolError,
  RebootError,
  SequenceError,
  TimeoutError,
  needsResync,
} from './errors';

/** NAK statuses that say the link failed (the camera never judged the patch), not that it refused it. */
const LINK_NAKS: ReadonlySet<number> = new Set([
  Status.TIMEOUT,
  Status.CHECKSUM,
  Status.SEQUENCE,
  Status.OVERFLOW,
]);

/** The link failed under this request (not the camera's decision): the outcome of a WRITE is unknown. */
export function isLinkFailure(err: unknown): boolean {
  if (err instanceof ProtocolError) return LINK_NAKS.has(err.status);
  return needsResync(err) || err instanceof DisconnectedError || err instanceof NoAnswerError;
}

/** A link failure's code, said from the link's side (a CHECKSUM NAK is a damaged packet, not a refusal). */
function linkCode(err: unknown): ErrorCode {
  if (err instanceof ProtocolError)
    return err.status === Status.CHECKSUM
      ? 'checksum'
      : err.status === Status.TIMEOUT
        ? 'timeout'
        : 'sequence';
  return err instanceof HostError ? err.code : 'timeout';
}

/** What happened to the link, in words (the host's own texts name opcodes). */
function linkWhy(err: unknown): string {
  if (err instanceof ProtocolError) {
    if (err.status === Status.CHECKSUM) return 'the camera received a damaged packet (NAK CHECKSUM)';
    if (err.status === Status.TIMEOUT) return 'the camera timed out receiving it (NAK TIMEOUT)';
    return `the link got out of step (NAK ${err.statusName})`;
  }
  if (err instanceof TimeoutError) return 'the camera did not answer in time';
  if (err instanceof ChecksumError) return "the camera's reply was corrupted";
  if (err instanceof SequenceError) return 'the link got out of step';
  if (err instanceof RebootError) return 'the camera rebooted';
  if (err instanceof DisconnectedError || err instanceof NoAnswerError)
    return 'the link to the camera went away';
  if (err instanceof DeviceResponseError) return 'the camera sent a reply camdeck cannot use';
  return err instanceof Error ? err.message.replace(/[.!]$/, '') : String(err);
}

const listed = (v: Readonly<Record<string, unknown>>): string =>
  Object.entries(v)
    .map(([k, x]) => `${k}=${JSON.stringify(x)}`)
    .join(', ');

/**
 * The link failed during a config write and the camera did not confirm it. `applied`: true when the camera
 * ACKed the WRITE (its read-back failed), false when a read-back shows it missing after the one re-send,
 * undefined when nothing could be read. `values`: what the camera has, when a read-back got through.
 */
export class ConfigUnconfirmedError extends HostError {
  constructor(
    readonly patch: ConfigValues,
    readonly applied: boolean | undefined,
    readonly values: ConfigValues | undefined,
    readonly linkCause: unknown,
  ) {
    const why = linkWhy(linkCause);
    const what = listed(patch);
    const has = (v: ConfigValues): string =>
      listed(Object.fromEntries(Object.keys(patch).map((k) => [k, Object.hasOwn(v, k) ? v[k]! : null])));
    super(
      applied === true
        ? `The camera took ${what}, but reading it back failed: ${why}.`
        : applied === false && values
          ? `The config write ${what} did not reach the camera: ${why}. The camera has ${has(values)}.`
          : `The config write ${what} was not confirmed: ${why}.`,
      linkCode(linkCause),
      applied === false && values
        ? 'The link is noisy: check the cable, then write the value again.'
        : 'The config is read again once the link is back, and the panel shows what the camera has.',
    );
  }
}

/** Whether the camera's values show every key of the patch. */
export const shows = (values: ConfigValues, patch: ConfigValues): boolean =>
  Object.entries(patch).every(([k, v]) => Object.hasOwn(values, k) && values[k] === v);

export interface ConfigWriteIo {
  /** The WRITE of the encoded patch; a refusal rejects with ConfigRejectedError. */
  send(): Promise<void>;
  /** The camera's values, read again after link faults; rejects when no read gets through. */
  readBack(): Promise<ConfigValues>;
}

/**
 * Send the patch and resolve with the camera's readback once it shows the write. A refusal rejects with
 * ConfigRejectedError (nothing applied); a link failure is decided by a read-back (see the top of the file);
 * when it cannot be decided, ConfigUnconfirmedError says what is known.
 */
export async function writeDecided(io: ConfigWriteIo, patch: ConfigValues): Promise<ConfigValues> {
  try {
    await io.send();
  } catch (err) {
    if (!isLinkFailure(err)) throw err;
    return recover(io, patch, err);
  }
  return confirm(io, patch);
}

/** The WRITE was ACKed: it is applied; the readback says with what values (a camera may clamp them). */
async function confirm(io: ConfigWriteIo, patch: ConfigValues): Promise<ConfigValues> {
  try {
    return await io.readBack();
  } catch (err) {
    if (!isLinkFailure(err)) throw err;
    throw new ConfigUnconfirmedError(patch, true, undefined, err);
  }
}

/** The WRITE's answer was lost to the link: read back; missing → sent once more (the idempotent retry). */
async function recover(io: ConfigWriteIo, patch: ConfigValues, cause: unknown): Promise<ConfigValues> {
  const back = await readOrUnknown(io, patch, cause);
  if (shows(back, patch)) return back;
  try {
    await io.send();
  } catch (err) {
    if (err instanceof ConfigRejectedError || !isLinkFailure(err)) throw err;
    const again = await readOrUnknown(io, patch, err);
    if (shows(again, patch)) return again;
    throw new ConfigUnconfirmedError(patch, false, again, err);
  }
  return confirm(io, patch);
}

async function readOrUnknown(io: ConfigWriteIo, patch: ConfigValues, cause: unknown): Promise<ConfigValues> {
  try {
    return await io.readBack();
  } catch (err) {
    if (!isLinkFailure(err)) throw err;
    throw new ConfigUnconfirmedError(patch, undefined, undefined, cause);
  }
}
