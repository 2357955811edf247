// Types for scripts/fuses.mjs (plain JS so electron-builder can load it as a hook without a TS loader).
import type { FuseV1Config, FuseV1Options } from '@electron/fuses';

export type FuseProfile = 'release' | 'test';
export type FuseName = Exclude<keyof typeof FuseV1Options, number>;
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
export const FUSE_NAMES: FuseName[];
export function fuseSettings(profile: FuseProfile): Record<FuseName, boolean>;
export function profileFromEnv(value: string | undefined): FuseProfile;
export function fuseConfig(profile: FuseProfile, resetAdHocDarwinSignature?: boolean): FuseV1Config;
export function packedExecutable(context: PackContext): string;
export function afterPack(context: PackContext): Promise<void>;
export default afterPack;
export function checkFuses(app: string, profile: FuseProfile): Promise<{ ok: boolean; lines: string[] }>;
