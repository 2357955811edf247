// What a Linux user runs when a camera's port refuses them. The rules file lives in different places: the deb
// installs it system-wide, a packaged app carries it in its resources (AppImage users copy it from there), a
// source checkout has it under resources/linux. Point at the one that exists, so the command works as printed.
import { existsSync } from 'node:fs';
import { posix } from 'node:path';

export const RULES_NAME = '99-openmv.rules';
/** Where the deb package installs the rules. */
export const SYSTEM_RULES = `/usr/lib/udev/rules.d/${RULES_NAME}`;
const DIALOUT = 'sudo usermod -aG dialout $USER (then log out and in again)';

export interface UdevHintEnv {
  exists?: (file: string) => boolean;
  /** Electron's process.resourcesPath in a packaged app; undefined elsewhere */
  resourcesPath?: string;
  cwd?: string;
  platform?: NodeJS.Platform;
}

function shellQuote(p: string): string {
  return /^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** The hint for a permission-denied open; on Linux it names a rules file that exists on this machine. */
export function udevHint(env: UdevHintEnv = {}): string {
  if ((env.platform ?? process.platform) !== 'linux')
    return 'Close any other program that has the port open (an IDE, a serial terminal) and try again.';
  const exists = env.exists ?? existsSync;
  const resourcesPath = env.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  const cwd = env.cwd ?? process.cwd();
  if (exists(SYSTEM_RULES))
    return `The OpenMV udev rules are installed (${SYSTEM_RULES}); unplug and replug the camera. If it still fails, add your user to the dialout group: ${DIALOUT}.`;
  const candidates = [
    ...(resourcesPath ? [posix.join(resourcesPath, 'linux', RULES_NAME)] : []),
    posix.join(cwd, 'resources', 'linux', RULES_NAME),
  ];
  const rules = candidates.find((f) => exists(f));
  const install = rules
    ? `sudo cp ${shellQuote(rules)} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger`
    : `copy ${RULES_NAME} (in camdeck's resources/linux) to /etc/udev/rules.d/, then: sudo udevadm control --reload-rules && sudo udevadm trigger`;
  return `Install the udev rules, then unplug and replug the camera: ${install}. Or add your user to the dialout group: ${DIALOUT}.`;
}
