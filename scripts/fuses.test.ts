import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUSE_NAMES,
  afterPack,
  checkFuses,
  fuseConfig,
  fuseSettings,
  packedExecutable,
  profileFromEnv,
} from './fuses.mjs';
import { ELECTRON_DEFAULT_FUSES, writeStubElectron } from './package-check';

const script = fileURLToPath(new URL('./fuses.mjs', import.meta.url));

describe('fuse profiles', () => {
  it('release turns off RunAsNode, NODE_OPTIONS, inspect flags and file:// privileges; turns on ASAR integrity, asar-only, cookie encryption', () => {
    expect(fuseSettings('release')).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true,
    });
  });

  it('sets every fuse @electron/fuses knows, in both profiles', () => {
    expect(FUSE_NAMES).toContain('GrantFileProtocolExtraPrivileges');
    expect(FUSE_NAMES).toHaveLength(Object.keys(FuseV1Options).length / 2);
    for (const profile of ['release', 'test'] as const) {
      expect(Object.keys(fuseSettings(profile)).sort()).toEqual([...FUSE_NAMES].sort());
    }
  });

  it('asks @electron/fuses to refuse a binary with a fuse the config does not set', () => {
    const c = fuseConfig('release');
    expect(c.strictlyRequireAllFuses).toBe(true);
    expect(c.version).toBe(FuseVersion.V1);
  });

  it('test differs only in keeping the inspect flags Playwright needs', () => {
    expect(fuseSettings('test')).toEqual({ ...fuseSettings('release'), EnableNodeCliInspectArguments: true });
  });

  it('maps names to @electron/fuses indices', () => {
    const c = fuseConfig('release') as unknown as Record<number, boolean>;
    expect(c[FuseV1Options.RunAsNode]).toBe(false);
    expect(c[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(c[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(c[FuseV1Options.WasmTrapHandlers]).toBe(true);
  });

  it('reads the profile from CAMDECK_FUSES and refuses unknown ones', () => {
    expect(profileFromEnv(undefined)).toBe('release');
    expect(profileFromEnv('')).toBe('release');
    expect(profileFromEnv('test')).toBe('test');
    expect(() => profileFromEnv('debug')).toThrow(/CAMDECK_FUSES/);
    expect(() => fuseSettings('debug' as 'test')).toThrow(/unknown fuse profile/);
  });

  it('finds the executable electron-builder packed for each platform', () => {
    const packager = { appInfo: { productFilename: 'camdeck' }, executableName: 'camdeck' };
    expect(packedExecutable({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(
      path.join('/o', 'camdeck'),
    );
    expect(packedExecutable({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(
      path.join('/o', 'camdeck.exe'),
    );
    expect(packedExecutable({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe(
      path.join('/o', 'camdeck.app'),
    );
  });
});

describe('flip and read back on a stub Electron', () => {
  let dir: string;
  let stub: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'camdeck-fuses-'));
    stub = await writeStubElectron(path.join(dir, 'dist'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function packed(name: string, profile?: string, wire?: string): Promise<string> {
    const out = path.join(dir, name);
    await mkdir(out, { recursive: true });
    const from = wire === undefined ? stub : await writeStubElectron(path.join(dir, `${name}-dist`), wire);
    await copyFile(from, path.join(out, 'camdeck'));
    const saved = process.env.CAMDECK_FUSES;
    if (profile === undefined) delete process.env.CAMDECK_FUSES;
    else process.env.CAMDECK_FUSES = profile;
    try {
      await afterPack({
        appOutDir: out,
        electronPlatformName: 'linux',
        packager: { appInfo: { productFilename: 'camdeck' }, executableName: 'camdeck' },
      });
    } finally {
      if (saved === undefined) delete process.env.CAMDECK_FUSES;
      else process.env.CAMDECK_FUSES = saved;
    }
    return path.join(out, 'camdeck');
  }

  it("an unflipped Electron fails the release check (Electron's defaults leave RunAsNode on)", async () => {
    const { ok, lines } = await checkFuses(stub, 'release');
    expect(ok).toBe(false);
    expect(lines).toContain('FAIL RunAsNode: on (want off)');
  });

  it('the hook flips release fuses by default', async () => {
    const exe = await packed('release');
    expect((await checkFuses(exe, 'release')).ok).toBe(true);
    expect((await checkFuses(exe, 'test')).ok).toBe(false);
  });

  it('the read-back covers every fuse of the wire, file:// privileges included', async () => {
    const exe = await packed('every');
    const { ok, lines } = await checkFuses(exe, 'release');
    expect(ok, lines.join('\n')).toBe(true);
    expect(lines).toContain('ok   GrantFileProtocolExtraPrivileges: off (want off)');
    expect(lines).toHaveLength(ELECTRON_DEFAULT_FUSES.length);
    // flipped by anything but the hook, the one fuse left on is caught
    await flipFuses(exe, { version: FuseVersion.V1, [FuseV1Options.GrantFileProtocolExtraPrivileges]: true });
    const after = await checkFuses(exe, 'release');
    expect(after.ok).toBe(false);
    expect(after.lines).toContain('FAIL GrantFileProtocolExtraPrivileges: on (want off)');
  });

  it('the hook fails the build on an Electron with a fuse the profile does not set', async () => {
    await expect(packed('newer', undefined, `${ELECTRON_DEFAULT_FUSES}1`)).rejects.toThrow(
      /has a fuse the release profile does not set .*decide it in scripts\/fuses\.mjs/,
    );
  });

  it('the check fails on a fuse it does not know and on one the wire lacks', async () => {
    const newer = await writeStubElectron(path.join(dir, 'newer-wire'), `${ELECTRON_DEFAULT_FUSES}0`);
    const n = await checkFuses(newer, 'release');
    expect(n.ok).toBe(false);
    expect(n.lines).toContain(
      `FAIL fuse #${ELECTRON_DEFAULT_FUSES.length}: off (not in the profile: update @electron/fuses)`,
    );
    const older = await writeStubElectron(path.join(dir, 'older-wire'), ELECTRON_DEFAULT_FUSES.slice(0, -1));
    const o = await checkFuses(older, 'release');
    expect(o.ok).toBe(false);
    expect(o.lines).toContain('FAIL WasmTrapHandlers: absent (want on)');
  });

  it('CAMDECK_FUSES=test keeps EnableNodeCliInspectArguments on', async () => {
    const exe = await packed('test', 'test');
    const { ok, lines } = await checkFuses(exe, 'test');
    expect(ok, lines.join('\n')).toBe(true);
    expect(lines).toContain('ok   EnableNodeCliInspectArguments: on (want on)');
  });

  it('the CLI check exits 0 on a match, 1 on a mismatch, 2 on bad usage', async () => {
    const exe = await packed('cli');
    const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
    const good = run('check', exe);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/ok {3}RunAsNode: off/);
    const bad = run('check', exe, '--profile', 'test');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL EnableNodeCliInspectArguments: off \(want on\)/);
    expect(bad.stdout).toMatch(/The fuses differ from the test profile: .*--profile test\./);
    expect(run('check').status).toBe(2);
    const missing = run('check', path.join(dir, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/fuses: .*nope/);
  });
});
