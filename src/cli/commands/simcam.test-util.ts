// Helpers of the `camdeck simcam` process tests: its stdout as lines, a wait for a condition, and a host's end of a pty.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import tty from 'node:tty';

/** The child's stdout lines, one per call; a line that does not come within `ms` fails the test. */
export function lines(child: ChildProcessWithoutNullStreams, ms = 15_000): () => Promise<string> {
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const l = queue.shift();
      if (l !== undefined) return resolve(l);
      const t = setTimeout(() => reject(new Error(`no line from simcam within ${ms / 1000} s`)), ms);
      waiters.push((x) => {
        clearTimeout(t);
        resolve(x);
      });
    });
}

export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Open a pty's host end raw, as a serial port would be. */
export function openPty(path: string): { input: tty.ReadStream; output: tty.WriteStream } {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  const input = new tty.ReadStream(fd);
  input.setRawMode(true);
  return { input, output: new tty.WriteStream(fd) };
}
