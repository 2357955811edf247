// Waiting for the camera's link while it comes back by itself (a resync, a brief reconnect, a connect in
// progress): a config request issued then waits for it, within a deadline, instead of failing at once.
import type { ConnectionKind, ConnectionState } from '../model';
import { ServiceError } from './errors';

/** How long a config request waits for the link to come back before it gives up. */
export const LINK_WAIT_MS = 4000;

/** States the session leaves by itself, towards connected (or disconnected if it gives up). */
const COMING_BACK: ReadonlySet<ConnectionKind> = new Set(['resyncing', 'reconnecting', 'connecting']);

/** What is read of the session: its state now and its changes. */
export interface SessionState {
  readonly state: ConnectionState;
  on(name: 'state', listener: (s: ConnectionState) => void): () => void;
}

/**
 * Resolves at once unless the link is coming back; then when the session is connected again, or has given
 * up (disconnected: the caller's not-connected check says so). Rejects after `ms` with the state's code;
 * `what` names the request in that message ("the config write").
 */
export function untilLinkBack(session: SessionState, what: string, ms = LINK_WAIT_MS): Promise<void> {
  if (!COMING_BACK.has(session.state.kind)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      off();
    };
    const timer = setTimeout(() => {
      done();
      const kind = session.state.kind;
      reject(
        new ServiceError(
          kind === 'reconnecting' ? 'reconnecting' : 'resyncing',
          kind === 'reconnecting'
            ? `The camera went away and is not back after ${ms / 1000} s, so ${what} was not sent.`
            : `The link to the camera is still being restored after ${ms / 1000} s, so ${what} was not sent.`,
          'Wait until the camera shows connected, then try again.',
        ),
      );
    }, ms);
    const off = session.on('state', (s) => {
      if (COMING_BACK.has(s.kind)) return;
      done();
      resolve();
    });
  });
}
