// The layering table in eslint.config.js really bites: deliberate cross-layer imports fail lint and the
// allowed ones pass. Linted through ESLint's Node API on in-memory code; the file paths need not exist.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Messages of no-restricted-imports for `code` linted as if it lived at `file` (relative to the repo). */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}`, warnIgnored: true });
  expect(result, `no lint result for ${file}`).toBeDefined();
  // a config or parse problem would otherwise look like "no layering error"
  const fatal = result!.messages.filter((m) => m.fatal || m.ruleId === null);
  expect(fatal.map((m) => m.message)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (from: string, name = 'x'): string =>
  `import { ${name} } from '${from}';\nexport const y = ${name};\n`;

describe('layering lint', () => {
  const forbidden: [string, string, string, RegExp][] = [
    [
      'protocol → host',
      'src/protocol/packet-extra.ts',
      use('../host/x'),
      /src\/protocol may import only itself/,
    ],
    [
      'protocol → node:fs',
      'src/protocol/io.ts',
      use('node:fs', 'readFileSync'),
      /must not use Node built-ins/,
    ],
    ['protocol → bare fs', 'src/protocol/io.ts', use('fs', 'readFileSync'), /must not use Node built-ins/],
    [
      'renderer → electron',
      'src/renderer/App.tsx',
      use('electron', 'shell'),
      /only src\/main and src\/preload/,
    ],
    ['renderer → ipcRenderer', 'src/renderer/ipc.ts', use('electron', 'ipcRenderer'), /ipcRenderer/],
    ['renderer → ../../host', 'src/renderer/components/View.tsx', use('../../host/x'), /src\/renderer may/],
    ['renderer → node:path', 'src/renderer/paths.ts', use('node:path', 'join'), /Node built-ins/],
    [
      'host → simcam (non-test)',
      'src/host/client.ts',
      use('../simcam/x'),
      /src\/host may import only protocol/,
    ],
    ['simcam → host', 'src/simcam/device.ts', use('../host/x'), /src\/simcam may import only protocol/],
    ['simcam test → host', 'src/simcam/device.test.ts', use('../host/x'), /src\/simcam may import/],
    ['service → main', 'src/service/link-owner.ts', use('../main/x'), /src\/service may import/],
    ['host → electron', 'src/host/serial.ts', use('electron', 'app'), /only src\/main and src\/preload/],
    ['main → ipcRenderer', 'src/main/index.ts', use('electron', 'ipcRenderer'), /ipcRenderer/],
  ];

  it.each(forbidden)('%s fails lint', async (_name, file, code, message) => {
    const errors = await layeringErrors(file, code);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });

  const allowed: [string, string, string][] = [
    ['service → host', 'src/service/link-owner.ts', use('../host/x')],
    [
      'service → protocol and shared',
      'src/service/a.ts',
      use('../protocol') + use('../shared/contract', 'z'),
    ],
    ['host test → simcam', 'src/host/client.test.ts', use('../simcam/x')],
    ['host → protocol and node', 'src/host/serial.ts', use('../protocol') + use('node:events', 'once')],
    ['preload → electron ipcRenderer', 'src/preload/index.ts', use('electron', 'ipcRenderer')],
    ['main → electron', 'src/main/index.ts', use('electron', 'BrowserWindow')],
    ['renderer → shared', 'src/renderer/components/View.tsx', use('../../shared/contract')],
    ['protocol → itself', 'src/protocol/extra.ts', use('./crc')],
  ];

  it.each(allowed)('%s passes lint', async (_name, file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
