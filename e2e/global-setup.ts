// Build the app once for the whole run (renderer for browser-host mode, main + preload for Electron mode).
// CAMDECK_E2E_SKIP_BUILD=1 reuses an existing out/ (e.g. when the caller just built it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export default function globalSetup(): void {
  const index = path.join(root, 'out', 'renderer', 'index.html');
  if (process.env['CAMDECK_E2E_SKIP_BUILD'] === '1' && existsSync(index)) return;
  const bin = path.join(root, 'node_modules', '.bin', 'electron-vite');
  const t0 = Date.now();
  const r = spawnSync(bin, ['build', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0 || !existsSync(index)) {
    throw new Error(
      `e2e global setup: \`electron-vite build\` failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  console.log(`e2e: app built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
