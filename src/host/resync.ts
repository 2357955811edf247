// Resync policy: while the link is out of step (not synced yet, a fault, a reboot) queued polls are
// dropped, user requests wait, and the resync handler (the connector's reestablish(): SYNC + caps,
// re-list) restores it.
import { PRIO } from './command-queue';
import type { CommandQueue, Pending } from './command-queue';
import { HostError } from './errors';

export class ResyncPolicy {
  /** Why the link must be resynced before the next command, or null when it is in step. */
  reason: string | null = 'not synced';
  /** The handler is restoring the link now. */
  running = false;
  private cause_: Error | null = null;
  private handler: (() => Promise<void>) | null = null;

  constructor(
    private readonly queue: CommandQueue,
    private readonly closed: () => boolean,
    /** Send the next queued request, if it may go. */
    private readonly pump: () => void,
  ) {}

  /** The error behind the pending resync (a fault of the exchange in flight), when there was one. */
  get cause(): Error | null {
    return this.reason === null ? null : this.cause_;
  }

  setHandler(handler: (() => Promise<void>) | null): void {
    this.handler = handler;
  }

  /**
   * The link is out of step. The first reason stands until the link is restored, unless `replace` (a
   * fault of the exchange in flight: its error is the cause the handler sees).
   */
  want(reason: string, cause: Error | null, replace = false): void {
    if (replace) this.reason = null;
    if (this.reason === null) {
      this.reason = reason;
      this.cause_ = cause;
      // Queued polls are stale after a fault; user commands survive and run after the resync.
      this.queue.purge((c) => c.prio === PRIO.poll, new HostError(`poll dropped: ${reason}`, 'purged'));
    }
    // Restore the link now, not at the next user command: events (frames) only flow on a synced link.
    if (this.handler && !this.queue.current) this.start();
  }

  /** Whether `next` must wait for the link to be restored (which this starts). */
  holds(next: Pending): boolean {
    if (this.reason === null || next.prio === PRIO.control || !this.handler) return false;
    this.start();
    return true;
  }

  /** A SYNC + SET_CAPS completed. Inside the handler, user requests wait until it is done (re-list, restore). */
  synced(): void {
    if (!this.running) this.reason = null;
  }

  private start(): void {
    if (this.running || !this.handler || this.closed()) return;
    this.running = true;
    const handler = this.handler;
    void handler()
      .then(() => {
        this.reason = null;
      })
      .catch((err: unknown) => {
        // The link could not be restored: fail what waits for it rather than let it hang.
        const e = err instanceof Error ? err : new Error(String(err));
        this.queue.purge((c) => c.prio !== PRIO.control, e);
      })
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }
}
