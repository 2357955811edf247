// What the server may hold for clients that do not read: each connection's queue has a budget, and all of them
// together a total. Frames never grow a queue (FrameSender keeps one, newest wins); control messages (replies,
// events) are kept — dropping one would leave the page out of step — so a client that stays over its budget is
// closed instead, and the page reconnects and re-reads its state.

export interface QueueLimits {
  /** Bytes one connection may have queued (frames in flight included) and still count as keeping up. */
  connectionBytes: number;
  /** A connection over its budget that made no progress for this long is closed. */
  overBudgetMs: number;
  /** A connection with this much queued is closed before anything more is queued (above one maximal reply). */
  connectionHardBytes: number;
  /** Bytes queued across all connections; past it the connection with the most queued is closed. */
  totalBytes: number;
}

/** One connection's queue as the budget sees it. */
export interface BudgetedQueue {
  /** Bytes queued on the socket now. */
  queued(): number;
  /** Close the connection (it stopped reading); `why` is a sentence. */
  drop(why: string): void;
}

export interface BudgetMember {
  /** Before queueing a control message: false when the connection was closed for being over budget. */
  admit(): boolean;
  /** After queueing: start the over-budget clock, enforce the total. */
  queuedMore(): void;
  leave(): void;
}

interface Watch {
  timer: ReturnType<typeof setTimeout> | null;
  /** Bytes queued when the clock last looked: less now means the client is reading. */
  seen: number;
}

const MiB = 1024 * 1024;

export class SendBudget {
  private readonly members = new Map<BudgetedQueue, Watch>();

  constructor(private readonly limits: QueueLimits) {}

  /** Total bytes queued across every connection. */
  total(): number {
    let sum = 0;
    for (const q of this.members.keys()) sum += q.queued();
    return sum;
  }

  join(q: BudgetedQueue): BudgetMember {
    const watch: Watch = { timer: null, seen: 0 };
    this.members.set(q, watch);
    return {
      admit: () => {
        if (!this.members.has(q)) return false;
        if (q.queued() <= this.limits.connectionHardBytes) return true;
        this.drop(q, `it left more than ${mib(this.limits.connectionHardBytes)} unread`);
        return false;
      },
      queuedMore: () => {
        if (!this.members.has(q)) return;
        if (q.queued() > this.limits.connectionBytes && !watch.timer) this.startClock(q, watch);
        this.enforceTotal();
      },
      leave: () => this.forget(q),
    };
  }

  private startClock(q: BudgetedQueue, watch: Watch): void {
    watch.seen = q.queued();
    watch.timer = setTimeout(() => {
      watch.timer = null;
      const now = q.queued();
      if (now <= this.limits.connectionBytes) return;
      if (now >= watch.seen)
        return this.drop(
          q,
          `it kept more than ${mib(this.limits.connectionBytes)} unread for ${this.limits.overBudgetMs} ms`,
        );
      this.startClock(q, watch); // draining, just slowly: look again
    }, this.limits.overBudgetMs);
    watch.timer.unref?.();
  }

  private enforceTotal(): void {
    let sum = this.total();
    while (sum > this.limits.totalBytes) {
      let worst: BudgetedQueue | null = null;
      for (const q of this.members.keys()) if (!worst || q.queued() > worst.queued()) worst = q;
      if (!worst) return;
      sum -= worst.queued();
      this.drop(worst, `all clients together left more than ${mib(this.limits.totalBytes)} unread`);
    }
  }

  private drop(q: BudgetedQueue, why: string): void {
    this.forget(q);
    q.drop(why);
  }

  private forget(q: BudgetedQueue): void {
    const watch = this.members.get(q);
    if (watch?.timer) clearTimeout(watch.timer);
    this.members.delete(q);
  }
}

function mib(bytes: number): string {
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}
