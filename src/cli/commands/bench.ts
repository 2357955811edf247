// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'bench';
export const usage = 'camdeck bench (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck bench: not available yet');
  return 1;
}
