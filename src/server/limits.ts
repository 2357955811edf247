// The browser host's bounds, in one place (README "Browser-host mode" states them). Together they bound what the
// server holds for its clients: queues (SendBudget), requests being received (maxRequestBytes per connection) and
// awaiting replies (maxRequestsInFlight), and connections.
import type { QueueLimits } from './send-budget';

const MiB = 1024 * 1024;

export interface ServerLimits {
  /** WebSocket connections at once; the next upgrade is refused with 503. */
  maxConnections: number;
  /** Largest message a client may send (a request is small: a config patch, a channel write). */
  maxRequestBytes: number;
  /** Requests of one connection awaiting replies; past it that socket is not read until one is answered. */
  maxRequestsInFlight: number;
  queue: QueueLimits;
  /** Wrong tokens accepted per second from one remote address (also the burst); then 429 without comparing. */
  tokenAttemptsPerSecond: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 32,
  maxRequestBytes: 1 * MiB,
  maxRequestsInFlight: 16,
  queue: {
    connectionBytes: 2 * MiB,
    overBudgetMs: 2000,
    // one maximal channel read (16 MiB, as base64 JSON ≈ 21.4 MiB) must fit behind a reading client
    connectionHardBytes: 24 * MiB,
    totalBytes: 32 * MiB,
  },
  tokenAttemptsPerSecond: 3,
};

export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  return { ...DEFAULT_LIMITS, ...given, queue: { ...DEFAULT_LIMITS.queue, ...given.queue } };
}

/** The close reason a client gets for a message over maxRequestBytes (a WebSocket close reason: ≤ 123 bytes). */
export function tooLargeReason(maxRequestBytes: number): string {
  const size = maxRequestBytes >= MiB ? `${maxRequestBytes / MiB} MiB` : `${maxRequestBytes} bytes`;
  return `A request over ${size} was refused; send a smaller config patch or channel write.`;
}
