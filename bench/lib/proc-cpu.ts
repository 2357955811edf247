// CPU time of processes and their threads from /proc (Linux): utime + stime, in ms. The app benchmark reads it
// before and after a run for the camera, the server and every Chromium process, and splits Chromium's renderer
// by thread (main, the decode worker, the image-decode pool, the compositor).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** utime + stime of a /proc stat line (fields 14 and 15; the name in parentheses may hold spaces). */
function cpuMsOfStat(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
}

function ppidOf(pid: number): number | null {
  const s = read(`/proc/${pid}/stat`);
  return s ? Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) : null;
}

/** Every live descendant of `root` (not itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const pp = ppidOf(pid);
    if (pp === null) continue;
    children.set(pp, [...(children.get(pp) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

export function cmdline(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
}

/** CPU ms per thread name of one process (threads of one name summed: a pool counts as one). */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = read(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    out.set(name, (out.get(name) ?? 0) + cpuMsOfStat(stat));
  }
  return out;
}

export function processCpuMs(pid: number): number {
  const s = read(`/proc/${pid}/stat`);
  return s ? cpuMsOfStat(s) : 0;
}

/** CPU ms per process label, and per thread of the processes given by `splitThreads`. */
export interface CpuSample {
  processes: Map<string, number>;
  threads: Map<string, number>;
}

export interface Tracked {
  label: string;
  pid: number;
  /** Keep this process's thread names apart (label/thread). */
  splitThreads?: boolean;
}

export function sampleCpu(tracked: Tracked[]): CpuSample {
  const processes = new Map<string, number>();
  const threads = new Map<string, number>();
  for (const t of tracked) {
    processes.set(t.label, (processes.get(t.label) ?? 0) + processCpuMs(t.pid));
    if (!t.splitThreads) continue;
    for (const [name, ms] of threadCpu(t.pid)) {
      const key = `${t.label}/${name}`;
      threads.set(key, (threads.get(key) ?? 0) + ms);
    }
  }
  return { processes, threads };
}

/** after − before, per key (a process that started in between counts from zero). */
export function cpuDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) out[k] = v - (before.get(k) ?? 0);
  return out;
}

/** Chromium's processes under the benchmark, labelled by their --type (browser, renderer, gpu-process, …). */
export function chromiumProcesses(root: number): Tracked[] {
  const out: Tracked[] = [];
  for (const pid of descendants(root)) {
    const cmd = cmdline(pid);
    if (!/chrom/i.test(cmd)) continue;
    const type = /--type=(\S+)/.exec(cmd)?.[1];
    const util = /--utility-sub-type=(\S+)/.exec(cmd)?.[1];
    const label = type === undefined ? 'browser' : util ? `utility ${util.split('.').pop()}` : type;
    out.push({ label: `chromium ${label}`, pid, splitThreads: type === 'renderer' });
  }
  return out;
}
