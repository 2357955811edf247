// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'frames';
export const usage = 'camdeck frames (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck frames: not available yet');
  return 1;
}
