// The failures a person can see, one name each. A code is stable and machine-readable: the CLI's exit codes,
// the page's data-code and the tests switch on it; the words shown for it are said where it is classified.

/** The camera's NAK statuses as codes. BUSY is not among them: it is `busy`, a "try later", not a refusal. */
export const NAK_CODES = [
  'nak-failed',
  'nak-invalid',
  'nak-timeout',
  'nak-checksum',
  'nak-sequence',
  'nak-overflow',
  'nak-fragment',
  'nak-unknown',
] as const;

export const ERROR_CODES = [
  // the link to the camera (src/host)
  'timeout',
  'no-answer',
  'disconnected',
  'sequence',
  'checksum',
  'reboot',
  'busy',
  'bad-response',
  'purged',
  // the state notices while the link is being restored (shown like an error, not one)
  'resyncing',
  'reconnecting',
  ...NAK_CODES,
  // opening a serial port or a socket
  'port-permission',
  'port-not-found',
  'port-busy',
  'port-open',
  'connection-refused',
  'host-not-found',
  'host-unreachable',
  'connect-timeout',
  'bad-target',
  'network-off',
  // another camdeck serve that publishes a camera (camdeck://host:port/<id>)
  'remote-refused',
  'remote-unreachable',
  // channels and the config channel
  'channel-not-found',
  'write-refused',
  'config-rejected',
  'config-invalid',
  'config-too-large',
  // the service
  'closed',
  'not-connected',
  'no-camera',
  'no-config',
  'no-frame',
  'snapshot-format',
  'snapshot-failed',
  'snapshot-rate',
  'snapshot-budget',
  'bad-request',
  'internal',
  // the carriers between the page and the service
  'bad-message',
  'wire',
  'server-lost',
  'request-failed',
  // what the page finds by itself (snapshot-saved: an info toast in the same shape)
  'ui-error',
  'frame-decode',
  'frames-failed',
  'ports-failed',
  'connect-failed',
  'disconnect-failed',
  'state-failed',
  'streaming-failed',
  'config-read-failed',
  'snapshot-saved',
] as const;

export type NakCode = (typeof NAK_CODES)[number];
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** For codes that arrive as text (a wire message, a foreign error's `code` field). */
export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && CODES.has(v);
}

/** Every failure the UI sees: a stable code, the cause as a sentence, and what to do about it. */
export interface AppError {
  code: ErrorCode;
  message: string;
  /** What the user can do about it, when we know. */
  hint?: string;
  /** ms since the epoch */
  at: number;
}
