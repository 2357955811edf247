// Mutation testing of the protocol core (`npm run mutation`, not part of `npm test`): Stryker mutates
// src/protocol/**/*.ts (not its tests or test helpers) and runs the src/protocol vitest files against each mutant.
// Two workers at most: the machine has 2 cores. The fuzz test runs 5 000 buffers per mutant instead of 120 000.
// Static mutants (module-level values, e.g. the opcode tables) would each need the whole suite, so they are
// ignored (reported, not scored): the run then fits in about 20 minutes.
process.env.FUZZ_CASES ??= '5000';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  // only the src/protocol tests: "related" would also pull in every host and simcam test that uses the protocol
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/protocol/**/*.ts', '!src/protocol/**/*.test.ts', '!src/protocol/testing/**'],
  checkers: [],
  concurrency: 2,
  timeoutMS: 5_000,
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // the sandbox needs sources and configs only, not build output or other runs' reports (they change under it)
  ignorePatterns: ['out', 'dist', 'release', 'reports', 'test-results', 'playwright-report', '.cache', 'e2e'],
  incremental: false,
  thresholds: { high: 90, low: 80, break: null },
};

export default config;
