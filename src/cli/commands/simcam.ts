// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'simcam';
export const usage = 'camdeck simcam (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck simcam: not available yet');
  return 1;
}
