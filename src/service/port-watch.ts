// Hot-plug: the port list polled about once a second, pushed only when it changes. Linux enumerates a USB
// camera in steps (the port appears, vanishes and reappears within a second or two), so a port that goes
// away is kept in the list until it has stayed away for `settleMs`: a new port shows at once, a flicker is
// no change at all, a port really unplugged goes a couple of seconds later.
import type { PortInfo } from '../model';

export interface PortWatchOptions {
  /** The port list now (serial ports, extra ports, demo cameras: listPorts()). */
  list: () => Promise<PortInfo[]>;
  /** Called with the new list when it changed. */
  changed: (ports: PortInfo[]) => void;
  /** Poll interval; default 1000 ms. */
  intervalMs?: number;
  /** How long a port must stay away before it leaves the list; default 2000 ms. */
  settleMs?: number;
  /** Seams for tests: the clock and the timer. */
  now?: () => number;
  every?: (ms: number, fn: () => void) => () => void;
}

const realEvery = (ms: number, fn: () => void): (() => void) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

export class PortWatch {
  /** The list as last pushed (or first seen). */
  private shown: PortInfo[] | null = null;
  /** Ports of `shown` missing from the listing, since when. */
  private readonly missingSince = new Map<string, number>();
  private stopTimer: (() => void) | null = null;
  private polling = false;
  private readonly now: () => number;

  constructor(private readonly opts: PortWatchOptions) {
    this.now = opts.now ?? Date.now;
  }

  get running(): boolean {
    return this.stopTimer !== null;
  }

  start(): void {
    if (this.stopTimer) return;
    this.stopTimer = (this.opts.every ?? realEvery)(this.opts.intervalMs ?? 1000, () => void this.poll());
    void this.poll();
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** One look at the ports (the timer's; tests call it directly). The first look is the baseline, not pushed. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const listed = await this.opts.list();
      const next = this.merge(listed);
      if (this.shown && !samePorts(this.shown, next)) this.opts.changed(next);
      this.shown = next;
    } catch {
      // a failed listing is no change; the next poll looks again
    } finally {
      this.polling = false;
    }
  }

  /** The listing, plus the shown ports that have been away for less than settleMs (in their old place). */
  private merge(listed: PortInfo[]): PortInfo[] {
    const now = this.now();
    const present = new Set(listed.map((p) => p.target));
    for (const t of [...this.missingSince.keys()]) if (present.has(t)) this.missingSince.delete(t);
    const kept: PortInfo[] = [];
    for (const p of this.shown ?? []) {
      if (present.has(p.target)) continue;
      const since = this.missingSince.get(p.target) ?? now;
      if (now - since < (this.opts.settleMs ?? 2000)) {
        this.missingSince.set(p.target, since);
        kept.push(p);
      } else this.missingSince.delete(p.target);
    }
    return [...listed, ...kept];
  }
}

const key = (ports: PortInfo[]): string =>
  JSON.stringify(
    [...ports]
      .sort((a, b) => a.target.localeCompare(b.target))
      .map((p) => [p.target, p.serialNumber ?? '', p.board ?? '', p.isCamera]),
  );

function samePorts(a: PortInfo[], b: PortInfo[]): boolean {
  return key(a) === key(b);
}
