/**
 * The engine's layers, lowest first: a folder of pkg/ imports only folders of lower layers (folders of one layer do
 * not import each other). Enforced by dependency-cruiser (.dependency-cruiser.cjs,
 * `npm run lint:deps`); docs/architecture.md shows this table ("may import"); tests/layout/architecture.test.ts
 * fails when the two disagree. A folder not listed here is refused until it takes its place in the table.
 */
const LAYERS = [
  ['contract'],
  ['core'],
  ['features'],
  ['forecast'],
  ['detectors', 'outliers'],
  ['ensemble'],
  ['pipeline'],
  ['incidents', 'pool'],
  ['notify'],
  ['report'],
  ['config'],
  ['sources'],
  ['store'],
  ['promapi', 'logs'],
  ['jobs'],
  ['sinks'],
  ['api'],
  ['bench', 'demo'],
  ['cli', 'codegen'],
];

/** What each folder of pkg/ may import: the folders of the layers below its own. */
const MAY_IMPORT = Object.fromEntries(
  LAYERS.flatMap((layer, i) => layer.map((folder) => [folder, LAYERS.slice(0, i).flat()]))
);

module.exports = { LAYERS, MAY_IMPORT };
