// The layering table in eslint.config.js really bites: deliberate cross-layer imports fail lint and the
// allowed ones pass, however the specifier is spelled (the rule resolves it first, scripts/eslint-layering.mjs).
// Linted through ESLint's Node API on in-memory code; the file paths need not exist.
import { ESLint } from 'eslint';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

const LAYERING_RULES = new Set(['camdeck/layering', 'no-restricted-imports']);

/** Layering messages for `code` linted as if it lived at `file` (relative to the repo). */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}`, warnIgnored: true });
  expect(result, `no lint result for ${file}`).toBeDefined();
  // a config or parse problem would otherwise look like "no layering error"
  const fatal = result!.messages.filter((m) => m.fatal || m.ruleId === null);
  expect(fatal.map((m) => m.message)).toEqual([]);
  return result!.messages.filter((m) => LAYERING_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

const use = (from: string, name = 'x'): string =>
  `import { ${name} } from '${from}';\nexport const y = ${name};\n`;
const useType = (from: string): string => `import type { X } from '${from}';\nexport type Y = X;\n`;
const dynamic = (from: string): string => `export const load = () => import('${from}');\n`;

const HOST_ONLY = /src\/host may import only protocol, model \(/;

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

    // spellings that dodged the old folder-name regexes: each is judged by where it resolves
    ['host → ../../src/service', 'src/host/client.ts', use('../../src/service'), HOST_ONLY],
    ['host → ./../service', 'src/host/client.ts', use('./../service'), HOST_ONLY],
    ['host → ../host/../service/api', 'src/host/client.ts', use('../host/../service/api'), HOST_ONLY],
    ['host → ./testing/../../service', 'src/host/testing/fake.ts', use('../../service'), HOST_ONLY],
    ['host → ../Service (case-blind file systems)', 'src/host/client.ts', use('../Service'), HOST_ONLY],
    ['host → ../service?raw', 'src/host/client.ts', use('../service/x.ts?raw'), HOST_ONLY],
    ['host → import type', 'src/host/client.ts', useType('../service/api'), HOST_ONLY],
    ['host → import("../service")', 'src/host/client.ts', dynamic('../service'), HOST_ONLY],
    [
      'host → import(`../service`)',
      'src/host/client.ts',
      'export const l = () => import(`../service`);\n',
      HOST_ONLY,
    ],
    [
      'host → require("../service")',
      'src/host/client.ts',
      "export const s = require('../service');\n",
      HOST_ONLY,
    ],
    ['host → export * from', 'src/host/client.ts', "export * from '../service';\n", HOST_ONLY],
    ['host → export { x } from', 'src/host/client.ts', "export { x } from '../service/api';\n", HOST_ONLY],
    [
      'host → type import("../service")',
      'src/host/client.ts',
      "export type T = import('../service').Api;\n",
      HOST_ONLY,
    ],
    [
      'host → import x = require()',
      'src/host/client.ts',
      "import s = require('../service');\nexport const y = s;\n",
      HOST_ONLY,
    ],
    [
      'host test → vi.mock("../service/x")',
      'src/host/client.test.ts',
      "vi.mock('../service/x');\n",
      /src\/host may/,
    ],
    ['host → absolute path into src', 'src/host/client.ts', use(`${root}src/service`), /absolute path/],
    [
      'host → file: URL',
      'src/host/client.ts',
      use(pathToFileURL(`${root}src/service`).href),
      /absolute path/,
    ],
    ['host → absolute path elsewhere', 'src/host/client.ts', use('/tmp/x'), /absolute path/],
    [
      'host → src/ outside any layer',
      'src/host/client.ts',
      use('../util/x'),
      /src\/util\/x, which is in no layer/,
    ],
    ['host → src/ itself', 'src/host/client.ts', use('..'), /which is in no layer/],
    ['a folder of src/ that is no layer', 'src/util/x.ts', use('../protocol'), /src\/util is not a layer/],
    ['a file directly in src/', 'src/x.ts', use('./service'), /src\/x.ts is not a layer/],
    [
      'renderer → electron via node_modules',
      'src/renderer/src/ipc.ts',
      use('../../../node_modules/electron', 'shell'),
      /only src\/main and src\/preload may import electron/,
    ],
    ['renderer → import("node:fs")', 'src/renderer/src/io.ts', dynamic('node:fs'), /Node built-ins/],
    ['renderer → fs/promises', 'src/renderer/src/io.ts', use('fs/promises', 'readFile'), /Node built-ins/],
    [
      'renderer → src/main (not its own main)',
      'src/renderer/src/lib/x.ts',
      use('../../../main'),
      /src\/renderer may/,
    ],
    [
      'renderer test → simcam (not a Node layer)',
      'src/renderer/src/x.test.ts',
      use('../../simcam'),
      /renderer may/,
    ],

    // model is pure: it imports no other layer, no Node, no electron
    ['model → shared', 'src/model/port.ts', use('../shared/contract'), /src\/model may import only itself/],
    ['model → protocol', 'src/model/port.ts', use('../protocol'), /src\/model may import only itself/],
    ['protocol → model', 'src/protocol/packet.ts', use('../model'), /src\/protocol may import only itself/],
    ['model → node:events', 'src/model/port.ts', use('node:events', 'once'), /Node built-ins/],
    ['model → electron', 'src/model/port.ts', use('electron', 'app'), /may import electron/],
    // rpc sits between the carriers and shared/model
    ['rpc → service', 'src/rpc/core.ts', use('../service'), /src\/rpc may import only shared, model \(/],
    ['rpc → host', 'src/rpc/core.ts', use('../host'), /src\/rpc may import/],
    ['rpc → node:events', 'src/rpc/core.ts', use('node:events', 'once'), /Node built-ins/],
    ['rpc → electron', 'src/rpc/core.ts', use('electron', 'ipcMain'), /may import electron/],
    ['shared → rpc', 'src/shared/contract.ts', use('../rpc'), /src\/shared may import only model \(/],
    ['host → rpc', 'src/host/client.ts', use('../rpc'), HOST_ONLY],
    ['service → server', 'src/service/a.ts', use('../server'), /src\/service may import/],
    ['cli → rpc', 'src/cli/main.ts', use('../rpc'), /src\/cli may import/],

    // main and server see the service through its public index only
    ['main → ../service/errors', 'src/main/index.ts', use('../service/errors'), /only through its index/],
    [
      'main → import("../service/errors")',
      'src/main/index.ts',
      dynamic('../service/errors'),
      /only through its index/,
    ],
    [
      'main → ../service/index/../errors',
      'src/main/index.ts',
      use('../service/index/../errors'),
      /through its index/,
    ],
    [
      'server → ../service/api (type)',
      'src/server/server.ts',
      useType('../service/api'),
      /only through its index/,
    ],
    [
      'main test → ../service/errors',
      'src/main/a.test.ts',
      use('../service/errors'),
      /only through its index/,
    ],
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
    ['host test → vi.mock("../simcam")', 'src/host/client.test.ts', "vi.mock('../simcam');\n"],
    ['host → protocol and node', 'src/host/serial.ts', use('../protocol') + use('node:events', 'once')],
    ['host → ./../protocol', 'src/host/serial.ts', use('./../host/../protocol/crc')],
    ['preload → electron ipcRenderer', 'src/preload/index.ts', use('electron', 'ipcRenderer')],
    ['main → electron', 'src/main/index.ts', use('electron', 'BrowserWindow')],
    ['renderer → shared', 'src/renderer/components/View.tsx', use('../../shared/contract')],
    ['protocol → itself', 'src/protocol/extra.ts', use('./crc')],
    ['renderer → its own ../main', 'src/renderer/src/components/View.tsx', use('../main')],
    ['renderer → its own ./main', 'src/renderer/src/App.tsx', dynamic('./main')],
    ['renderer → a package', 'src/renderer/src/App.tsx', use('react', 'useState')],
    ['renderer → rpc', 'src/renderer/src/api/client.ts', use('../../../rpc/client')],
    ['preload → rpc', 'src/preload/index.ts', use('../rpc/port')],
    ['main → rpc', 'src/main/index.ts', use('../rpc')],
    ['server → rpc', 'src/server/server.ts', use('../rpc/ws')],
    ['service → rpc (a remote camdeck is a contract client)', 'src/service/a.ts', use('../rpc')],
    ['rpc → shared and model', 'src/rpc/core.ts', use('../shared/contract') + use('../model/errors', 'z')],
    ['shared → model', 'src/shared/contract.ts', useType('../model')],
    ['model → itself', 'src/model/index.ts', "export * from './port';\n"],
    ['main → ../service', 'src/main/index.ts', use('../service')],
    ['main → ../service/index', 'src/main/index.ts', use('../service/index') + dynamic('../service')],
    ['server → ../service', 'src/server/server.ts', useType('../service')],
    ['main test → a service test helper', 'src/main/a.test.ts', use('../service/fake-service.test-util')],
    [
      'cli → a service module (cli is not index-only)',
      'src/cli/commands/serve.ts',
      use('../../service/errors'),
    ],
    ['cli → package.json outside src/', 'src/cli/main.ts', dynamic('../../package.json')],
    ['host → a package', 'src/host/serial.ts', use('serialport', 'SerialPort')],
    [
      'dynamic import of a computed name',
      'src/renderer/src/x.ts',
      'export const l = (m: string) => import(m);\n',
    ],
  ];

  it.each(allowed)('%s passes lint', async (_name, file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });

  // every layer but the wire format may use the domain types (protocol stays below them: it imports nothing)
  const layers = ['model', 'shared', 'rpc', 'host', 'simcam', 'service', 'server', 'main', 'preload'];
  it.each([...layers, 'cli', 'renderer'])('%s may import model', async (layer) => {
    expect(await layeringErrors(`src/${layer}/a/b.ts`, useType('../../model/port'))).toEqual([]);
  });
});
