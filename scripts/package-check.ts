// Helpers for the local packaging check (scripts/package-check.test.ts): build the app with
// `electron-builder --dir` against a stub Electron, then inspect the asar. No Electron binary and no installer
// tools can be downloaded here, so only the unpacked Linux layout is built; installers come from CI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asar from '@electron/asar';

const require = createRequire(import.meta.url);

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the electron-vite build must leave in out/ (main → package.json "main"). */
export const APP_ENTRIES = {
  main: 'out/main/index.js',
  preload: ['out/preload/index.js', 'out/preload/index.mjs', 'out/preload/index.cjs'],
  renderer: 'out/renderer/index.html',
} as const;

/** Runtime dependencies the packaged app deliberately leaves out (see electron-builder.yml "files"). */
export const EXCLUDED_RUNTIME_DEPS = ['tsx'] as const;

/** Source folders whose changes make out/ stale. */
const APP_SOURCES = [
  'src/main',
  'src/preload',
  'src/renderer',
  'src/service',
  'src/host',
  'src/simcam',
  'src/protocol',
  'src/shared',
];
const BUILD_CONFIGS = [
  'electron.vite.config.ts',
  'electron.vite.config.mts',
  'electron.vite.config.js',
  'electron.vite.config.mjs',
];

export interface AppBuildState {
  /** entries of APP_ENTRIES that are missing */
  missing: string[];
  /** a source file is newer than the oldest entry */
  stale: boolean;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function preloadEntry(projectDir = PROJECT_DIR): string | undefined {
  return APP_ENTRIES.preload.find((p) => existsSync(path.join(projectDir, p)));
}

export function appBuildState(projectDir = PROJECT_DIR): AppBuildState {
  const entries = [
    APP_ENTRIES.main,
    preloadEntry(projectDir) ?? APP_ENTRIES.preload[0],
    APP_ENTRIES.renderer,
  ];
  const missing = entries.filter((e) => !existsSync(path.join(projectDir, e)));
  if (missing.length) return { missing, stale: true };
  const oldestEntry = Math.min(...entries.map((e) => statSync(path.join(projectDir, e)).mtimeMs));
  const sources = [
    ...APP_SOURCES.map((d) => path.join(projectDir, d)),
    ...BUILD_CONFIGS.map((c) => path.join(projectDir, c)),
  ];
  const newestSource = Math.max(
    ...sources.map((s) => (existsSync(s) && statSync(s).isFile() ? statSync(s).mtimeMs : newestMtime(s))),
  );
  return { missing, stale: newestSource > oldestEntry };
}

/**
 * Makes sure out/ holds a current electron-vite build, building it when it is missing or older than the
 * sources. Throws a message that names the missing piece when the main process cannot be built yet.
 */
export function ensureAppBuilt(
  projectDir = PROJECT_DIR,
  timeoutMs = 150_000,
): { built: boolean; ms: number } {
  const state = appBuildState(projectDir);
  if (!state.missing.length && !state.stale) return { built: false, ms: 0 };
  const config = BUILD_CONFIGS.find((c) => existsSync(path.join(projectDir, c)));
  const mainSource = ['src/main/index.ts', 'src/main/index.tsx'].find((s) =>
    existsSync(path.join(projectDir, s)),
  );
  if (!config || !mainSource) {
    throw new Error(
      `The app is not built (${state.missing.join(', ') || 'out/ is stale'}) and cannot be built yet: ` +
        `${!config ? 'electron.vite.config.ts' : 'src/main/index.ts'} does not exist. The packaging check needs ` +
        `the Electron main process (src/main, electron.vite.config.ts), which has not landed.`,
    );
  }
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [path.join(projectDir, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: projectDir,
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (result.status !== 0) {
    const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    const why = result.error ? `${result.error.message}` : `exit code ${result.status}`;
    throw new Error(
      `electron-vite build failed (${why}); the packaging check needs out/. Last output:\n${log}`,
    );
  }
  const after = appBuildState(projectDir);
  if (after.missing.length) {
    throw new Error(`electron-vite build succeeded but did not produce ${after.missing.join(', ')}`);
  }
  return { built: true, ms: Date.now() - started };
}

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's shipped fuse wire: RunAsNode, NODE_OPTIONS, inspect, file:// privileges and WASM trap handlers on. */
export const ELECTRON_DEFAULT_FUSES = '101100011';

/**
 * A stand-in for an unpacked Electron for Linux: electron-builder copies an electronDist directory as is and
 * renames `electron` to the app's executable. The stub carries a real fuse wire so the afterPack fuse hook
 * and the read-back check run against it exactly as against Electron.
 */
export async function writeStubElectron(dir: string, fuses = ELECTRON_DEFAULT_FUSES): Promise<string> {
  await mkdir(dir, { recursive: true });
  const body = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "camdeck package-check stub: not a real Electron" >&2; exit 1\n'),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, fuses.length]),
    Buffer.from(fuses),
    Buffer.from('\n'),
  ]);
  const file = path.join(dir, 'electron');
  await writeFile(file, body, { mode: 0o755 });
  return file;
}

export interface DirBuildOptions {
  projectDir?: string;
  outputDir: string;
  electronDist: string;
  electronVersion: string;
  /** extra -c.key=value overrides */
  config?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface DirBuildResult {
  status: number | null;
  log: string;
  appOutDir: string;
  ms: number;
}

/** `electron-builder --linux dir --x64` into outputDir, never publishing, never signing. */
export function runDirBuild(o: DirBuildOptions): DirBuildResult {
  const projectDir = o.projectDir ?? PROJECT_DIR;
  const overrides = {
    electronDist: o.electronDist,
    electronVersion: o.electronVersion,
    'directories.output': o.outputDir,
    ...o.config,
  };
  const args = [
    path.join(projectDir, 'node_modules/electron-builder/cli.js'),
    '--linux',
    'dir',
    '--x64',
    '--publish',
    'never',
    ...Object.entries(overrides).map(([k, v]) => `-c.${k}=${v}`),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', ...o.env };
  if (!o.env || !('CAMDECK_FUSES' in o.env)) delete env.CAMDECK_FUSES;
  const started = Date.now();
  const r = spawnSync(process.execPath, args, {
    cwd: projectDir,
    encoding: 'utf8',
    env,
    timeout: o.timeoutMs ?? 120_000,
  });
  return {
    status: r.status,
    log: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`,
    appOutDir: path.join(o.outputDir, 'linux-unpacked'),
    ms: Date.now() - started,
  };
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  link?: boolean;
}

export interface RuntimePackage {
  name: string;
  version: string;
  /** path in package-lock.json, e.g. node_modules/sharp */
  lockPath: string;
  optional: boolean;
  /** present in node_modules (optional packages for other platforms are not) */
  installed: boolean;
}

/** Node-style lookup of `name` from the package at lockPath in a v2/v3 lockfile. */
function resolveInLock(
  packages: Record<string, LockEntry>,
  fromPath: string,
  name: string,
): string | undefined {
  let base = fromPath;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * Every package the app's runtime dependencies pull in (package.json "dependencies" minus `exclude`),
 * walked through package-lock.json. Optional packages for other platforms are listed (installed=false) but
 * not descended into.
 */
export function runtimeClosure(
  projectDir = PROJECT_DIR,
  exclude: readonly string[] = EXCLUDED_RUNTIME_DEPS,
): Map<string, RuntimePackage> {
  const lock = JSON.parse(readFileSync(path.join(projectDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const pkg = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = lock.packages;
  const seen = new Map<string, RuntimePackage>();
  const queue: { from: string; name: string; optional: boolean }[] = Object.keys(pkg.dependencies ?? {})
    .filter((n) => !exclude.includes(n))
    .map((name) => ({ from: '', name, optional: false }));
  while (queue.length) {
    const { from, name, optional } = queue.shift()!;
    const at = resolveInLock(packages, from, name);
    if (!at) {
      if (optional) continue;
      throw new Error(`package-lock.json has no entry for ${name} (needed by ${from || 'package.json'})`);
    }
    const prev = seen.get(at);
    if (prev && (!prev.optional || optional)) continue;
    const entry = packages[at]!;
    const installed = existsSync(path.join(projectDir, at, 'package.json'));
    seen.set(at, { name, version: entry.version ?? '', lockPath: at, optional, installed });
    // an uninstalled optional package (another platform's binary) pulls in nothing
    if (!installed) continue;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ from: at, name: dep, optional });
    for (const dep of Object.keys(entry.optionalDependencies ?? {}))
      queue.push({ from: at, name: dep, optional: true });
  }
  return seen;
}

export interface AsarListing {
  /** paths without the leading slash, e.g. node_modules/sharp/package.json */
  files: string[];
  unpacked: Set<string>;
  /** package directories (…/node_modules/<name> holding a package.json) → name@version */
  packages: Map<string, string>;
}

export function readAsar(asarPath: string): AsarListing {
  const all = asar
    .listPackage(asarPath, { isPack: false })
    .map((p) => p.replace(/\\/g, '/').replace(/^\//, ''));
  const files: string[] = [];
  const unpacked = new Set<string>();
  for (const p of all) {
    const st = asar.statFile(asarPath, p, false) as { files?: unknown; unpacked?: boolean; size?: number };
    if (st.files !== undefined) continue;
    files.push(p);
    if (st.unpacked) unpacked.add(p);
  }
  const packages = new Map<string, string>();
  for (const f of files) {
    const m = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/.exec(f);
    if (!m) continue;
    const dir = f.slice(0, -'/package.json'.length);
    // package.json files deeper inside a package (e.g. dist/esm/package.json) are not package roots
    if (dir.split(/(?:^|\/)node_modules\//).pop() !== m[1]) continue;
    const meta = JSON.parse(asar.extractFile(asarPath, f).toString('utf8')) as {
      name?: string;
      version?: string;
    };
    if (meta.name === m[1]) packages.set(dir, `${meta.name}@${meta.version}`);
  }
  return { files, unpacked, packages };
}

export function readAsarJson<T>(asarPath: string, file: string): T {
  return JSON.parse(asar.extractFile(asarPath, file).toString('utf8')) as T;
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Package names a built bundle imports at run time (bare specifiers, minus Node built-ins and electron). */
export function bareImports(source: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s*["']([^"'./][^"']*)["']/g,
    /\bimport\s*["']([^"'./][^"']*)["']/g,
    /\bimport\s*\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"'./][^"']*)["']\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const spec = m[1]!;
      if (BUILTINS.has(spec) || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (name === 'electron') continue;
      found.add(name);
    }
  }
  return [...found].sort();
}

/** app-builder-lib's own config loading and schema validation (what `electron-builder` runs first). */
export async function validateBuilderConfig(
  projectDir = PROJECT_DIR,
  configFile: string | null = 'electron-builder.yml',
  overrides: Record<string, unknown> | null = null,
): Promise<Record<string, unknown>> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig: (
      dir: string,
      file: string | null,
      opts: Record<string, unknown> | null,
    ) => Promise<Record<string, unknown>>;
    validateConfiguration: (config: Record<string, unknown>, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(projectDir, configFile, overrides);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

/** Renders an fpm script template the way electron-builder does: ${name} macros, unknown ones are errors. */
export function renderFpmTemplate(template: string, macros: Record<string, string>): string {
  return template.replace(/\${([a-zA-Z]+)}/g, (_m, name: string) => {
    if (!(name in macros)) throw new Error(`Macro ${name} is not defined`);
    return macros[name]!;
  });
}
