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
// name. "test" (CAMDECK_FUSES=test at build time) is the same except EnableNodeCliInspectArguments stays
// on: Playwright's _electron.launch starts the app with --inspect and cannot drive a build without it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseState, FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

/** @typedef {'release' | 'test'} FuseProfile */

/**
 * The fuse settings of a profile, keyed by fuse name.
 * @param {FuseProfile} profile
 * @returns {Record<string, boolean>}
 */
export function fuseSettings(profile) {
  if (profile !== 'release' && profile !== 'test') throw new Error(`unknown fuse profile "${profile}"`);
  return {
    RunAsNode: false,
    EnableCookieEncryption: true,
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: profile === 'test',
    EnableEmbeddedAsarIntegrityValidation: true,
    OnlyLoadAppFromAsar: true,
  };
}

/**
 * @param {string | undefined} value the CAMDECK_FUSES environment variable
 * @returns {FuseProfile}
 */
export function profileFromEnv(value) {
  if (value === undefined || value === '' || value === 'release') return 'release';
  if (value === 'test') return 'test';
  throw new Error(`CAMDECK_FUSES must be "release" or "test", got "${value}"`);
}

/**
 * The @electron/fuses config for a profile.
 * @param {FuseProfile} profile
 * @param {boolean} resetAdHocDarwinSignature
 */
export function fuseConfig(profile, resetAdHocDarwinSignature = false) {
  /** @type {import('@electron/fuses').FuseV1Config} */
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature };
  for (const [name, on] of Object.entries(fuseSettings(profile))) {
    const index = FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (name)];
    if (index === undefined) throw new Error(`@electron/fuses does not know the fuse ${name}`);
    /** @type {Record<number, boolean>} */ (/** @type {unknown} */ (config))[index] = on;
  }
  return config;
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
  await flipFuses(target, fuseConfig(profile, isMac && process.platform === 'darwin'));
  console.log(`  • fuses  profile=${profile} ${path.basename(target)}`);
}

export default afterPack;

/**
 * Reads the fuses of a packed app and compares them with a profile.
 * @param {string} app
 * @param {FuseProfile} profile
 * @returns {Promise<{ ok: boolean, lines: string[] }>}
 */
export async function checkFuses(app, profile) {
  const wire = await getCurrentFuseWire(app);
  if (wire.version !== FuseVersion.V1)
    return { ok: false, lines: [`unsupported fuse wire version ${wire.version}`] };
  const states = /** @type {Record<number, number>} */ (/** @type {unknown} */ (wire));
  let ok = true;
  const lines = [];
  for (const [name, want] of Object.entries(fuseSettings(profile))) {
    const index = FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (name)];
    const state = states[index];
    const got = state === FuseState.ENABLE ? true : state === FuseState.DISABLE ? false : undefined;
    const good = got === want;
    ok &&= good;
    const shown = got === undefined ? `state ${state}` : got ? 'on' : 'off';
    lines.push(`${good ? 'ok  ' : 'FAIL'} ${name}: ${shown} (want ${want ? 'on' : 'off'})`);
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
