// Exit codes a script can rely on (documented in the README).
export const EXIT = {
  OK: 0,
  /** The command failed: device error, timeout, I/O error. */
  FAILURE: 1,
  /** Bad arguments. */
  USAGE: 2,
  /** No camera / port not found. */
  NOT_FOUND: 3,
  /** Permission denied opening the port. */
  PERMISSION: 4,
} as const;
