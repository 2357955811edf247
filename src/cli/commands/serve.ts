// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'serve';
export const usage = 'camdeck serve (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck serve: not available yet');
  return 1;
}
