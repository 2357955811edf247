// Placeholder until the owning change lands; replaced by the real command.
export const summary = 'read';
export const usage = 'camdeck read (not available yet)';
export async function run(): Promise<number> {
  console.error('camdeck read: not available yet');
  return 1;
}
