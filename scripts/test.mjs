#!/usr/bin/env node
// `npm test`: typecheck, lint, unit tests (vitest), e2e tests (Playwright in Chromium) — every step runs
// even when an earlier one fails, so one run shows everything. The closing line counts the tests from the
// vitest and Playwright JSON reports (typecheck and lint count as one check each):
//   N passed, N failed, N skipped
// Also written to reports/summary.txt. Exit status is non-zero when anything failed.
// Options: --unit (skip e2e), --e2e (skip unit), any other args go to both runners as filters.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const reports = path.join(root, 'reports');
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const argv = process.argv.slice(2);
const onlyUnit = argv.includes('--unit');
const onlyE2e = argv.includes('--e2e');
const filters = argv.filter((a) => a !== '--unit' && a !== '--e2e');

mkdirSync(reports, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
const skips = [];
const failures = [];
// the first line of a failure message, without colour codes, kept short
const firstLine = (messages) => {
  const text = stripVTControlCharacters(String((messages ?? []).find(Boolean) ?? 'no message'));
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
};

function step(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(
    `=== ${title}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return ok;
}

function check(title, cmd, args) {
  if (step(title, cmd, args)) totals.passed++;
  else {
    totals.failed++;
    problems.push(title);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

if (!onlyE2e) {
  check('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json']);
  check('typecheck (renderer)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.web.json']);
  check('lint', bin('eslint'), ['.']);
  check('format', bin('prettier'), ['--check', '--log-level=warn', '.']);

  const out = path.join(reports, 'vitest.json');
  rmSync(out, { force: true });
  const ok = step('unit tests (vitest)', bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...filters,
  ]);
  const j = readJson(out);
  if (!j) {
    totals.failed++;
    problems.push('vitest wrote no report');
  } else {
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + j.numTodoTests;
    if (j.numFailedTests) problems.push(`${j.numFailedTests} unit test(s) failed`);
    // a file that fails to load has no failed test but fails the run
    if (!ok && !j.numFailedTests) {
      totals.failed++;
      problems.push('vitest failed outside any test (see above)');
    }
    for (const file of j.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') {
          skips.push(`${path.relative(root, file.name)} › ${t.fullName}`);
        } else if (t.status === 'failed') {
          failures.push(`${path.relative(root, file.name)} › ${t.fullName}: ${firstLine(t.failureMessages)}`);
        }
      }
    }
  }
}

if (!onlyUnit) {
  const out = path.join(reports, 'playwright.json');
  rmSync(out, { force: true });
  if (!existsSync('/usr/bin/chromium') && process.platform === 'linux') {
    console.log(
      '\nnote: /usr/bin/chromium is missing; install it with `sudo apt-get install -y chromium socat`.',
    );
  }
  const ok = step('e2e tests (playwright)', bin('playwright'), ['test', '--reporter=list,json', ...filters], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: out,
  });
  const j = readJson(out);
  if (!j?.stats) {
    totals.failed++;
    problems.push('playwright wrote no report');
  } else {
    const s = j.stats;
    totals.passed += s.expected + s.flaky;
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
    if (s.unexpected) problems.push(`${s.unexpected} e2e test(s) failed`);
    if (s.flaky) problems.push(`${s.flaky} e2e test(s) passed only on retry`);
    if (!ok && !s.unexpected) {
      totals.failed++;
      problems.push('playwright failed outside any test (see above)');
    }
    const walk = (suite, trail) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status === 'unexpected' || t.status === 'flaky') {
            const err = t.results?.find((r) => r.error)?.error?.message;
            const tag = t.status === 'flaky' ? ' (passed on retry)' : '';
            failures.push(
              `${[...trail, spec.title].join(' › ')} [${t.projectName}]${tag}: ${firstLine([err])}`,
            );
          }
          if (t.status !== 'skipped') continue;
          const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
          skips.push(`${[...trail, spec.title].join(' › ')} [${t.projectName}]: ${why}`);
        }
      }
      for (const child of suite.suites ?? []) walk(child, [...trail, child.title]);
    };
    for (const suite of j.suites ?? []) walk(suite, [suite.title]);
  }
}

if (skips.length) {
  console.log(`\nSkipped (${skips.length}):`);
  for (const s of skips) console.log(`  - ${s}`);
}
// last, so the names of what failed are in the tail of a long log
if (failures.length) {
  console.log(`\nFailed (${failures.length}):`);
  for (const f of failures) console.log(`  - ${f}`);
}
if (problems.length) console.log(`\nProblems: ${problems.join('; ')}`);
const line = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
writeFileSync(path.join(reports, 'summary.txt'), `${line}\n`);
console.log(`\n${line}`);
process.exit(totals.failed ? 1 : 0);
