/**
 * dependency-cruiser: no cycles in the engine (pkg/) and the plugin (src/), checked by `npm run lint:deps`
 * (part of `npm run lint`, so of `npm test` and CI).
 *
 * - no-folder-cycles: the layering of docs/architecture.md. A folder (pkg/detectors, pkg/bench/nab, src/panel, ...)
 *   never reaches itself again through another folder, counting every import of every file in it, tests and
 *   type-only imports included (a test that needs a higher layer lives under tests/).
 * - no-module-cycles: no two files import each other, directly or around a loop.
 * - layer-<folder>: the engine's folders form the layers of LAYERS below; each imports only lower ones.
 *
 * The import-boundary rules (what src/, pkg/contract, pkg/detectors and pkg/ensemble may import) are in
 * eslint.config.mjs.
 */
const { LAYERS, MAY_IMPORT } = require('./layers.cjs');

const layerRules = Object.entries(MAY_IMPORT).map(([folder, below]) => ({
  name: `layer-${folder}`,
  comment:
    `pkg/${folder} may import only ${below.length ? below.map((f) => `pkg/${f}`).join(', ') : 'no other folder'}` +
    ' (docs/architecture.md): move the shared part down, or change the layers there and in layers.cjs.',
  severity: 'error',
  from: { path: `^pkg/${folder}/` },
  to: { path: '^pkg/[^/]+/', pathNot: `^pkg/(${[folder, ...below].join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'folder-in-the-map',
      comment:
        'Every folder of pkg/ has its layer in .dependency-cruiser.cjs (LAYERS in layers.cjs) and its row in docs/architecture.md.',
      severity: 'error',
      from: { path: '^pkg/[^/]+/', pathNot: `^pkg/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders form layers (docs/architecture.md): a folder must not depend on one that depends on it.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(pkg|src)/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Files must not import each other around a loop: move the shared part into a file both import.',
      severity: 'error',
      from: { path: '^(pkg|src)/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^(pkg|src)/',
    doNotFollow: { path: 'node_modules' },
    // type-only imports couple folders too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
