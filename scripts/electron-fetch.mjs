// When `npm start` may try to download the Electron binary (Electron 45 installs it lazily, on first use).
// A failed download is remembered so that a machine without internet does not wait for it on every start:
// the next attempt comes a day later, or at once with `npm start -- --fetch-electron`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** How long a failed download keeps `npm start` from trying again. */
export const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Where the last failure is recorded (under node_modules, so a fresh install forgets it). */
export function recordPath(root) {
  return path.join(root, 'node_modules', '.cache', 'camdeck', 'electron-fetch.json');
}

/** The recorded failure `{ at, version, why }`, or null. */
export function readFailure(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return typeof r?.at === 'number' && typeof r?.why === 'string' ? r : null;
  } catch {
    return null;
  }
}

export function writeFailure(file, failure) {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(failure));
  } catch {
    // Not being able to remember only costs another attempt next time.
  }
}

/**
 * Decide whether to download now. `failure` is the recorded one (or null); a failure for another Electron
 * version, or older than RETRY_AFTER_MS, does not hold us back; `force` always tries.
 * @returns {{ attempt: true } | { attempt: false, why: string }}
 */
export function fetchDecision({ failure, version, now, force }) {
  if (force || !failure || failure.version !== version || now - failure.at >= RETRY_AFTER_MS) {
    return { attempt: true };
  }
  return {
    attempt: false,
    why:
      `the Electron binary could not be downloaded ${ago(now - failure.at)} ` +
      `(${failure.why}; \`npm start -- --fetch-electron\` tries again now)`,
  };
}

function ago(ms) {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  return `${h} h ago`;
}

/** One line of a failed install's stderr that says why, without a stack trace. */
export function failureReason(stderr) {
  const line = `${stderr ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /error/i.test(l) && !/^at /.test(l));
  // "TypeError: fetch failed" → "fetch failed": the class name means nothing to a user.
  return (line || 'download failed').replace(/^\w*Error:\s*/, '').slice(0, 160);
}
