// What a page sees of connecting a network target, until a camera answers: the states and the error must not
// tell a closed port from an open one that is not a camera (or an unknown host from a silent one). Until a
// camera answers SYNC the page sees only "connecting" and, on failure, networkFailure()'s one sentence. What
// stays is timing (a closed port fails at once); network targets are off unless the server allows them.
import type { Transport } from '../host';
import type { ConnectionState } from '../model';
import type { ServiceError } from './errors';
import { networkFailure, targetKind } from './targets';

/** The session's first state of a connect: the transport is being opened. */
const isOpening = (s: ConnectionState): boolean => s.kind === 'connecting' && s.step === 'open';

/** One connect() of a network target. */
export interface MaskedConnect {
  readonly target: string;
  /** Its transport opened: a state from here on would tell that something listens there. */
  opened: boolean;
  /** A camera answered SYNC: from here on there is nothing to hide. */
  answered: boolean;
}

export class ConnectMask {
  /** The network connect under way (the latest connect() call), or null: nothing is masked. */
  private now: MaskedConnect | null = null;
  /** The last state masked, and what was shown for it (getState() answers the same). */
  private raw: ConnectionState | null = null;
  private shown: ConnectionState | null = null;

  /** A connect to `target` starts (after any switching disconnect); null: not a network target. */
  begin(target: string): MaskedConnect | null {
    return (this.now = targetKind(target) === 'network' ? { target, opened: false, answered: false } : null);
  }

  /** `c` settled (a later connect() may be under way), or (no `c`) an explicit disconnect cut it short. */
  end(c?: MaskedConnect | null): void {
    if (!c || c === this.now) this.now = null;
  }

  /** The state to show for the session's `s`; null: show nothing (the page saw 'connecting' already). */
  show(s: ConnectionState): ConnectionState | null {
    const c = this.now;
    if (!c || c.answered) return s;
    if (s.kind === 'disconnected') {
      // before the transport opened, the reason is a refusal or already networkFailure() (open())
      if (!c.opened) return s;
      return this.masked(s, { kind: 'disconnected', reason: networkFailure(c.target).message });
    }
    if (!c.opened && isOpening(s)) return s;
    if (s.kind === 'connected' || (s.kind === 'connecting' && !s.step.startsWith('sync') && !isOpening(s))) {
      c.answered = true; // past SYNC: a camera is there
      return s;
    }
    // SYNC attempts, or a reconnect that the link closing mid-connect started: all still "opening"
    c.opened = true;
    this.masked(s, { kind: 'connecting', target: c.target, step: 'open', progress: 0 });
    return null;
  }

  private masked(raw: ConnectionState, shown: ConnectionState): ConnectionState {
    this.raw = raw;
    this.shown = shown;
    return shown;
  }

  /** The session's current state as the page was shown it. */
  current(s: ConnectionState): ConnectionState {
    return s === this.raw && this.shown ? this.shown : s;
  }

  /** Open a transport; a network target's failure to open is said in the one sentence too. */
  async open(target: string, open: () => Promise<Transport>): Promise<Transport> {
    try {
      return await open();
    } catch (err) {
      throw targetKind(target) === 'network' ? networkFailure(target) : err;
    }
  }

  /** The error connect `c` rejects with: before a camera answered, one sentence (a refusal stays itself). */
  error(c: MaskedConnect | null, err: ServiceError): ServiceError {
    if (!c || c.answered || err.code === 'network-off' || err.code === 'closed') return err;
    return networkFailure(c.target);
  }
}
