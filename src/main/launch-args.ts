// Command-line options of the desktop app (`camdeck-app [--demo] [--camera TARGET] [--no-update]`); Chromium's own switches
// (--no-sandbox, --user-data-dir=…, --inspect …) pass through untouched.
export interface LaunchOptions {
  /** Target to connect at start: `auto` picks the first attached camera, else the demo camera. */
  camera: string;
  /** `--no-update`: skip the update check for this run */
  noUpdate: boolean;
}

export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  let camera = 'auto';
  let noUpdate = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--demo') camera = 'demo';
    else if (a === '--no-update') noUpdate = true;
    else if (a === '--camera' && argv[i + 1] && !argv[i + 1]!.startsWith('-')) camera = argv[++i]!;
    else if (a.startsWith('--camera=')) camera = a.slice('--camera='.length) || camera;
  }
  return { camera, noUpdate };
}
