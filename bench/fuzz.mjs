#!/usr/bin/env node
// `npm run fuzz`: the parser fuzz test at nightly scale — 10^6 mutated buffers and 10^6 oracle streams (real
// packets embedded in garbage must come back exactly) — then bench/results/fuzz.json with cases, time and
// failures. The default suite runs the same test with 120 000 + 30 000 cases.
//   npm run fuzz                     10^6 + 10^6 cases, seed 20261122
//   npm run fuzz -- 400000 23770     other buffer count (oracle streams alike) and seed
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const TEST = 'src/protocol/parser.fuzz.test.ts';
const [cases = '1000000', seed = '20261122'] = process.argv.slice(2);
if (!/^\d+$/.test(cases) || !/^\d+$/.test(seed)) {
  console.error(
    `fuzz: cases and seed must be whole numbers (got "${cases}" "${seed}"); try: npm run fuzz -- 1000000 1`,
  );
  process.exit(2);
}

const report = path.join(tmpdir(), `camdeck-fuzz-${process.pid}.json`);
const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const t0 = Date.now();
const run = spawnSync(
  process.execPath,
  [vitest, 'run', TEST, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_CASES: cases, FUZZ_ORACLE_CASES: cases, FUZZ_SEED: seed },
  },
);
const seconds = (Date.now() - t0) / 1000;

let tests = [];
try {
  tests = JSON.parse(readFileSync(report, 'utf8')).testResults.flatMap((f) => f.assertionResults);
  rmSync(report);
} catch {
  console.error('fuzz: vitest wrote no JSON report; the run output above says why.');
}
const result = {
  date: new Date().toISOString(),
  node: process.version,
  seed: Number(seed),
  bufferCases: Number(cases),
  oracleCases: Number(cases),
  seconds: Math.round(seconds * 10) / 10,
  tests: tests.map((t) => ({
    title: t.title,
    status: t.status,
    seconds: Math.round((t.duration ?? 0) / 100) / 10,
  })),
  // a run that crashed before reporting counts as one failure
  failures: tests.length ? tests.filter((t) => t.status !== 'passed').length : run.status === 0 ? 0 : 1,
  loadAverage: Math.round(loadavg()[0] * 100) / 100,
};
mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'results', 'fuzz.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `fuzz: ${cases} buffers + ${cases} oracle streams, seed ${seed}: ${result.failures} failures in ${result.seconds} s`,
);
process.exit(run.status === 0 && result.failures === 0 ? 0 : 1);
