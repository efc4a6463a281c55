import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * docs/architecture.md's folder table is the map of the engine's layers that dependency-cruiser enforces
 * (layers.cjs, `npm run lint:deps`): the two must say the same, and every folder of pkg/ must be on both.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LAYERS } = require('../../layers.cjs') as { LAYERS: string[][] };

const ROOT = path.join(__dirname, '..', '..');

/** `pkg/<folder>/` -> layer, from the rows of the table in docs/architecture.md ("| 4 | `pkg/detectors/` | ..."). */
function documentedLayers(): Map<string, number> {
  const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const m of doc.matchAll(/^\|\s*(\d+)\s*\|\s*`pkg\/([^/`]+)\/`\s*\|/gm)) rows.set(m[2], Number(m[1]));
  return rows;
}

describe('docs/architecture.md and the enforced layers', () => {
  const enforced = new Map(LAYERS.flatMap((layer, i) => layer.map((folder) => [folder, i] as const)));

  it('the table gives every folder the layer that lint enforces', () => {
    expect(Object.fromEntries(documentedLayers())).toEqual(Object.fromEntries(enforced));
  });

  it('every folder of pkg/ has its layer', () => {
    const folders = readdirSync(path.join(ROOT, 'pkg'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !enforced.has(f))).toEqual([]);
    expect([...enforced.keys()].filter((f) => !folders.includes(f))).toEqual([]);
  });
});

describe('pkg/api stays a set of small route plugins', () => {
  /** Every file below `dir`, as paths relative to the project. */
  const filesBelow = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)]
    );

  it('no file in pkg/api is longer than 250 lines (a longer one is split by concern, as routes/ is)', () => {
    const long = filesBelow('pkg/api')
      .map((f) => ({ file: f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > 250);
    expect(long).toEqual([]);
  });
});
