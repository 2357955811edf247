// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'ports';
export const usage = 'camdeck ports (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck ports: not available yet');
  return 1;
}
