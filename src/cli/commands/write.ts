// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'write';
export const usage = 'camdeck write (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck write: not available yet');
  return 1;
}
