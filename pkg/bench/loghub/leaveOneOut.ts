/**
 * Leave-one-system-out check of the template miner's parameters: for each system, choose the configuration of a
 * small grid that has the best average grouping accuracy on the other systems and score the left-out system with
 * it. The average over left-out systems estimates the accuracy on a system the parameters were not chosen on.
 *
 * Run: `node --import tsx pkg/bench/loghub/leaveOneOut.ts ../shared/data/loghub`
 */

import * as path from 'node:path';
import type { TemplateMinerOptions } from '../../logs/miner';
import { benchLogParse } from './logparse';

/** The grid searched. */
export const GRID: Partial<TemplateMinerOptions>[] = [];
for (const similarity of [0.4, 0.5, 0.6, 0.7])
  for (const valueCardinality of [3, 4, 5, 6])
    for (const depth of [1, 2]) GRID.push({ similarity, valueCardinality, depth });

/** Per-configuration GA of every system, and the leave-one-out result. */
export function leaveOneOut(dir: string): {
  grid: { options: Partial<TemplateMinerOptions>; ga: Record<string, number> }[];
  folds: { system: string; options: Partial<TemplateMinerOptions>; ga: number }[];
  average: number;
} {
  const grid = GRID.map((options) => {
    const r = benchLogParse(dir, options);
    const ga: Record<string, number> = {};
    for (const [s, v] of Object.entries(r.systems)) ga[s] = v.ga;
    return { options, ga };
  });
  const systems = Object.keys(grid[0].ga);
  const folds = systems.map((system) => {
    const others = (g: (typeof grid)[number]) => systems.filter((s) => s !== system).reduce((a, s) => a + g.ga[s], 0);
    const best = grid.reduce((b, g) => (others(g) > others(b) ? g : b));
    return { system, options: best.options, ga: best.ga[system] };
  });
  return { grid, folds, average: folds.reduce((a, f) => a + f.ga, 0) / folds.length };
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', '..', '..', 'shared', 'data', 'loghub'));
  const r = leaveOneOut(dir);
  for (const g of r.grid) {
    const mean = Object.values(g.ga).reduce((a, b) => a + b, 0) / Object.values(g.ga).length;
    process.stdout.write(`${JSON.stringify(g.options)} average GA ${mean.toFixed(4)}\n`);
  }
  for (const f of r.folds)
    process.stdout.write(`left out ${f.system}: ${JSON.stringify(f.options)} GA ${f.ga.toFixed(4)}\n`);
  process.stdout.write(`leave-one-system-out average GA ${r.average.toFixed(4)}\n`);
}
