// ESLint rule camdeck/layering: the layers of src/ may import only downward (LAYERS in eslint.config.js).
// Every specifier is resolved against the importing file's directory before its layer is decided, as VS Code's
// code-layering rule does, so '../../src/service', './../service', '../host/../service' and import('../service')
// are judged by where they land, not by how they are spelled. Node built-ins and electron are fenced per layer.
// Plain ESM so eslint.config.js loads it without a build step.
import path from 'node:path';
import { builtinModules } from 'node:module';

const nodeBuiltins = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** vi.* helpers whose first argument is a module path (vitest resolves it like an import). */
const VI_PATH_HELPERS = new Set(['mock', 'doMock', 'unmock', 'doUnmock', 'importActual', 'importMock']);

const INDEX_FILE = /^index(\.[cm]?[jt]sx?)?$/;
const TEST_UTIL = /\.test-util(\.[cm]?[jt]sx?)?$/;

/**
 * What a specifier names: a package (bare name), or a file path. Absolute paths are never portable.
 * @param {string} spec
 * @param {string} fromDir
 * @returns {{ kind: 'package', name: string } | { kind: 'path', abs: string } | { kind: 'absolute' }}
 */
function classify(spec, fromDir) {
  if (spec.startsWith('file:') || path.isAbsolute(spec) || path.win32.isAbsolute(spec))
    return { kind: 'absolute' };
  if (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../')) {
    // a bundler query or hash ('?raw', '#x') is not part of the path
    const abs = path.resolve(fromDir, spec.replace(/[?#].*$/, ''));
    // '../../node_modules/electron' is the package electron, whatever the spelling
    const segs = abs.split(path.sep);
    const nm = segs.lastIndexOf('node_modules');
    if (nm >= 0 && segs[nm + 1]) {
      const scoped = segs[nm + 1].startsWith('@');
      return { kind: 'package', name: segs.slice(nm + 1, nm + (scoped ? 3 : 2)).join('/') };
    }
    return { kind: 'path', abs };
  }
  return { kind: 'package', name: spec };
}

/**
 * The path of `abs` inside src/ as segments ([] for src itself), or null when it lies outside src/.
 * Compared without case: macOS and Windows file systems would resolve '../Service' to src/service.
 * @param {string} srcDir
 * @param {string} abs
 */
function srcSegments(srcDir, abs) {
  const rel = path.relative(srcDir.toLowerCase(), abs.toLowerCase());
  if (rel === '') return [];
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep);
}

/** @param {import('estree').Node | null | undefined} node  the string a module is named by, if static */
function staticString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? null;
  return null;
}

const layerList = { type: 'array', items: { type: 'string' }, uniqueItems: true };

/** @type {import('eslint').Rule.RuleModule} */
const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'src/ layers import only the layers LAYERS allows, judged by resolved path' },
    schema: [
      {
        type: 'object',
        properties: {
          srcDir: { type: 'string' },
          layers: { type: 'object', additionalProperties: layerList },
          nodeLayers: layerList,
          electronLayers: layerList,
          testPattern: { type: 'string' },
          testExtra: layerList,
          indexOnly: { type: 'object', additionalProperties: layerList },
        },
        required: ['srcDir', 'layers'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const {
      srcDir,
      layers,
      nodeLayers = [],
      electronLayers = [],
      testPattern = '\\.test\\.[cm]?[jt]sx?$',
      testExtra = [],
      indexOnly = {},
    } = context.options[0];
    const file = context.filename;
    const own = srcSegments(srcDir, file);
    if (!own) return {}; // not a file of src/
    const layer = own.length > 1 ? own[0] : '';
    if (!Object.hasOwn(layers, layer)) {
      // a file outside the layer folders would import past every fence
      const where = layer ? `src/${layer}` : `src/${own.join('/')}`;
      const message = `Layering: ${where} is not a layer; add it to LAYERS in eslint.config.js.`;
      return { Program: (node) => context.report({ node, message }) };
    }

    const isTest = new RegExp(testPattern).test(file);
    const isNode = nodeLayers.includes(layer);
    // tests may also drive the simulated camera, where the layer can run Node at all
    const allowed = isTest && isNode ? [...layers[layer], ...testExtra] : layers[layer];
    const fromDir = path.dirname(file);

    /** @param {import('estree').Node} node  @param {string} spec  @param {string} name  the package */
    function checkPackage(node, spec, name) {
      const root = name.split('/')[0];
      if (!isNode && (name.startsWith('node:') || nodeBuiltins.has(root) || nodeBuiltins.has(name))) {
        context.report({
          node,
          message: `Layering: src/${layer} must not use Node built-ins (it runs in a browser or must stay portable): '${spec}'.`,
        });
      }
      if (root === 'electron' && !electronLayers.includes(layer)) {
        context.report({
          node,
          message: `Layering: only ${electronLayers.map((l) => `src/${l}`).join(' and ')} may import electron: '${spec}'.`,
        });
      }
    }

    /** @param {import('estree').Node} node  @param {string} spec */
    function check(node, spec) {
      const target = classify(spec, fromDir);
      if (target.kind === 'absolute') {
        context.report({
          node,
          message: `Layering: '${spec}' is an absolute path; import by a relative path or a package name.`,
        });
        return;
      }
      if (target.kind === 'package') return checkPackage(node, spec, target.name);
      const segs = srcSegments(srcDir, target.abs);
      if (segs === null) return; // outside src/, e.g. package.json
      const to = segs[0];
      if (to === layer) return;
      if (to === undefined || !Object.hasOwn(layers, to)) {
        context.report({
          node,
          message: `Layering: '${spec}' resolves to src/${segs.join('/')}, which is in no layer.`,
        });
        return;
      }
      if (!allowed.includes(to)) {
        context.report({
          node,
          message: `Layering: src/${layer} may import only ${allowed.join(', ') || 'itself'} (see README "Layout"); '${spec}' is in src/${to}.`,
        });
        return;
      }
      const deep = segs.length > 2 || (segs.length === 2 && !INDEX_FILE.test(segs[1]));
      // a test may still reach a test helper of that layer (never part of its public index)
      if (deep && indexOnly[to]?.includes(layer) && !(isTest && TEST_UTIL.test(segs[segs.length - 1]))) {
        context.report({
          node,
          message: `Layering: src/${layer} may import src/${to} only through its index ('${path.relative(fromDir, path.join(srcDir, to)) || '.'}'), not '${spec}'.`,
        });
      }
    }

    /** @param {import('estree').Node | null | undefined} source */
    const visit = (source) => {
      const spec = staticString(source);
      if (source && spec !== null) check(source, spec);
    };

    return {
      ImportDeclaration: (node) => visit(node.source),
      ExportNamedDeclaration: (node) => visit(node.source),
      ExportAllDeclaration: (node) => visit(node.source),
      ImportExpression: (node) => visit(node.source),
      CallExpression(node) {
        const callee = node.callee;
        const first = /** @type {import('estree').Node | undefined} */ (node.arguments[0]);
        if (callee.type === 'Identifier' && callee.name === 'require') visit(first);
        else if (
          callee.type === 'MemberExpression' &&
          callee.object.type === 'Identifier' &&
          callee.object.name === 'vi' &&
          callee.property.type === 'Identifier' &&
          VI_PATH_HELPERS.has(callee.property.name)
        ) {
          visit(first);
        }
      },
      // TypeScript only: import x = require('…') and the type import('…').T
      TSExternalModuleReference: (node) => visit(node.expression),
      TSImportType: (node) => visit(node.source ?? node.argument?.literal),
    };
  },
};

export default { meta: { name: 'camdeck-layering' }, rules: { layering } };
