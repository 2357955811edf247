import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS_FILE, readMainSettings } from './app-settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dirWith(text?: string): string {
  const d = mkdtempSync(path.join(tmpdir(), 'camdeck-settings-'));
  dirs.push(d);
  if (text !== undefined) writeFileSync(path.join(d, SETTINGS_FILE), text);
  return d;
}

describe('readMainSettings', () => {
  it('defaults to update checks on when there is no file', () => {
    expect(readMainSettings(dirWith())).toEqual({ autoUpdate: true });
  });
  it('honours the opt-out', () => {
    expect(readMainSettings(dirWith('{"autoUpdate": false}'))).toEqual({ autoUpdate: false });
  });
  it('a broken file warns and falls back to defaults', () => {
    const warnings: string[] = [];
    expect(readMainSettings(dirWith('{"autoUpdate": '), (m) => warnings.push(m))).toEqual({
      autoUpdate: true,
    });
    expect(readMainSettings(dirWith('{"autoUpdate": "no"}'), (m) => warnings.push(m))).toEqual({
      autoUpdate: true,
    });
    expect(readMainSettings(dirWith('[]'), (m) => warnings.push(m))).toEqual({ autoUpdate: true });
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain('"autoUpdate" must be true or false');
  });
});
