// Types for scripts/fuses.mjs (plain JS so electron-builder can load it as a hook without a TS loader).
import type { FuseV1Config } from '@electron/fuses';

export type FuseProfile = 'release' | 'test';
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
export function fuseSettings(profile: FuseProfile): Record<string, boolean>;
export function profileFromEnv(value: string | undefined): FuseProfile;
export function fuseConfig(profile: FuseProfile, resetAdHocDarwinSignature?: boolean): FuseV1Config;
export function packedExecutable(context: PackContext): string;
export function afterPack(context: PackContext): Promise<void>;
export default afterPack;
export function checkFuses(app: string, profile: FuseProfile): Promise<{ ok: boolean; lines: string[] }>;
