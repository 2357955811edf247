// Who may open the WebSocket: the token (always required, compared in constant time, a few wrong ones per second
// per remote address at most), our own origin with its scheme, and — when bound to loopback — a loopback Host
// header (DNS rebinding).
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Same-origin check for WebSocket upgrades, scheme included (the server speaks plain http, so an https:// page
 * is another origin); non-browser clients send no Origin and are allowed (they still need the token).
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    const o = new URL(origin);
    return o.protocol === 'http:' && o.host === new URL(`http://${req.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}

/**
 * DNS-rebinding guard for a loopback-bound server: a page on a hostile name that resolves to 127.0.0.1 would
 * pass the same-origin check, so the Host header itself must name the loopback interface.
 */
export function loopbackHostHeader(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return false;
  try {
    return isLoopback(new URL(`http://${host}`).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

/** Addresses remembered at most; idle (refilled) ones are forgotten first. */
const MAX_ADDRESSES = 4096;

/** Wrong-token attempts per remote address: a token bucket of `perSecond` (burst the same). */
export class AttemptLimiter {
  private readonly buckets = new Map<string, { left: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `address` may have a token compared now. */
  allowed(address: string): boolean {
    const b = this.buckets.get(address);
    return !b || this.refill(b) >= 1;
  }

  /** `address` gave a wrong token. */
  failed(address: string): void {
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size >= MAX_ADDRESSES) this.forgetIdle();
      b = { left: this.perSecond, at: this.now() };
      this.buckets.set(address, b);
    }
    b.left = this.refill(b) - 1;
  }

  private refill(b: { left: number; at: number }): number {
    const t = this.now();
    b.left = Math.min(this.perSecond, b.left + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    return b.left;
  }

  private forgetIdle(): void {
    for (const [addr, b] of this.buckets) if (this.refill(b) >= this.perSecond) this.buckets.delete(addr);
    // still full: forget the oldest (insertion order), the bound matters more than one address's history
    for (const addr of this.buckets.keys()) {
      if (this.buckets.size < MAX_ADDRESSES) break;
      this.buckets.delete(addr);
    }
  }
}
