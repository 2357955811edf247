// Time source of the simulated device. Injectable so tests can drive RTX and lock timing with fake timers.

export interface Clock {
  /** Milliseconds on a monotonic scale (the firmware's ticks_ms; only differences matter). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Device timers must never keep a CLI or test process alive on their own.
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
