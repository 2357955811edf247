// ESLint flat config. The layering of src/ is enforced here (see README "Layout"):
// each layer may import only the layers listed in LAYERS; node and electron are fenced separately.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** layer → the other layers it may import (its own folder is always allowed). Imports only go downward. */
export const LAYERS = {
  protocol: [],
  shared: [],
  host: ['protocol'],
  simcam: ['protocol'],
  service: ['host', 'simcam', 'protocol', 'shared'],
  server: ['service', 'shared'],
  main: ['service', 'shared'],
  preload: ['shared'],
  cli: ['server', 'service', 'host', 'simcam', 'protocol', 'shared'],
  renderer: ['shared'],
};

/** Layers that may use Node built-ins; the others run in a browser or must stay portable. */
const NODE_LAYERS = new Set(['host', 'simcam', 'service', 'server', 'main', 'cli', 'preload']);
/** Layers that may import electron at all. */
const ELECTRON_LAYERS = new Set(['main', 'preload']);

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Tests may also drive the simulated camera (the device every test talks to). */
const TEST_EXTRA = ['simcam'];

function layerRules(layer, forTests) {
  const allowed = forTests && NODE_LAYERS.has(layer) ? [...LAYERS[layer], ...TEST_EXTRA] : LAYERS[layer];
  const forbidden = Object.keys(LAYERS).filter((l) => l !== layer && !allowed.includes(l));
  const patterns = [];
  if (forbidden.length) {
    patterns.push({
      // a relative import that climbs out of this layer into a forbidden one, e.g. '../host/client'
      regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
      message: `Layering: src/${layer} may import only ${allowed.join(', ') || 'itself'} (see README "Layout").`,
    });
  }
  if (!NODE_LAYERS.has(layer)) {
    patterns.push({
      regex: `^(node:.*|${nodeBuiltins.map(escape).join('|')})(/.*)?$`,
      message: `Layering: src/${layer} must not use Node built-ins (it runs in a browser or must stay portable).`,
    });
  }
  if (!ELECTRON_LAYERS.has(layer)) {
    patterns.push({
      regex: '^electron(/.*)?$',
      message: `Layering: only src/main and src/preload may import electron.`,
    });
  }
  const paths =
    layer === 'preload'
      ? []
      : [
          {
            name: 'electron',
            importNames: ['ipcRenderer'],
            message: 'Raw ipcRenderer is allowed only in src/preload, which exposes the typed contract.',
          },
        ];
  const files = [`src/${layer}/**/*.test.{ts,tsx}`];
  return {
    files: forTests ? files : [`src/${layer}/**/*.{ts,tsx}`],
    ...(forTests ? {} : { ignores: files }),
    rules: { 'no-restricted-imports': ['error', { patterns, paths }] },
  };
}

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
  ...Object.keys(LAYERS).map((l) => layerRules(l, false)),
  ...Object.keys(LAYERS).map((l) => layerRules(l, true)),
);
