// e2e: the real app against the simulated camera on a socat-style pty. Browser-host mode in Debian's Chromium
// (never a downloaded browser); the `electron` project runs the same specs through `_electron.launch` where the
// Electron binary exists and skips them with a printed reason where it does not.
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './e2e/chromium';
import type { CarrierOptions } from './e2e/fixtures';

export { CHROMIUM } from './e2e/chromium';

export default defineConfig<CarrierOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: 1,
  fullyParallel: false,
  // generous: on a loaded machine the tests are slow, not wrong; they assert behaviour, not rates
  timeout: 120_000,
  expect: { timeout: 15_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: 'chromium', testIgnore: '**/electron*.spec.ts', use: { carrier: 'browser' } },
    { name: 'electron', use: { carrier: 'electron' } },
  ],
});
