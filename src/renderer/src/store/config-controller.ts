// Drives config-writer's transitions against the real writeConfig call: one write in flight, the next one
// (the coalesced latest values) starts when it settles. A failure whose code says nothing was applied (the
// camera refused, no camera, the link never came back in time) restores the confirmed values; any other (the
// link failed under the write) shows what the camera has: the values read since it went out, or else the
// next snapshot the service pushes.
import type {
  AppError,
  ConfigSnapshot,
  ConfigValue,
  ConfigValues,
  ErrorCode,
} from '../../../shared/contract';
import { toAppError } from '../api';
import * as cw from './config-writer';

/** Failures after which the camera surely has what it had: the write was refused or never sent. */
const NOTHING_APPLIED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'config-rejected',
  'write-refused',
  'busy',
  'nak-failed',
  'nak-invalid',
  'not-connected',
  'no-config',
  'closed',
  'bad-request',
  'bad-message',
  'resyncing',
  'reconnecting',
]);

export interface ConfigControllerDeps {
  get(): cw.ConfigState;
  set(s: cw.ConfigState): void;
  write(patch: ConfigValues): Promise<ConfigSnapshot>;
  /** `title` says what failed ("Writing quality=10 failed"), the message why. */
  onError(err: AppError & { title: string }, patch: ConfigValues): void;
}

export interface ConfigController {
  edit(key: string, value: ConfigValue): void;
  setDragging(key: string, dragging: boolean): void;
  /** Resolves when nothing is in flight or queued (for tests and orderly shutdown). */
  idle(): Promise<void>;
}

export function createConfigController(deps: ConfigControllerDeps): ConfigController {
  let running: Promise<void> | null = null;

  function pump(): void {
    if (running) return;
    const { state, patch } = cw.takeNext(deps.get());
    deps.set(state);
    if (!patch) return;
    const sentAt = state.version;
    running = deps.write(patch).then(
      (snap) => {
        running = null;
        deps.set(cw.writeSucceeded(deps.get(), snap));
        pump();
      },
      (err: unknown) => {
        running = null;
        const e = toAppError(err, 'config-rejected');
        const refused = NOTHING_APPLIED.has(e.code);
        // a snapshot since the write went out (the service pushes what it re-read) is what the camera has
        deps.set(cw.writeFailed(deps.get(), refused || deps.get().version !== sentAt));
        const keys = Object.entries(patch)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ');
        const title = refused ? `Writing ${keys} failed` : `Writing ${keys} was not confirmed`;
        deps.onError({ ...e, title }, patch);
        pump();
      },
    );
  }

  return {
    edit(key, value) {
      deps.set(cw.edit(deps.get(), key, value));
      pump();
    },
    setDragging(key, dragging) {
      deps.set(cw.setDragging(deps.get(), key, dragging));
    },
    async idle() {
      while (running) await running;
    },
  };
}
