// Typed errors of the host side. Each carries a stable `code` (one of the model's ErrorCodes) a UI or a script
// switches on; the facts a sentence needs (a channel name, a status) ride beside it, not inside the text.
import type { ErrorCode, NakCode } from '../model';
import { NAK_CODES } from '../model';
import { OPCODE_NAMES, STATUS_NAMES, Status } from '../protocol';

export class HostError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const NAKS: ReadonlySet<string> = new Set(NAK_CODES);

/** A NAK status as its code; a status this host does not know (or SUCCESS in a NAK) is nak-unknown. */
function nakCode(statusName: string): NakCode {
  const code = `nak-${statusName.toLowerCase()}`;
  return NAKS.has(code) ? (code as NakCode) : 'nak-unknown';
}

/** The device answered NAK. `statusName` is the firmware's status (FAILED, INVALID, BUSY, …). */
export class ProtocolError extends HostError {
  readonly statusName: string;
  constructor(
    readonly status: number,
    readonly opcode: number,
    readonly channel: number,
  ) {
    const statusName = STATUS_NAMES[status] ?? `STATUS_${status}`;
    super(
      `${OPCODE_NAMES[opcode] ?? `opcode 0x${opcode.toString(16)}`} on channel ${channel} failed: ${statusName}`,
      status === Status.BUSY ? 'busy' : nakCode(statusName),
    );
    this.statusName = statusName;
  }
  /** BUSY is a "try later", not a failure of the link. */
  get busy(): boolean {
    return this.status === Status.BUSY;
  }
}

/** A request got no complete answer before its deadline. */
export class TimeoutError extends HostError {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${Math.round(ms)} ms`, 'timeout');
  }
}

/** The device's sequence counter and ours disagree: the link needs a resync. */
export class SequenceError extends HostError {
  constructor(expected: number, got: number) {
    super(`sequence mismatch: expected ${expected}, device sent ${got}`, 'sequence');
  }
}

/**
 * A packet of the reply failed its CRC (or was oversize): the exchange was abandoned at once and the link
 * resyncs. Idempotent requests are retried after the resync; a WRITE is decided by a read-back.
 */
export class ChecksumError extends HostError {
  constructor(what: string) {
    super(
      `${what}: a reply packet failed its CRC; the exchange was abandoned and the link resyncs`,
      'checksum',
      'A noisy link: check the cable. Reads are retried by themselves.',
    );
  }
}

/**
 * The camera announced a reboot (SOFT_REBOOT) while this request was in flight: the soft reset clears its
 * RX buffer, so no answer is coming. Failed at once instead of waiting out the deadline; the link resyncs
 * and idempotent requests are retried.
 */
export class RebootError extends HostError {
  constructor(what: string) {
    super(`${what}: the camera rebooted before answering`, 'reboot');
  }
}

/** The device sent something we cannot accept (oversize response, wrong opcode, bad payload). */
export class DeviceResponseError extends HostError {
  constructor(message: string) {
    super(message, 'bad-response');
  }
}

/** The reason a link gives when nothing says why it closed. */
export const LINK_CLOSED = 'link closed';

/** The link went away or was closed. */
export class DisconnectedError extends HostError {
  constructor(reason = LINK_CLOSED) {
    super(reason, 'disconnected');
  }
}

/**
 * The camera did not answer SYNC: at connect (`phase` 'connect'), or it stopped answering after it had and
 * every resync failed ('resync').
 */
export class NoAnswerError extends HostError {
  constructor(
    message: string,
    readonly phase: 'connect' | 'resync',
    hint?: string,
  ) {
    super(message, 'no-answer', hint);
  }
}

/** Why opening a port failed: serial first, then TCP/UDP. */
export type PortOpenCode = Extract<
  ErrorCode,
  | 'port-permission'
  | 'port-not-found'
  | 'port-busy'
  | 'port-open'
  | 'connection-refused'
  | 'host-not-found'
  | 'host-unreachable'
  | 'connect-timeout'
>;

/** Opening a port failed; `code` tells why. */
export class PortOpenError extends HostError {
  constructor(message: string, code: PortOpenCode, hint?: string) {
    super(message, code, hint);
  }
}

/** A target string we cannot use (unknown scheme like `foo://x`, bad port number, empty): the caller's mistake. */
export class BadTargetError extends HostError {
  constructor(message: string) {
    super(
      message,
      'bad-target',
      'Use a serial path (/dev/ttyACM0, COM3), udp://host:port or tcp://host:port.',
    );
  }
}

/** `channel`: the name (or id) asked for; `known`: the channels the camera has. */
export class ChannelNotFoundError extends HostError {
  readonly channel: string;
  constructor(
    name: string | number,
    readonly known: readonly string[],
  ) {
    super(`no channel "${name}" (camera has: ${known.join(', ') || 'none'})`, 'channel-not-found');
    this.channel = String(name);
  }
}

/** The camera refused a channel write (NAK other than BUSY). `reason`: what it printed on stdout, if anything. */
export class WriteRefusedError extends HostError {
  constructor(
    message: string,
    readonly statusName: string,
    readonly reason?: string,
    code: 'write-refused' | 'config-rejected' = 'write-refused',
  ) {
    super(
      message,
      code,
      reason
        ? 'Nothing was applied; fix what was sent and write again.'
        : 'Nothing was applied; the camera script gave no reason, so check what the channel accepts.',
    );
  }
}

/** The camera refused a config write (NAK). Nothing was applied. `reason`: what it printed on stdout. */
export class ConfigRejectedError extends WriteRefusedError {
  constructor(message: string, statusName: string, reason?: string) {
    super(message, statusName, reason, 'config-rejected');
  }
}

/** The config channel returned something that is not a JSON object (the class keeps its name; the code is the one users see). */
export class ConfigFormatError extends HostError {
  constructor(message: string) {
    super(message, 'config-invalid');
  }
}

/** Errors after which the link state is unknown: resync before the next command. */
export function needsResync(err: unknown): boolean {
  if (
    err instanceof TimeoutError ||
    err instanceof RebootError ||
    err instanceof SequenceError ||
    err instanceof ChecksumError ||
    err instanceof DeviceResponseError
  ) {
    return true;
  }
  return (
    err instanceof ProtocolError &&
    (err.status === Status.CHECKSUM || err.status === Status.SEQUENCE || err.status === Status.OVERFLOW)
  );
}
