// What the browser benchmarks share: the UI built before a run, and Debian's Chromium launched headless the way
// the e2e tests launch it (no GPU: the figures are the software path every CI machine has).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../../e2e/chromium';

/** Build the renderer of the checkout at `root` when it has none (`who` names the benchmark in the message). */
export function ensureUiBuilt(root: string, who: string): void {
  if (existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return;
  console.log(`${who}: building the renderer…`);
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('electron-vite build failed');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A Chromium trace of `ms` of the page's work (open it in Perfetto or chrome://tracing): where the time goes. */
export async function tracePage(browser: Browser, page: Page, file: string, ms: number): Promise<void> {
  const categories = [
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'blink',
    'v8',
    'toplevel',
  ];
  await browser.startTracing(page, { path: file, categories });
  await new Promise((r) => setTimeout(r, ms));
  await browser.stopTracing();
}
