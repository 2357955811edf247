// The benchmarks' child processes: `camdeck` commands in their own process groups, their output collected line
// by line, and every group killed when the benchmark exits (a benchmark never leaves a camera or server behind).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const children: ChildProcess[] = [];

export function kill(c: ChildProcess): void {
  try {
    if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
  } catch {
    // gone
  }
}

export function killAll(): void {
  for (const c of children) kill(c);
}
process.on('exit', killAll);
process.on('SIGINT', () => process.exit(130));

/** Kill this process with the others when the benchmark ends (e.g. a CPU hog it started itself). */
export function track(c: ChildProcess): ChildProcess {
  children.push(c);
  return c;
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout, then stderr chunks as they came). */
  lines(): readonly string[];
  /** The first stdout line from now on matching `re`; rejects after `ms` with the output so far. */
  line(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Every line matching `re` (already printed or to come), once there are `count`; rejects after `ms`. */
  matching(re: RegExp, count: number, ms: number): Promise<RegExpMatchArray[]>;
}

/** `node <cli> ...argv` in `cwd`, in its own process group. */
export function startCli(cli: string, cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = track(
    spawn(process.execPath, [cli, ...argv], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    }),
  );
  const lines: string[] = [];
  const waiters: Array<[RegExp, (m: RegExpMatchArray) => void]> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      const m = l.match(w[0]);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w[1](m);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(d.toString()));
  const timedOut = (what: string, ms: number) =>
    new Error(`no ${what} within ${ms} ms:\n${lines.join('\n')}`);
  return {
    child,
    lines: () => lines,
    line: (re, ms) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(timedOut(`line ${re}`, ms)), ms);
        waiters.push([re, (m) => (clearTimeout(t), resolve(m))]);
      }),
    async matching(re, count, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = lines.map((l) => l.match(re)).filter((m): m is RegExpMatchArray => m !== null);
        if (got.length >= count) return got;
        if (Date.now() > deadline) throw timedOut(`${count} lines ${re}`, ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
