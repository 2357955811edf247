// What a command printed in a test: console.log lines (stdout) and console.error lines (stderr).
import { afterEach, beforeEach, vi } from 'vitest';

export interface ConsoleLines {
  out: string[];
  err: string[];
}

/**
 * Capture console.log and console.error for each test of the calling file. The arrays stay the same
 * objects (emptied before each test), so a file can destructure them once.
 */
export function captureConsole(): ConsoleLines {
  const lines: ConsoleLines = { out: [], err: [] };
  beforeEach(() => {
    lines.out.length = 0;
    lines.err.length = 0;
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.err.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  return lines;
}
