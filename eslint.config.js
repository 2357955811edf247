// ESLint flat config. The layering of src/ is enforced here (see README "Layout") by the local rule
// camdeck/layering (scripts/eslint-layering.mjs): each layer may import only the layers listed in LAYERS, judged
// by the path an import resolves to; node and electron are fenced per layer by the same rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import path from 'node:path';
import camdeck from './scripts/eslint-layering.mjs';

/** layer → the other layers it may import (its own folder is always allowed). Imports only go downward. */
export const LAYERS = {
  protocol: [],
  model: [],
  shared: ['model'],
  rpc: ['shared', 'model'],
  host: ['protocol', 'model'],
  simcam: ['protocol', 'model'],
  service: ['host', 'simcam', 'protocol', 'rpc', 'shared', 'model'],
  server: ['service', 'rpc', 'shared', 'model'],
  main: ['service', 'rpc', 'shared', 'model'],
  preload: ['rpc', 'shared', 'model'],
  cli: ['server', 'service', 'host', 'simcam', 'protocol', 'shared', 'model'],
  renderer: ['rpc', 'shared', 'model'],
};

const layering = {
  srcDir: path.join(import.meta.dirname, 'src'),
  layers: LAYERS,
  /** Layers that may use Node built-ins; the others run in a browser or must stay portable. */
  nodeLayers: ['host', 'simcam', 'service', 'server', 'main', 'cli', 'preload'],
  /** Layers that may import electron at all. */
  electronLayers: ['main', 'preload'],
  /** Tests (in a Node layer) may also drive the simulated camera, the device every test talks to. */
  testPattern: '\\.test\\.[cm]?[jt]sx?$',
  testExtra: ['simcam'],
  /** target → importers that must go through its index: the service's public surface is src/service/index.ts. */
  indexOnly: { service: ['main', 'server'] },
};

const sources = 'src/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: [sources],
    plugins: { camdeck },
    rules: { 'camdeck/layering': ['error', layering] },
  },
  {
    files: [sources],
    ignores: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcRenderer'],
              message: 'Raw ipcRenderer is allowed only in src/preload, which exposes the typed contract.',
            },
          ],
        },
      ],
    },
  },
);
