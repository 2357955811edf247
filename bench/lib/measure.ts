// Small timing helpers shared by the benchmarks: repeat a workload, report MB/s per repetition.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Throughput {
  /** MB/s (10^6 bytes per second) of each repetition, in run order. */
  runs: number[];
  median: number;
  best: number;
}

/**
 * Time `work` (which processes `bytes` bytes per call) `reps` times after `warmup` untimed calls,
 * so the JIT has settled before anything is measured.
 */
export function throughput(bytes: number, work: () => void, reps = 7, warmup = 3): Throughput {
  for (let i = 0; i < warmup; i++) work();
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    work();
    const ns = Number(process.hrtime.bigint() - t0);
    runs.push(bytes / 1e6 / (ns / 1e9));
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { runs, median: sorted[Math.floor(sorted.length / 2)]!, best: sorted[sorted.length - 1]! };
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Where the numbers came from, for the results file. */
export function machine(): {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  idle?: string;
} {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    idle: idleState(),
  };
}

/**
 * How this machine's idle CPUs sleep (Linux): a VM guest that halts at once, with no halt polling, wakes
 * slowly and every pty round trip pays for it. Undefined where /sys does not tell.
 */
export function idleState(): string | undefined {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const driver = read('/sys/devices/system/cpu/cpuidle/current_driver');
  if (!driver) return undefined;
  const poll = read('/sys/module/haltpoll/parameters/guest_halt_poll_ns');
  return poll === undefined ? `cpuidle ${driver}` : `cpuidle ${driver}, guest_halt_poll_ns ${poll}`;
}

/** Print rows as an aligned text table. */
export function printTable(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const [n, r] of cells.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
