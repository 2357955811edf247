// Reassembly of a reply's packets into one payload under a size cap, and the memory of exchanges we
// abandoned, whose late packets are not replies to anything.
import { concatBytes } from '../protocol';

/** A reply as it is reassembled (the fields of a pending request). */
export interface Reassembly {
  /** Largest reply accepted; more is a hostile device. */
  maxBytes: number;
  /** Bytes the reply should carry (a READ's length), 0 when unknown: pre-sizes `buf`. */
  expectBytes: number;
  buf?: Uint8Array;
  parts?: Uint8Array[];
  received: number;
}

/** Add one packet's payload; false (nothing added) when the reply would outgrow its cap. */
export function appendPayload(r: Reassembly, payload: Uint8Array): boolean {
  const total = r.received + payload.length;
  if (total > r.maxBytes) return false;
  if (payload.length === 0) return true;
  if (r.received === 0 && !(r.expectBytes > 0) && !r.parts) {
    // Single-packet replies (the common case) need no copy.
    r.parts = [payload];
  } else if (r.expectBytes > 0 && r.expectBytes <= r.maxBytes && total <= r.expectBytes) {
    r.buf ??= new Uint8Array(r.expectBytes);
    r.buf.set(payload, r.received);
  } else {
    if (r.buf) {
      r.parts = [r.buf.subarray(0, r.received)];
      r.buf = undefined;
    }
    (r.parts ??= []).push(payload);
  }
  r.received = total;
  return true;
}

/** The whole reply, once its last packet (payload `last`) is appended. */
export function replyBody(r: Reassembly, last: Uint8Array): Uint8Array {
  if (r.buf) return r.received === r.buf.length ? r.buf : r.buf.subarray(0, r.received);
  if (r.parts) return concatBytes(r.parts, r.received);
  return last;
}

/** An exchange as the device's packets name it. */
export interface Exchange {
  opcode: number;
  channel: number;
}

/** Abandoned exchanges remembered at once (a fault during the resync adds its own). */
const MAX_STALE = 4;

/**
 * Exchanges we gave up on. Before our SYNC is answered their late packets are void; after it, the
 * firmware's read() path (stdout, Python read() channels) keeps sending the remaining pieces with fresh
 * sequence numbers, so the host must ACK and count them until the device answers something newer.
 */
export class StaleReplies {
  private list: Exchange[] = [];
  private afterSync_ = false;

  /** The SYNC ACK came after the stale exchanges were abandoned: the device now counts from 0 again. */
  get afterSync(): boolean {
    return this.afterSync_;
  }

  /** A packet of an exchange we abandoned (and not of the request in flight, when it is the same kind). */
  has(p: Exchange, cur: Exchange | null): boolean {
    if (!this.list.length) return false;
    if (cur && cur.opcode === p.opcode && cur.channel === p.channel) return false;
    return this.list.some((s) => s.opcode === p.opcode && s.channel === p.channel);
  }

  /** `x` was abandoned: its reply may still be on its way, and must not pass for anything else. */
  abandon(x: Exchange): void {
    if (!this.has(x, null)) this.list.push({ opcode: x.opcode, channel: x.channel });
    if (this.list.length > MAX_STALE) this.list.shift();
    this.afterSync_ = false;
  }

  /** The SYNC ACK arrived. */
  synced(): void {
    this.afterSync_ = this.list.length > 0;
  }

  /** The device answered a request sent after the SYNC: whatever it still owed an abandoned reply is done. */
  settled(): void {
    if (this.afterSync_) {
      this.list = [];
      this.afterSync_ = false;
    }
  }
}
