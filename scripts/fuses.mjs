// Electron fuses for camdeck builds: the electron-builder afterPack hook (electron-builder.yml) and a
// read-back check for CI.
//
//   hook:  flips the fuses in the packed executable before signing (afterPack runs before signing, so the
//          signature covers the flipped binary).
//   check: node scripts/fuses.mjs check <app> [--profile release|test]
//          <app> is the executable (Linux: release/linux-unpacked/camdeck, Windows: …/camdeck.exe) or the
//          macOS bundle (…/camdeck.app). Prints every fuse and exits 1 when one differs from the profile.
//
// Profiles: "release" (default) turns everything off that an attacker could use to run code in the app's
// name and sets every other fuse explicitly (strictlyRequireAllFuses: a fuse a newer Electron adds fails the
// build and the check until it is decided here). "test" (CAMDECK_FUSES=test at build time) is the same except EnableNodeCliInspectArguments stays
// on: Playwright's _electron.launch starts the app with --inspect and cannot drive a build without it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseState, FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

/** @typedef {'release' | 'test'} FuseProfile */
/** @typedef {Exclude<keyof typeof FuseV1Options, number>} FuseName */

/** Every fuse @electron/fuses knows, by name (the enum also maps index → name). */
export const FUSE_NAMES = /** @type {FuseName[]} */ (
  Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)))
);

/**
 * The release profile sets every fuse: the hook runs with strictlyRequireAllFuses, so a fuse a newer Electron
 * adds fails the build until it is decided here, instead of staying at Electron's default.
 * @type {Readonly<Record<FuseName, boolean>>}
 */
const RELEASE = Object.freeze({
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // no browser_v8_context_snapshot.bin is shipped; on, Electron would look for it
  LoadBrowserProcessSpecificV8Snapshot: false,
  // the UI is served from app://, never file://: a file:// page gets no extra privileges
  GrantFileProtocolExtraPrivileges: false,
  // Electron's default: V8 traps out-of-bounds WebAssembly accesses with guard pages
  WasmTrapHandlers: true,
});

/**
 * The fuse settings of a profile, keyed by fuse name.
 * @param {FuseProfile} profile
 * @returns {Record<FuseName, boolean>}
 */
export function fuseSettings(profile) {
  if (profile !== 'release' && profile !== 'test')
    throw new Error(`unknown fuse profile "${profile}": use "release" or "test".`);
  return { ...RELEASE, EnableNodeCliInspectArguments: profile === 'test' };
}

/**
 * @param {string | undefined} value the CAMDECK_FUSES environment variable
 * @returns {FuseProfile}
 */
export function profileFromEnv(value) {
  if (value === undefined || value === '' || value === 'release') return 'release';
  if (value === 'test') return 'test';
  throw new Error(`CAMDECK_FUSES must be "release" or "test", got "${value}": unset it for a release build.`);
}

/**
 * The @electron/fuses config for a profile: every fuse set, and strictlyRequireAllFuses, so flipping fails on
 * an Electron whose fuse wire has a fuse this config does not set.
 * @param {FuseProfile} profile
 * @param {boolean} resetAdHocDarwinSignature
 * @returns {import('@electron/fuses').FuseV1Config}
 */
export function fuseConfig(profile, resetAdHocDarwinSignature = false) {
  const settings = fuseSettings(profile);
  /** @type {Record<number, boolean>} */
  const wire = {};
  for (const name of FUSE_NAMES) {
    if (typeof settings[name] !== 'boolean')
      throw new Error(`The fuse profile does not set ${name}: decide it in scripts/fuses.mjs.`);
    wire[FuseV1Options[name]] = settings[name];
  }
  return /** @type {import('@electron/fuses').FuseV1Config} */ ({
    version: FuseVersion.V1,
    resetAdHocDarwinSignature,
    strictlyRequireAllFuses: true,
    ...wire,
  });
}

/**
 * Path of the file to flip for a packed app, as electron-builder lays it out.
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export function packedExecutable(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32')
    return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
}

/**
 * electron-builder afterPack hook.
 * @param {Parameters<typeof packedExecutable>[0]} context
 */
export async function afterPack(context) {
  const profile = profileFromEnv(process.env.CAMDECK_FUSES);
  const target = packedExecutable(context);
  // flipping edits the Electron Framework binary, which breaks its ad-hoc signature; Apple Silicon refuses
  // unsigned code, so re-sign ad hoc (a real identity signs again afterwards)
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  try {
    await flipFuses(target, fuseConfig(profile, isMac && process.platform === 'darwin'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (!why.includes('strictlyRequireAllFuses')) throw err;
    throw new Error(
      `This Electron has a fuse the ${profile} profile does not set (${why}): decide it in scripts/fuses.mjs ` +
        `and update @electron/fuses.`,
      { cause: err },
    );
  }
  console.log(`  • fuses  profile=${profile} ${path.basename(target)}`);
}

export default afterPack;

/** @param {number | undefined} state */
function shownState(state) {
  if (state === undefined) return 'absent';
  if (state === FuseState.ENABLE) return 'on';
  if (state === FuseState.DISABLE) return 'off';
  if (state === FuseState.REMOVED) return 'removed';
  if (state === FuseState.INHERIT) return 'inherit';
  return `state ${state}`;
}

/**
 * Reads the fuses of a packed app and compares every fuse of its wire with a profile: a fuse the profile
 * wants that the wire lacks, or a fuse in the wire the profile does not know (a newer Electron), fails too.
 * @param {string} app
 * @param {FuseProfile} profile
 * @returns {Promise<{ ok: boolean, lines: string[] }>}
 */
export async function checkFuses(app, profile) {
  const wire = await getCurrentFuseWire(app);
  if (wire.version !== FuseVersion.V1)
    return { ok: false, lines: [`unsupported fuse wire version ${wire.version}`] };
  const states = /** @type {Record<string, number>} */ (/** @type {unknown} */ (wire));
  const settings = fuseSettings(profile);
  let ok = true;
  const lines = [];
  for (const name of FUSE_NAMES) {
    const want = settings[name];
    const state = states[FuseV1Options[name]];
    const good = state === (want ? FuseState.ENABLE : FuseState.DISABLE);
    ok &&= good;
    lines.push(`${good ? 'ok  ' : 'FAIL'} ${name}: ${shownState(state)} (want ${want ? 'on' : 'off'})`);
  }
  const unknown = Object.keys(states)
    .filter((key) => key !== 'version' && !(key in FuseV1Options))
    .map(Number)
    .sort((a, b) => a - b);
  for (const index of unknown) {
    ok = false;
    lines.push(
      `FAIL fuse #${index}: ${shownState(states[index])} (not in the profile: update @electron/fuses)`,
    );
  }
  return { ok, lines };
}

async function main(argv) {
  const [command, app, ...rest] = argv;
  if (command !== 'check' || !app) {
    console.error('usage: node scripts/fuses.mjs check <app executable or .app> [--profile release|test]');
    return 2;
  }
  const at = rest.indexOf('--profile');
  const profile = profileFromEnv(at >= 0 ? rest[at + 1] : undefined);
  const { ok, lines } = await checkFuses(app, profile);
  console.log(`fuses of ${app} against the ${profile} profile:`);
  for (const line of lines) console.log(`  ${line}`);
  if (!ok) {
    console.log(
      `The fuses differ from the ${profile} profile: build with electron-builder, whose afterPack hook ` +
        `(scripts/fuses.mjs) flips them, and check a CAMDECK_FUSES=test build with --profile test.`,
    );
  }
  return ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`fuses: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
