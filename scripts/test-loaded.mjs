#!/usr/bin/env node
// `npm run test:loaded`: `npm test` several times in a row with two CPU-bound processes beside it, the way a
// shared 2-core CI machine or a busy laptop runs it. Tests must assert behaviour, not speed, so this passes.
//   npm run test:loaded              3 runs of the whole suite
//   npm run test:loaded -- --runs 1 --unit    any other argument goes to scripts/test.mjs
// Prints each run's closing line and ends with the combined "N passed, N failed, N skipped".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
let runs = 3;
let hogs = 2;
const pass = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--runs' || a === '--hogs') {
    const n = Number(argv[++i]);
    if (!Number.isInteger(n) || n < (a === '--runs' ? 1 : 0)) {
      console.error(
        `test:loaded: ${a} takes a whole number (${a === '--runs' ? '≥ 1' : '≥ 0'}), got "${argv[i] ?? ''}".`,
      );
      process.exit(2);
    }
    if (a === '--runs') runs = n;
    else hogs = n;
  } else pass.push(a);
}

// Each hog is a separate process spinning on one core until it is killed.
const spinners = Array.from({ length: hogs }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => {
  for (const s of spinners) s.kill('SIGKILL');
};
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopSpinners();
    process.exit(130);
  });
}
process.on('exit', stopSpinners);

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
let failedRuns = 0;
for (let run = 1; run <= runs; run++) {
  console.log(`\n##### test:loaded run ${run} of ${runs}, ${hogs} CPU-bound processes beside it`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), ...pass], {
    cwd: root,
    stdio: 'inherit',
  });
  let line = 'no summary';
  try {
    line = readFileSync(path.join(root, 'reports', 'summary.txt'), 'utf8').trim();
  } catch {
    // test.mjs writes it at the end; without it the run counts as failed below.
  }
  const m = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(line);
  if (m) {
    totals.passed += Number(m[1]);
    totals.failed += Number(m[2]);
    totals.skipped += Number(m[3] ?? 0);
  } else totals.failed++;
  if (r.status !== 0 || !m) failedRuns++;
  lines.push(`run ${run}: ${line} (${((Date.now() - t0) / 60_000).toFixed(1)} min, exit ${r.status})`);
}
stopSpinners();
console.log('\n##### test:loaded');
for (const l of lines) console.log(l);
console.log(`${runs - failedRuns} of ${runs} runs green`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedRuns ? 1 : 0);
