// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'info';
export const usage = 'camdeck info (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck info: not available yet');
  return 1;
}
