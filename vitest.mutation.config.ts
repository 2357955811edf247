// Vitest config for `npm run mutation` (stryker.config.mjs): the project config, only the src/protocol tests,
// with a long test timeout: instrumented code runs the 131 072-packet round trip many times slower.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// spread, not mergeConfig: that would append to the base include list instead of replacing it
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['src/protocol/**/*.test.ts'], testTimeout: 300_000 },
});
