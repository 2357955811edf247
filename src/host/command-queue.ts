// The command queue: stop-and-wait, one request in flight, the rest waiting in priority order
// (control > user > poll, duplicate polls merged), and one lazily re-armed timer for every deadline.
import { TimeoutError } from './errors';
import type { Reassembly } from './reassembly';

export type Priority = 'control' | 'user' | 'poll';
export const PRIO: Record<Priority, number> = { control: 0, user: 1, poll: 2 };

export interface RequestOptions {
  priority?: Priority;
  /** Poll-priority requests with the same key share one exchange while queued. */
  key?: string;
  /** Silence allowed before the reply (or between its fragments). Default: the client's timeoutMs. */
  timeoutMs?: number;
  /** Largest reply accepted; more is a hostile device (reassembly cap). */
  maxBytes?: number;
  /** Bytes the reply should carry (a READ's length): pre-sizes reassembly and sets the total deadline. */
  expectBytes?: number;
  /**
   * A packet of this reply arrives corrupted: 'resync' (default) abandons the exchange and resyncs at once;
   * 'await-rtx' waits for the camera's retransmission (its 500 ms timer) when ACKs are on. For reads that
   * consume what they read on the camera (stdout), where a resync would lose the rest of the data.
   */
  onCorrupt?: 'resync' | 'await-rtx';
}

/** What a request is, fixed when it is queued. */
export interface PendingInit {
  opcode: number;
  channel: number;
  payload: Uint8Array;
  prio: number;
  key?: string;
  timeoutMs: number;
  maxBytes: number;
  expectBytes: number;
  queueDeadline: number;
  isSync: boolean;
  onAccept?: () => void;
  /** On a corrupted packet of the reply, wait for the retransmission instead of resyncing. */
  awaitRtx: boolean;
}

/** A request from the queue to its reply. */
export interface Pending extends PendingInit, Reassembly {
  sentAt: number;
  idleDeadline: number;
  totalDeadline: number;
  /** Packets of an abandoned reply arrived while this request was out (the read() path's tail). */
  sawTail: boolean;
  /** Sent a second time after the device refused it unread (NAK SEQUENCE behind a tail). */
  resent: boolean;
  resolve: (body: Uint8Array) => void;
  reject: (err: Error) => void;
  promise: Promise<Uint8Array>;
}

export function createPending(init: PendingInit): Pending {
  let resolve!: (b: Uint8Array) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<Uint8Array>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    ...init,
    sentAt: 0,
    idleDeadline: Infinity,
    totalDeadline: Infinity,
    sawTail: false,
    resent: false,
    received: 0,
    resolve,
    reject,
    promise,
  };
}

export class CommandQueue {
  /** The request in flight: the firmware answers one command at a time. */
  current: Pending | null = null;
  private waiting: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly now: () => number,
    /** How long a request may wait (for the error of one that waited too long). */
    private readonly queueTimeoutMs: number,
    /** The request in flight passed its idle or total deadline. */
    private readonly onExpired: (cur: Pending, now: number) => void,
  ) {}

  /** Queued requests (not counting the one in flight). */
  get length(): number {
    return this.waiting.length;
  }

  /** A queued poll with this key: a duplicate shares its exchange. */
  findPoll(key: string): Pending | undefined {
    return this.waiting.find((c) => c.key === key && c.prio === PRIO.poll);
  }

  /** Stable priority insert: after every queued request of the same or a higher priority. */
  add(cmd: Pending): void {
    let i = this.waiting.length;
    while (i > 0 && this.waiting[i - 1]!.prio > cmd.prio) i--;
    this.waiting.splice(i, 0, cmd);
  }

  peek(): Pending | undefined {
    return this.waiting[0];
  }

  shift(): Pending | undefined {
    return this.waiting.shift();
  }

  /** `cur` is answered: nothing is in flight (unless another request went out meanwhile). */
  finish(cur: Pending): void {
    if (this.current === cur) this.current = null;
  }

  /** Take the request in flight off the link (a fault, a shutdown). */
  take(): Pending | null {
    const cur = this.current;
    this.current = null;
    return cur;
  }

  /** Reject and drop the queued requests that `match`. */
  purge(match: (c: Pending) => boolean, err: Error): void {
    const keep: Pending[] = [];
    for (const c of this.waiting) {
      if (match(c)) c.reject(err);
      else keep.push(c);
    }
    this.waiting = keep;
  }

  /** One lazily re-armed timer covers every deadline: no timer churn per command. */
  arm(): void {
    const d = this.nextDeadline();
    if (d === Infinity || this.stopped) return;
    if (this.timer && this.timerAt <= d) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = d;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, d - this.now()) + 1);
  }

  /** The link is gone: no more deadlines. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private nextDeadline(): number {
    let d = Infinity;
    if (this.current) d = Math.min(this.current.idleDeadline, this.current.totalDeadline);
    for (const c of this.waiting) if (c.queueDeadline < d) d = c.queueDeadline;
    return d;
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.now();
    const cur = this.current;
    if (cur && now >= Math.min(cur.idleDeadline, cur.totalDeadline)) this.onExpired(cur, now);
    const expired = this.waiting.filter((c) => now >= c.queueDeadline);
    if (expired.length) {
      this.purge(
        (c) => expired.includes(c),
        new TimeoutError('request waited in the queue', this.queueTimeoutMs),
      );
    }
    this.arm();
  }
}
