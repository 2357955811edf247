// Command-line options of the desktop app (`camdeck-app [--demo [N]] [--camera TARGET]… [--no-update]`);
// Chromium's own switches (--no-sandbox, --user-data-dir=…, --inspect …) pass through untouched.
import { demoTarget } from '../model';

export interface LaunchOptions {
  /**
   * Targets to open at start, in order (`--camera` may repeat): `auto` picks the one attached camera, else the
   * demo camera.
   */
  cameras: string[];
  /** `--demo N` (1…99; `npm start -- --demo N`): that many demo cameras, all opened. Bare `--demo` leaves it out. */
  demo?: number;
  /** `--no-update`: skip the update check for this run */
  noUpdate: boolean;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  const cameras: string[] = [];
  let noUpdate = false;
  let demo: number | undefined;
  let bareDemo = false;
  const count = (v: string | undefined): number | undefined =>
    v && /^[1-9]\d?$/.test(v) ? Number(v) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--demo') {
      bareDemo = true;
      const n = count(argv[i + 1]);
      if (n) [demo, i] = [n, i + 1];
    } else if (a.startsWith('--demo=')) {
      bareDemo = true;
      demo = count(a.slice('--demo='.length)) ?? demo;
    } else if (a === '--no-update') noUpdate = true;
    else if (a === '--camera' && argv[i + 1] && !argv[i + 1]!.startsWith('-')) cameras.push(argv[++i]!);
    else if (a.startsWith('--camera=') && a.length > '--camera='.length)
      cameras.push(a.slice('--camera='.length));
  }
  if (bareDemo && !demo && !cameras.includes('demo')) cameras.push('demo');
  return { cameras: cameras.length || demo ? cameras : ['auto'], noUpdate, ...(demo ? { demo } : {}) };
}

/** What the service opens at start (and how many demo cameras it lists): demo … demo:N, then the named targets. */
export function startTargets(o: LaunchOptions): { demoCameras?: number; open: string[] } {
  if (!o.demo) return { open: o.cameras };
  const demos = Array.from({ length: o.demo }, (_, i) => demoTarget(i + 1));
  return { demoCameras: o.demo, open: [...demos, ...o.cameras.filter((c) => !demos.includes(c))] };
}
