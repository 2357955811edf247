// Drives config-writer's transitions against the real writeConfig call: one write in flight, the next one
// (the coalesced latest values) starts when it settles.
import type { AppError, ConfigSnapshot, ConfigValue, ConfigValues } from '../../../shared/contract';
import { toAppError } from '../api';
import * as cw from './config-writer';

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
    running = deps.write(patch).then(
      (snap) => {
        running = null;
        deps.set(cw.writeSucceeded(deps.get(), snap));
        pump();
      },
      (err: unknown) => {
        running = null;
        deps.set(cw.writeFailed(deps.get()));
        const keys = Object.entries(patch)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ');
        deps.onError({ ...toAppError(err, 'config-rejected'), title: `Writing ${keys} failed` }, patch);
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
