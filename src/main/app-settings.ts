// Settings the main process needs before any window exists (the renderer's own settings live in its storage).
// A small JSON file in the user-data folder; a missing or broken file means defaults, never a failed launch.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface MainSettings {
  /** check GitHub releases for updates (packaged builds only); opt out with false */
  autoUpdate: boolean;
}

export const SETTINGS_FILE = 'settings.json';
const DEFAULTS: MainSettings = { autoUpdate: true };

export function readMainSettings(
  userDataDir: string,
  warn: (msg: string) => void = (m) => console.warn(m),
): MainSettings {
  const file = path.join(userDataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULTS };
  }
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
    const autoUpdate = (raw as Record<string, unknown>)['autoUpdate'];
    if (autoUpdate !== undefined && typeof autoUpdate !== 'boolean')
      throw new Error('"autoUpdate" must be true or false');
    return { autoUpdate: autoUpdate ?? DEFAULTS.autoUpdate };
  } catch (err) {
    warn(`${file}: ${err instanceof Error ? err.message : String(err)}; using defaults`);
    return { ...DEFAULTS };
  }
}
