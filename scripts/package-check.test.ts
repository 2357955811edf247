// Packaging check that runs in `npm test`: electron-builder's schema validation of electron-builder.yml, and
// `electron-builder --linux dir` against a stub Electron with the asar inspected. Installers (NSIS, dmg,
// AppImage, deb, rpm) need tools that cannot be downloaded here: the release workflow builds those.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFuses } from './fuses.mjs';
import {
  APP_ENTRIES,
  appBuildState,
  EXCLUDED_RUNTIME_DEPS,
  PROJECT_DIR,
  bareImports,
  ensureAppBuilt,
  preloadEntry,
  readAsar,
  readAsarJson,
  renderFpmTemplate,
  runDirBuild,
  runtimeClosure,
  validateBuilderConfig,
  writeStubElectron,
  type AsarListing,
  type DirBuildResult,
} from './package-check';

const pkg = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const electronVersion = (
  JSON.parse(readFileSync(path.join(PROJECT_DIR, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

type Target = { target: string; arch?: string[] };
interface BuilderConfig {
  appId: string;
  productName: string;
  npmRebuild: boolean;
  asar: boolean;
  asarUnpack: string[];
  afterPack: string;
  publish: { provider: string; releaseType?: string };
  win: { icon: string; target: Target[] };
  nsis: { oneClick: boolean; perMachine: boolean };
  mac: {
    icon: string;
    target: Target[];
    hardenedRuntime: boolean;
    entitlements: string;
    entitlementsInherit: string;
    notarize?: boolean;
  };
  linux: { icon: string; target: Target[]; extraResources: { from: string; to: string }[] };
  deb: { fpm: string[]; afterInstall: string; afterRemove: string };
}

describe('electron-builder.yml', () => {
  let config: BuilderConfig;
  beforeAll(async () => {
    config = (await validateBuilderConfig()) as unknown as BuilderConfig;
  });

  it("passes electron-builder's own schema validation", () => {
    expect(config.appId).toBe('io.camdeck.app');
  });

  it('rejects a configuration the schema does not allow (the validator is live)', async () => {
    await expect(
      validateBuilderConfig(PROJECT_DIR, 'electron-builder.yml', { oneClik: true }),
    ).rejects.toThrow(/unknown property 'oneClik'/);
    await expect(
      validateBuilderConfig(PROJECT_DIR, 'electron-builder.yml', { nsis: { oneClik: true } }),
    ).rejects.toThrow(/configuration\.nsis/);
    await expect(
      validateBuilderConfig(PROJECT_DIR, 'electron-builder.yml', { npmRebuild: 'sometimes' }),
    ).rejects.toThrow(/npmRebuild/);
  });

  it('names the app, keeps native prebuilds and wires the fuse hook', () => {
    expect(config.productName).toBe('camdeck');
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/@img/**']));
    expect(path.resolve(PROJECT_DIR, config.afterPack)).toBe(path.join(PROJECT_DIR, 'scripts/fuses.mjs'));
    expect(config.publish).toMatchObject({ provider: 'github', releaseType: 'draft' });
  });

  it('targets NSIS per-user x64+arm64, dmg x64+arm64 with hardened runtime, AppImage + deb', () => {
    const archsOf = (targets: Target[], name: string) => targets.find((t) => t.target === name)?.arch;
    expect(archsOf(config.win.target, 'nsis')).toEqual(['x64', 'arm64']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(archsOf(config.mac.target, 'dmg')).toEqual(['x64', 'arm64']);
    expect(config.mac.hardenedRuntime).toBe(true);
    // notarization must stay credential-driven: an explicit true fails without APPLE_* secrets
    expect(config.mac.notarize).toBeUndefined();
    expect(config.linux.target.map((t) => t.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('points at files that exist: icons, entitlements, deb scripts, udev rules', () => {
    const files = [
      config.win.icon,
      config.mac.icon,
      config.mac.entitlements,
      config.mac.entitlementsInherit,
      config.deb.afterInstall,
      config.deb.afterRemove,
      ...config.linux.extraResources.map((r) => r.from),
      ...config.deb.fpm.map((m) => m.split('=')[0]!),
    ];
    for (const f of files) expect(existsSync(path.join(PROJECT_DIR, f)), f).toBe(true);
    for (const size of [16, 32, 64, 128, 256, 512]) {
      expect(existsSync(path.join(PROJECT_DIR, config.linux.icon, `${size}x${size}.png`)), `${size}px`).toBe(
        true,
      );
    }
    expect(config.deb.fpm).toContain('resources/linux/99-openmv.rules=/usr/lib/udev/rules.d/99-openmv.rules');
    const plist = readFileSync(path.join(PROJECT_DIR, config.mac.entitlements), 'utf8');
    for (const key of [
      'com.apple.security.cs.allow-jit',
      'com.apple.security.device.usb',
      'com.apple.security.device.serial',
    ]) {
      expect(plist).toContain(`<key>${key}</key>`);
    }
  });

  it('deb scripts render with only the macros electron-builder defines and are valid bash', async () => {
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      const rendered = renderFpmTemplate(await readFile(path.join(PROJECT_DIR, script), 'utf8'), {
        executable: 'camdeck',
        sanitizedProductName: 'camdeck',
        productFilename: 'camdeck',
      });
      expect(rendered).not.toMatch(/\$\{[a-zA-Z]+\}/);
      // Windows runners may resolve `bash` to the WSL launcher; the scripts only ever run on Linux
      if (process.platform === 'win32') {
        console.log(`package-check: bash -n of ${script} skipped on Windows (no reliable bash)`);
        continue;
      }
      const bash = spawnSync('bash', ['-n'], { input: rendered, encoding: 'utf8' });
      expect(bash.status, `${script}: ${bash.stderr}`).toBe(0);
    }
    const install = await readFile(path.join(PROJECT_DIR, config.deb.afterInstall), 'utf8');
    expect(install).toMatch(/udevadm control --reload-rules/);
    expect(install).toMatch(/udevadm trigger/);
    expect(() => renderFpmTemplate('x ${bogus}', {})).toThrow(/bogus/);
  });
});

describe('app build state', () => {
  it('fails, naming the missing piece, when out/ is absent and the main process has not landed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'camdeck-nobuild-'));
    try {
      expect(appBuildState(dir).missing).toContain(APP_ENTRIES.main);
      expect(() => ensureAppBuilt(dir)).toThrow(
        /cannot be built yet: electron\.vite\.config\.ts does not exist/,
      );
      await writeFile(path.join(dir, 'electron.vite.config.ts'), 'export default {};\n');
      expect(() => ensureAppBuilt(dir)).toThrow(/src\/main\/index\.ts does not exist/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts out/ as stale when a source is newer than a built entry', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'camdeck-stale-'));
    try {
      for (const f of [
        APP_ENTRIES.main,
        'out/preload/index.mjs',
        APP_ENTRIES.renderer,
        'src/main/index.ts',
      ]) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), '');
      }
      const old = new Date(Date.now() - 60_000);
      await utimes(path.join(dir, 'src/main/index.ts'), old, old);
      expect(appBuildState(dir)).toEqual({ missing: [], stale: false });
      await utimes(
        path.join(dir, APP_ENTRIES.renderer),
        new Date(old.getTime() - 1000),
        new Date(old.getTime() - 1000),
      );
      expect(appBuildState(dir).stale).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runtime dependency closure', () => {
  it('walks package-lock.json from package.json dependencies and leaves out the CLI-only tsx', () => {
    const closure = runtimeClosure();
    const names = new Set([...closure.values()].map((p) => p.name));
    for (const dep of Object.keys(pkg.dependencies).filter(
      (d) => !EXCLUDED_RUNTIME_DEPS.includes(d as 'tsx'),
    )) {
      expect(names.has(dep), dep).toBe(true);
    }
    expect(names.has('tsx')).toBe(false);
    expect(names.has('esbuild')).toBe(false);
    expect(names.has('@serialport/bindings-cpp')).toBe(true);
    expect([...closure.values()].find((p) => p.name === '@img/sharp-win32-arm64')).toMatchObject({
      optional: true,
    });
    expect([...closure.values()].find((p) => p.name === '@img/sharp-linux-x64')).toMatchObject({
      installed: true,
    });
  });

  it('finds the packages a bundle imports at run time', () => {
    const src = `import a from "serialport";import "sharp";const u = require('electron-updater');
      import { app } from 'electron'; import fs from 'node:fs'; import p from "path"; import x from './local.js';
      const s = await import("@serialport/bindings-cpp/dist/index.js");`;
    expect(bareImports(src)).toEqual(['@serialport/bindings-cpp', 'electron-updater', 'serialport', 'sharp']);
  });
});

// The layout check packs the host's node_modules, whose native packages (@img/sharp-<platform>) are only the
// host's; so it runs on Linux x64, where the stub Electron stands in for the Linux build.
const layoutHost = process.platform === 'linux' && process.arch === 'x64';
if (!layoutHost) {
  console.log(
    `package-check: skipping the --dir layout check on ${process.platform}-${process.arch}: it runs on linux-x64 only`,
  );
}

describe.runIf(layoutHost)('electron-builder --dir against a stub Electron (Linux x64)', () => {
  let work: string;
  let build: DirBuildResult;
  let asarPath: string;
  let listing: AsarListing;

  beforeAll(async () => {
    // fails (not skips) with the missing piece named when the main process cannot be built yet
    ensureAppBuilt();
    work = await mkdtemp(path.join(tmpdir(), 'camdeck-package-check-'));
    const stub = path.join(work, 'electron-dist');
    await writeStubElectron(stub);
    build = runDirBuild({
      outputDir: path.join(work, 'release'),
      electronDist: stub,
      electronVersion,
      config: { 'publish.owner': 'camdeck-check', 'publish.repo': 'camdeck' },
    });
    if (build.status !== 0)
      throw new Error(`electron-builder --dir failed (exit ${build.status}):\n${build.log.slice(-4000)}`);
    asarPath = path.join(build.appOutDir, 'resources', 'app.asar');
    listing = readAsar(asarPath);
  }, 240_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs the built app: package.json and out/ (main, preload, renderer) and nothing else at the top', () => {
    expect(listing.files).toContain('package.json');
    expect(listing.files).toContain(APP_ENTRIES.main);
    expect(listing.files).toContain(preloadEntry());
    expect(listing.files).toContain(APP_ENTRIES.renderer);
    const top = new Set(listing.files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json']);
    expect(listing.files.filter((f) => f.startsWith('out/') && f.endsWith('.map'))).toEqual([]);
    const packed = readAsarJson<{ name: string; version: string; main: string }>(asarPath, 'package.json');
    expect(packed).toMatchObject({ name: pkg.name, version: pkg.version, main: APP_ENTRIES.main });
    expect(pkg.main).toBe(APP_ENTRIES.main);
  });

  it('bundles exactly the installed runtime dependency closure: no devDependencies, no tsx', () => {
    const closure = runtimeClosure();
    const expected = new Set<string>();
    // optional packages for other platforms are not installed, so cannot be packed
    for (const p of closure.values()) if (p.installed) expected.add(`${p.name}@${p.version}`);
    const packed = new Set(listing.packages.values());
    expect([...packed].filter((p) => !expected.has(p)).sort(), 'packed but not a runtime dependency').toEqual(
      [],
    );
    expect(
      [...expected].filter((p) => !packed.has(p)).sort(),
      'runtime dependency missing from the asar',
    ).toEqual([]);
    const packedNames = new Set([...packed].map((p) => p.slice(0, p.lastIndexOf('@'))));
    const runtimeNames = new Set([...closure.values()].map((p) => p.name));
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !runtimeNames.has(d));
    expect(devOnly.filter((d) => packedNames.has(d))).toEqual([]);
    for (const name of [
      'electron',
      'electron-builder',
      'vite',
      'react',
      'vitest',
      'typescript',
      'tsx',
      'esbuild',
    ]) {
      expect(packedNames.has(name), name).toBe(false);
    }
    for (const name of [
      'serialport',
      '@serialport/bindings-cpp',
      'sharp',
      '@img/sharp-linux-x64',
      'electron-updater',
    ]) {
      expect(packedNames.has(name), name).toBe(true);
    }
  });

  it('resolves every package the built main and preload import', () => {
    const packedNames = new Set([...listing.packages.values()].map((p) => p.slice(0, p.lastIndexOf('@'))));
    const bundles = listing.files.filter((f) => /^out\/(main|preload)\/.*\.(m|c)?js$/.test(f));
    expect(bundles.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const file of bundles) {
      const source = readFileSync(path.join(PROJECT_DIR, file), 'utf8');
      for (const name of bareImports(source)) if (!packedNames.has(name)) missing.push(`${file} → ${name}`);
    }
    expect(missing, 'imported by the bundle but not in the asar').toEqual([]);
  });

  it('unpacks every native binary next to the asar', () => {
    const isNative = (f: string) => /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/.test(f);
    const natives = listing.files.filter(isNative);
    expect(
      natives.filter((f) => !listing.unpacked.has(f)),
      'native files left inside the asar',
    ).toEqual([]);
    const unpackedDir = `${asarPath}.unpacked`;
    for (const f of natives) {
      const onDisk = path.join(unpackedDir, f);
      expect(existsSync(onDisk), onDisk).toBe(true);
      expect(statSync(onDisk).size).toBeGreaterThan(0);
    }
    expect(natives.some((f) => /@serialport\/bindings-cpp\/prebuilds\/linux-x64\/.*\.node$/.test(f))).toBe(
      true,
    );
    expect(natives.some((f) => /@img\/sharp-linux-x64\/.*\.node$/.test(f))).toBe(true);
    expect(natives.some((f) => /@img\/sharp-libvips-linux-x64\/.*\.so/.test(f))).toBe(true);
    // the Linux build carries no other platform's serialport prebuilds
    expect(natives.filter((f) => /prebuilds\/(darwin|win32|android)-/.test(f))).toEqual([]);
  });

  it('flips the release fuses in the packed executable (read back)', async () => {
    const exe = path.join(build.appOutDir, 'camdeck');
    const { ok, lines } = await checkFuses(exe, 'release');
    expect(ok, lines.join('\n')).toBe(true);
    // and the stub's defaults were really changed, not just read
    expect((await checkFuses(exe, 'test')).ok).toBe(false);
  });

  it('ships the udev rules and an updater config for GitHub releases', () => {
    const rules = path.join(build.appOutDir, 'resources/linux/99-openmv.rules');
    expect(readFileSync(rules, 'utf8')).toBe(
      readFileSync(path.join(PROJECT_DIR, 'resources/linux/99-openmv.rules'), 'utf8'),
    );
    const update = readFileSync(path.join(build.appOutDir, 'resources/app-update.yml'), 'utf8');
    expect(update).toMatch(/^provider: github$/m);
    expect(update).toMatch(/^owner: camdeck-check$/m);
    expect(update).toMatch(/^repo: camdeck$/m);
  });

  it('stays fast enough for npm test', () => {
    expect(build.ms).toBeLessThan(60_000);
  });
});
