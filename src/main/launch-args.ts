// Command-line options of the desktop app (`camdeck-app [--demo [N]] [--camera TARGET] [--no-update]`); Chromium's own
// switches (--no-sandbox, --user-data-dir=…, --inspect …) pass through untouched.
import { demoTarget } from '../model';

export interface LaunchOptions {
  /** Target to connect at start: `auto` picks the first attached camera, else the demo camera. */
  camera: string;
  /** `--demo N` (1…99; `npm start -- --demo N`): that many demo cameras, all opened. Bare `--demo` leaves it out. */
  demo?: number;
  /** `--no-update`: skip the update check for this run */
  noUpdate: boolean;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  let camera = 'auto';
  let noUpdate = false;
  let demo: number | undefined;
  const count = (v: string | undefined): number | undefined =>
    v && /^[1-9]\d?$/.test(v) ? Number(v) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--demo') {
      camera = 'demo';
      const n = count(argv[i + 1]);
      if (n) [demo, i] = [n, i + 1];
    } else if (a.startsWith('--demo=')) {
      camera = 'demo';
      demo = count(a.slice('--demo='.length)) ?? demo;
    } else if (a === '--no-update') noUpdate = true;
    else if (a === '--camera' && argv[i + 1] && !argv[i + 1]!.startsWith('-')) camera = argv[++i]!;
    else if (a.startsWith('--camera=')) camera = a.slice('--camera='.length) || camera;
  }
  return { camera, noUpdate, ...(demo ? { demo } : {}) };
}

/** What the service opens at start (and how many demo cameras it lists): demo … demo:N, else the one target. */
export function startTargets(o: LaunchOptions): { demoCameras?: number; open: string[] } {
  if (!o.demo) return { open: [o.camera] };
  return { demoCameras: o.demo, open: Array.from({ length: o.demo }, (_, i) => demoTarget(i + 1)) };
}
